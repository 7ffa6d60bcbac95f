; sevsim self-test guest for SMP (tests/sim/smp.t). The BSP starts every AP with one
; method, each AP adds 1 to a counter in shared guest memory, the BSP waits for all of
; them and ends with isa-debug-exit 0x10 (through the GHCB IOIO event in SEV-ES).
; Failures: debug-exit 0x21 APs did not all arrive, 0x22 VCPUOP_up failed, 0x23 APs not
; all woken from their AP reset hold, 0x24 no bring-up region, 0x25 AP jump table GET
; differs from SET, 0x26 a GHCB request failed, 0x27 SMC: APs did not see the new code,
; 0x28 AP reset hold answer malformed.
; First character of the command line picks the method:
;   v = Xen bring-up page (docs/abi.md §8): fill one slot per AP (32-bit target, paging
;       off), VCPUOP_up for each back to back (VMMCALL; SEV-ES: the GHCB VMMCALL event);
;   s = INIT-SIPI-SIPI by shorthand "all excluding self" (xAPIC MMIO, or the x2APIC ICR
;       when IA32_APIC_BASE.EXTD is set; SEV-ES: the x2APIC ICR through the GHCB MSR
;       event), to a real-mode trampoline at 0x8000; SEV-ES: the first SIPI runs the
;       launch VMSA (the reset vector), where a far jump to the trampoline waits;
;   m = like s, then the BSP rewrites an instruction of the trampoline the APs spin on:
;       they leave the spin only if they see the new code;
;   i = like v (mode none), then fixed and NMI IPIs through the xAPIC page (ICR at
;       0xFEE00300/0x310): the APs wait with IF = 1 in HLT, count vector 0x40 (EOI through
;       the page) and NMIs; the BSP sends 0x40 to all but itself twice (the second is
;       taken only if the first one's EOI ended it), 0x40 to APIC ID 2 (physical), an NMI
;       to all but itself. Failures: 0x29, 0x2a, 0x2b, 0x2c for the four.
;   d = like v (modes none/sev), the APs counting in TICKS + 4 * vCPU, then VCPUOP_down and
;       VCPUOP_is_up (Xen common/domain.c do_vcpu_op): vCPU 1 is up, goes down (0x2d: down
;       refused, is_up still 1 or vCPU 2 no longer up), stops (0x2e: its count moved while
;       vCPU 2's did), comes back with VCPUOP_up where it stopped (0x2f: is_up 0 or its
;       count never moves again); then the BSP takes every AP down and itself last: Xen
;       powers the domain off (0x30: the last VCPUOP_down returned).
; SEV-ES (both v and s): the BSP sets and gets the AP jump table, the APs park in the AP
; reset hold (MSR protocol 0x006), and the BSP wakes them all with INIT + SIPI: each counts
; the wake-up (result 1 in the 0x007 answer).
%include "guest.inc"

COUNTER     equ 0x7000            ; APs arrived (real-mode reachable)
WOKEN       equ 0x7004            ; APs woken from the AP reset hold / that saw new code
TFLAGS      equ 0x7008            ; 1: park in the AP reset hold; 2: SMC spin
BADHOLD     equ 0x700c            ; a malformed hold answer was seen
TRAMP       equ 0x8000            ; SIPI vector 0x08
STACKS      equ 0x10000           ; 256 bytes per AP (bring-up page targets)
GHCB        equ 0x400000
PT_BASE     equ 0x200000
JUMP_TABLE  equ 0x9000
SPINS       equ 400000            ; a bound: a missing AP ends the run (~2 M instructions)
GOTFIX      equ 0x7010            ; vector 0x40 taken (all APs together)
GOTNMI      equ 0x7014            ; NMIs taken
TICKS       equ 0x7100            ; action d: a counter per AP (4 bytes each, by vCPU)
VEC_FIX     equ 0x40
APIC_ICR_LO equ 0xfee00300
APIC_ICR_HI equ 0xfee00310
APIC_EOI    equ 0xfee000b0
GV          equ 0x3f0             ; GHCB valid bitmap

; GHCB field at offset %1 := %2 (32 bits, zero-extended), and its valid bit
%macro GSET 2
	mov dword [GHCB + %1], %2
	mov dword [GHCB + %1 + 4], 0
	or dword [GHCB + GV + ((%1 / 8) / 32) * 4], 1 << ((%1 / 8) % 32)
%endmacro

; AP reset hold through the MSR protocol (0x006 -> 0x007), forever: a malformed answer
; sets BADHOLD, a non-zero result (woken by INIT + SIPI) counts in WOKEN (32- or 16-bit code)
%macro AP_HOLD_LOOP 0
%%hold:	mov ecx, MSR_GHCB
	mov eax, 0x006
	xor edx, edx
	wrmsr
	VMGEXIT
	rdmsr
	mov ebx, eax
	and ebx, 0xfff
	cmp ebx, 0x007
	je %%ok
	mov dword [BADHOLD], 1
%%ok:	shrd eax, edx, 12
	shr edx, 12
	or eax, edx
	jz %%hold                     ; not woken by a SIPI: hold again
	lock inc dword [WOKEN]
	jmp %%hold
%endmacro

bits 32
PVH_NOTE

global _start
_start:
	lgdt [gdt_desc]
	jmp 0x08:.cs
.cs:	LOAD_DATA_SEGS
	mov esp, stack_top
	mov [si_ptr], ebx
	READ_ACTION
	mov ecx, MSR_SEV_STATUS       ; no #VC for SEV_STATUS; 0 outside SEV (sevsim)
	rdmsr
	and eax, 2
	mov [es_mode], eax            ; SEV-ES
	; how many CPUs: the MADT would say; the test passes it as the second character
	mov esi, [ebx + 0x18]
	movzx eax, byte [esi + 1]
	sub eax, '0'
	movzx ecx, byte [esi + 2]
	sub ecx, '0'
	imul eax, eax, 10
	add eax, ecx
	movzx ecx, byte [esi + 3]
	sub ecx, '0'
	imul eax, eax, 10
	add eax, ecx
	mov [ncpus], eax
	mov dword [COUNTER], 0
	mov dword [WOKEN], 0
	mov dword [BADHOLD], 0
	mov dword [TFLAGS], 0
	cmp dword [es_mode], 0
	je .noes
	mov dword [TFLAGS], 1
.noes:	cmp byte [action], 'm'
	jne .nosmc
	mov dword [TFLAGS], 2
.nosmc:	cmp byte [action], 'd'
	jne .nodown
	mov dword [TFLAGS], 4
.nodown:
	cmp byte [action], 'i'
	jne .noirq
	mov dword [TFLAGS], 3
	mov dword [GOTFIX], 0
	mov dword [GOTNMI], 0
	mov eax, irq_fix
	mov edi, idt + VEC_FIX * 8
	call set_gate32
	mov eax, irq_nmi
	mov edi, idt + 2 * 8
	call set_gate32
.noirq:
	; the trampoline, and a far jump to it at the reset vector (the launch VMSA of an
	; SEV-ES AP without the bring-up page starts there)
	mov esi, tramp
	mov edi, TRAMP
	mov ecx, tramp_end - tramp
	rep movsb
	mov dword [0xffff0], 0x000000ea
	mov byte [0xffff4], 0x08
	cmp dword [es_mode], 0
	je .nopaging
	call paging_on                ; SEV-ES: a shared GHCB
	call jump_table
.nopaging:
	cmp byte [action], 'v'
	je near method_page
	cmp byte [action], 'i'
	je near method_page
	cmp byte [action], 'd'
	je near method_page
	jmp method_sipi

; ---- the Xen bring-up page ----
method_page:
	call find_region
	mov ebp, eax                  ; region
	mov edx, 1                    ; vCPU
.fill:	cmp edx, [ncpus]
	jae .up
	mov edi, [ebp + 0x14]         ; slot_offset
	add edi, ebp
	mov eax, edx
	shl eax, 7
	add edi, eax
	mov dword [edi + 0x04], 0     ; flags: 32-bit target
	mov dword [edi + 0x08], 0     ; cr3
	mov dword [edi + 0x0c], 0
	mov dword [edi + 0x10], 0     ; cr4
	mov dword [edi + 0x14], 0
	mov dword [edi + 0x18], 0     ; efer
	mov dword [edi + 0x1c], 0
	mov dword [edi + 0x20], 0x11  ; cr0: PE, ET
	mov dword [edi + 0x24], 0
	mov word [edi + 0x28], 0x08   ; cs
	mov word [edi + 0x2a], 0x10   ; ds
	mov word [edi + 0x2c], 0
	mov word [edi + 0x2e], gdt_end - gdt - 1
	mov dword [edi + 0x30], gdt
	mov dword [edi + 0x34], 0
	mov dword [edi + 0x38], ap32
	mov dword [edi + 0x3c], 0
	mov eax, edx
	inc eax
	shl eax, 8
	add eax, STACKS
	mov [edi + 0x40], eax         ; rsp
	mov dword [edi + 0x44], 0
	mov [edi + 0x48], edx         ; rdi = vCPU
	mov dword [edi + 0x4c], 0
	mov dword [edi], 1            ; ARMED, last
	inc edx
	jmp .fill
.up:	mov edx, 1
.upl:	cmp edx, [ncpus]
	jae .wait
	push edx
	mov ebx, 1                    ; VCPUOP_up
	mov ecx, edx
	call vcpu_op
	pop edx
	test eax, eax
	jz .upok
	mov al, 0x22
	jmp fail
.upok:	inc edx
	jmp .upl
.wait:	call wait_all
	cmp byte [action], 'i'
	je irq_test
	cmp byte [action], 'd'
	je down_test
	jmp finish

; ---- VCPUOP_down / VCPUOP_is_up (action d; needs 3 or more vCPUs) ----
; ebx = cmd, ecx = vCPU, edx = the result wanted, else debug-exit al
%macro VCPUOP_WANT 4
	mov ebx, %1
	mov ecx, %2
	call vcpu_op
	cmp eax, %3
	je %%ok
	mov al, %4
	jmp fail
%%ok:
%endmacro
; esi = spins: let the others run
spin_esi:
.l:	pause
	dec esi
	jnz .l
	ret

down_test:
	VCPUOP_WANT 3, 1, 1, 0x2d     ; is_up(1) = 1
	VCPUOP_WANT 2, 1, 0, 0x2d     ; down(1) = 0
	VCPUOP_WANT 3, 1, 0, 0x2d     ; is_up(1) = 0
	VCPUOP_WANT 3, 2, 1, 0x2d     ; is_up(2) = 1: only vCPU 1 went
	mov edi, [TICKS + 4]          ; vCPU 1's count
	mov ebp, [TICKS + 8]          ; vCPU 2's
	mov esi, SPINS / 4
	call spin_esi
	cmp [TICKS + 4], edi
	je .stopped
	mov al, 0x2e
	jmp fail
.stopped:
	cmp [TICKS + 8], ebp          ; the window was long enough for the others to run
	jne .others
	mov al, 0x2e
	jmp fail
.others:
	VCPUOP_WANT 1, 1, 0, 0x2f     ; up(1) = 0: it resumes where it stopped
	VCPUOP_WANT 3, 1, 1, 0x2f
	mov ecx, SPINS
.w:	cmp [TICKS + 4], edi
	jne .moved
	pause
	loop .w
	mov al, 0x2f
	jmp fail
.moved:
	mov ecx, [ncpus]              ; every AP down, from the last; then vCPU 0 itself
.dl:	dec ecx
	push ecx
	mov ebx, 2
	call vcpu_op
	pop ecx
	test ecx, ecx
	jnz .dl
	mov al, 0x30                  ; the domain should be off by now
	jmp fail

; ---- fixed and NMI IPIs through the xAPIC page (action i) ----
; eax = ICR high, edx = ICR low; then wait until [esi] reaches edi, else debug-exit bl
irq_send:
	mov [APIC_ICR_HI], eax
	mov [APIC_ICR_LO], edx
	mov ecx, SPINS
.w:	cmp [esi], edi
	je .ok
	pause
	loop .w
	mov al, bl
	jmp fail
.ok:	ret

irq_test:
	mov edi, [ncpus]
	dec edi                       ; APs
	xor eax, eax
	mov edx, 0x000c4000 | VEC_FIX ; fixed, all excluding self
	mov esi, GOTFIX
	mov bl, 0x29
	call irq_send
	add edi, edi                  ; each AP takes it once more: the EOI ended the first
	xor eax, eax
	mov edx, 0x000c4000 | VEC_FIX
	mov bl, 0x2a
	call irq_send
	inc edi
	mov eax, 2 << 24              ; physical destination: APIC ID 2 (vCPU 1)
	mov edx, 0x00004000 | VEC_FIX
	mov bl, 0x2b
	call irq_send
	mov edi, [ncpus]
	dec edi
	xor eax, eax
	mov edx, 0x000c4400           ; NMI, all excluding self
	mov esi, GOTNMI
	mov bl, 0x2c
	call irq_send
	jmp finish

; eax = handler, edi = gate: 32-bit interrupt gate, CS 0x08
set_gate32:
	mov [edi], ax
	mov word [edi + 2], 0x08
	mov word [edi + 4], 0x8e00
	shr eax, 16
	mov [edi + 6], ax
	ret

irq_fix:
	lock inc dword [GOTFIX]
	mov dword [APIC_EOI], 0
	iretd
irq_nmi:
	lock inc dword [GOTNMI]
	iretd

; ---- INIT-SIPI-SIPI ----
method_sipi:
	mov eax, 0x000c4500           ; INIT, assert, all excluding self
	call send_ipi
	mov eax, 0x000c4608           ; StartUp, vector 0x08, all excluding self
	call send_ipi
	mov eax, 0x000c4608
	call send_ipi
	call wait_all
	cmp byte [action], 'm'
	jne finish
	; rewrite the trampoline's "mov ax, 1" into "mov ax, 2": the APs spin until they see it
	mov byte [TRAMP + (smc_imm - tramp) + 1], 2
	mov ecx, SPINS
.w:	mov eax, [WOKEN]
	inc eax
	cmp eax, [ncpus]
	je finish
	pause
	loop .w
	mov al, 0x27
	jmp fail

; SEV-ES: wake every AP from its AP reset hold with INIT + SIPI, wait for each to count it
finish:
	cmp dword [es_mode], 0
	je .done
	mov eax, 0x000c4500
	call send_ipi
	mov eax, 0x000c4608
	call send_ipi
	mov ecx, SPINS
.w:	mov eax, [WOKEN]
	inc eax
	cmp eax, [ncpus]
	je .chk
	pause
	loop .w
	mov al, 0x23
	jmp fail
.chk:	cmp dword [BADHOLD], 0
	je .done
	mov al, 0x28
	jmp fail
.done:	mov al, 0x10
	jmp fail

wait_all:
	mov ecx, SPINS
.w:	mov eax, [COUNTER]
	inc eax
	cmp eax, [ncpus]
	je .ok
	pause
	loop .w
	mov al, 0x21
	jmp fail
.ok:	ret

; al = isa-debug-exit value
fail:
	cmp dword [es_mode], 0
	jne .es
	out 0xf4, al
.h:	hlt
	jmp .h
.es:	movzx ebx, al
	call ghcb_clear
	GSET 0x1f8, ebx                        ; rax
	GSET 0x390, 0x7b                       ; IOIO
	GSET 0x398, (0xf4 << 16) | (1 << 4)    ; port 0xF4, 8 bits, OUT
	GSET 0x3a0, 0
	call ghcb_exit
	jmp .h

; eax = ICR low (shorthand: no destination)
send_ipi:
	cmp dword [es_mode], 0
	jne .es
	push eax
	mov ecx, 0x1b
	rdmsr
	test eax, 0x400               ; x2APIC (EXTD)?
	pop eax
	jnz .x2
	mov dword [0xfee00310], 0
	mov [0xfee00300], eax
	ret
.x2:	mov ecx, 0x830
	xor edx, edx
	wrmsr
	ret
.es:	push eax                      ; x2APIC through the GHCB MSR event
	call ghcb_clear
	GSET 0x308, 0x1b              ; rcx: APIC_BASE := x2APIC, enabled, BSP
	GSET 0x1f8, 0xfee00d00
	GSET 0x310, 0
	GSET 0x390, 0x7c
	GSET 0x398, 1
	GSET 0x3a0, 0
	call ghcb_exit
	pop eax
	push eax
	call ghcb_clear
	pop eax
	GSET 0x1f8, eax
	GSET 0x308, 0x830
	GSET 0x310, 0
	GSET 0x390, 0x7c
	GSET 0x398, 1
	GSET 0x3a0, 0
	call ghcb_exit
	ret

; ebx = cmd, ecx = vCPU; eax = result
vcpu_op:
	cmp dword [es_mode], 0
	jne .es
	mov eax, 24
	xor edx, edx
	VMMCALL
	ret
.es:	push ecx
	push ebx
	call ghcb_clear
	pop ebx
	pop ecx
	GSET 0x1f8, 24                ; rax
	GSET 0x338, ebx               ; rdi
	GSET 0x330, ecx               ; rsi
	GSET 0x310, 0                 ; rdx
	mov byte [GHCB + 0xcb], 0
	or dword [GHCB + GV], 1 << 25 ; cpl
	GSET 0x390, 0x81
	GSET 0x398, 0
	GSET 0x3a0, 0
	call ghcb_exit
	mov eax, [GHCB + 0x1f8]
	ret

; SEV-ES: AP jump table SET JUMP_TABLE, then GET: must be the same
jump_table:
	call ghcb_clear
	GSET 0x390, 0x80000005
	GSET 0x398, 0
	GSET 0x3a0, JUMP_TABLE
	call ghcb_exit
	call ghcb_clear
	GSET 0x390, 0x80000005
	GSET 0x398, 1
	GSET 0x3a0, 0
	call ghcb_exit
	cmp dword [GHCB + 0x3a0], JUMP_TABLE
	jne .bad
	cmp dword [GHCB + 0x3a4], 0
	jne .bad
	ret
.bad:	mov al, 0x25
	jmp fail

ghcb_clear:
	push edi
	push ecx
	mov edi, GHCB
	xor eax, eax
	mov ecx, 1024
	rep stosd
	mov word [GHCB + 0xffa], 2    ; protocol version
	pop ecx
	pop edi
	ret

; VMGEXIT with the GHCB; sw_exit_info_1 must be 0
ghcb_exit:
	GHCB_VMGEXIT_AT GHCB
	cmp dword [GHCB + 0x398], 0
	jne .bad
	ret
.bad:	mov dword [es_mode], 0        ; report through the port: the GHCB is not usable
	mov al, 0x26
	out 0xf4, al                  ; (#VC without a handler: a triple fault says it too)
.h:	hlt
	jmp .h

; the region of the bring-up page memory-map entry (type 0xF0000010) in eax
find_region:
	mov esi, [si_ptr]
	mov ecx, [esi + 0x30]         ; memmap_entries
	mov esi, [esi + 0x28]         ; memmap_paddr
.l:	test ecx, ecx
	jz .none
	cmp dword [esi + 16], 0xf0000010
	je .found
	add esi, 24
	dec ecx
	jmp .l
.found:	mov eax, [esi]
	cmp dword [eax], 0x50414e58   ; "XNAP"
	jne .none
	ret
.none:	mov al, 0x24
	jmp fail

; SEV-ES: 4-level identity map of 0..4 GiB with 2 MiB pages, all private (C-bit) but the
; GHCB's 2 MiB; long mode with this 32-bit CS is compatibility mode
paging_on:
	mov eax, 0x004 | (1 << 30)    ; CPUID 0x8000001F EBX through the MSR protocol
	mov edx, 0x8000001f
	mov ecx, MSR_GHCB
	wrmsr
	VMGEXIT
	rdmsr
	and edx, 0x3f
	lea ecx, [edx - 32]
	mov eax, 1
	shl eax, cl
	mov [cmask_hi], eax
	IDMAP_4G_2M PT_BASE, GHCB, 0
	LONG_MODE_ON PT_BASE
	ret

; ---- AP code ----
; bring-up page target: 32-bit, paging off, EDI = vCPU
ap32:
	lock inc dword [COUNTER]
	cmp dword [TFLAGS], 1
	je ap_hold32
	cmp dword [TFLAGS], 3
	je ap_irq32
	cmp dword [TFLAGS], 4
	je ap_tick32
.h:	cli
	hlt
	jmp .h
; action d: count, forever (EDI = vCPU)
ap_tick32:
	inc dword [TICKS + edi * 4]
	jmp ap_tick32
ap_hold32:
	AP_HOLD_LOOP
; action i: wait for interrupts (the stack is the slot's)
ap_irq32:
	lidt [idt_desc]
	sti
.h:	hlt
	jmp .h

; real-mode trampoline, copied to TRAMP (SIPI vector 0x08)
bits 16
tramp:
	cli
	xor ax, ax
	mov ds, ax
	lock inc dword [COUNTER]
	cmp dword [TFLAGS], 1
	je tramp_hold
	cmp dword [TFLAGS], 2
	je smc_imm
tramp_halt:
	hlt
	jmp tramp_halt
tramp_hold:
	AP_HOLD_LOOP
smc_imm:
	mov ax, 1                     ; the BSP makes this "mov ax, 2"
	cmp ax, 2
	jne smc_imm
	lock inc dword [WOKEN]
	jmp tramp_halt
tramp_end:
bits 32

section .data
align 8
gdt:	dq 0
	dq 0x00CF9A000000FFFF         ; 0x08: 32-bit code
	dq 0x00CF92000000FFFF         ; 0x10: data
gdt_end:
gdt_desc:
	dw gdt_end - gdt - 1
	dd gdt
idt_desc:
	dw 256 * 8 - 1
	dd idt
align 4
si_ptr:   dd 0
es_mode:  dd 0
ncpus:    dd 0
cmask_hi: dd 0
action:   db 'v'

section .bss
align 16
idt:	resb 256 * 8
	resb 4096
stack_top:
