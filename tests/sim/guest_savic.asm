; sevsim self-test guest for the APIC room (sim/apic/): Secure AVIC (--savic, SEV-SNP) and,
; without --savic, the plain GHCB x2APIC path (every APIC MSR a #VC 0x7C). Run with
; --test-start-all-vcpus: every vCPU enters at _start (until AP creation is modelled) and
; takes its index from its APIC ID (CPUID 1 EBX[31:24] through the MSR protocol; sevsim's
; vCPU i has APIC ID 2i).
; Per vCPU: 32-bit entry, its own GHCB page (page state change to shared, registered),
; its own identity page tables with the C-bit (8 MiB), long mode, an IDT with #VC
; (0x7C, 0x401, 0x402 through the GHCB MSR exit), NMI, and a stub for each vector
; 0x20..0xFF. Under Secure AVIC (SEV_STATUS bit 18) each vCPU then does what the Linux
; series does (amd-sev-facts.md §8.3): APIC ID into its backing page, NAE 0x8000001A
; register, ALLOWED_IRR = the timer vector only, SAVIC_CONTROL = page | EN | ALLOWED_NMI.
; IPIs: the target's IRR (or NMI_REQ) in its page + a GHCB ICR write; EOI as the series
; does (TMR set: clear ISR in the page and forward the EOI; else WRMSR EOI).
;
; Command line "<action><N>[c|g|n]": N = vCPUs expected online (default 1). A suffix makes
; vCPU 0 start vCPUs 1..N-1 itself by SNP AP creation (NAE 0x8000_0013; run without
; --test-start-all-vcpus) from VMSAs in the PVH entry state at _start whose vintr_ctrl has
; c: V_GIF and V_NMI_ENABLE (what an AP needs under Secure AVIC, facts §7.2), g: V_NMI_ENABLE
; only, n: V_GIF only. Actions (vCPU 0):
;   p  IPI ping-pong, 2 rounds: a PING (0x40) to each other vCPU in turn, which answers
;      PONG (0x41) (one at a time: IPIs of one vector pending together coalesce)
;   m  NMI ping: an NMI IPI to each other vCPU in turn, which answers PONG
;   o  priority: self IPIs 0x35 0x81 0x52 0x8f held with IF=0, TPR 0x60, then TPR 0
;   q  the same order for IPIs from another vCPU: with IF=0 and TPR 0x60 vCPU 0 asks vCPU 1
;      (BURST, 0x43) to send it 0x35 0x81 0x52 0x8f, waits until it has, then as in o
;   e  EOI: edge 0x50, level 0x51 (series' EOI), level 0x52 by WRMSR EOI (#VC 0x402)
;   t  timer: one-shot, then periodic x3 (LVTT 0x30)
;   h  tear Secure AVIC down on every vCPU, then leave the image (--check-handoff)
;   n  leave the image without the teardown (the checker must object)
;   b  tear Secure AVIC down on vCPU 0 only, then leave (the checker must name the APs)
; Ends: isa-debug-exit 0x10 after the report line; failures: GHCB MSR termination, set 0xA:
;   0x24 no x2APIC, 0x25 registration refused, 0x26 unregistration refused,
;   0x27 an IPI not answered before the watchdog timer, 0x30 GHCB error, 0x31 other #VC,
;   0x32 exception, 0x33 PSC/GHCB registration failed, 0x34 RMPADJUST of a VMSA failed,
;   0x35 AP creation refused.
%include "guest.inc"

GHCB_BASE   equ 0x400000          ; 64 GHCB pages in the shared 2 MiB window
PC_SIZE     equ 256
; per-CPU area (r15)
PC_IDX      equ 0
PC_GHCB     equ 8
PC_PAGE     equ 16
PC_NMIEXP   equ 24
PC_NMIREAL  equ 28
PC_NMISPUR  equ 32
PC_LOGN     equ 40
PC_LOG      equ 48                ; 16 bytes
PC_PINGS    equ 64
PC_TIMER    equ 72
VEC_TIMER   equ 0x30
VEC_PING    equ 0x40
VEC_PONG    equ 0x41
VEC_WAKE    equ 0x42
VEC_BURST   equ 0x43
MSR_APIC_BASE equ 0x1b
MSR_TPR     equ 0x808
MSR_EOI     equ 0x80b
MSR_ICR     equ 0x830
MSR_LVTT    equ 0x832
MSR_TMICT   equ 0x838
MSR_TDCR    equ 0x83e
MSR_SELF    equ 0x83f
MSR_SAVIC   equ 0xc0010138
MSR_GS_BASE equ 0xc0000101

bits 32
PVH_NOTE

global _start
_start:
	lgdt [gdt_desc]
	jmp 0x18:.cs32
.cs32:	LOAD_DATA_SEGS
	mov eax, 0x004 | (1 << 30)    ; CPUID 1, EBX: the initial APIC ID in [31:24]
	mov edx, 1
	mov ecx, MSR_GHCB             ; (no stack yet: inline)
	wrmsr
	VMGEXIT
	rdmsr
	shr edx, 25                   ; APIC ID / 2
	mov ebp, edx
	cmp ebp, 64
	jb .idx_ok
	TERM 0x33
.idx_ok:
	lea esp, [ebp + 1]
	shl esp, 12
	add esp, stacks
	test ebp, ebp
	jnz .cmd_done
	; vCPU 0: the command line
	mov esi, [ebx + 0x18]
	test esi, esi
	jz .cmd_done
	mov al, [esi]
	mov [action], al
	xor eax, eax
.num:	movzx ecx, byte [esi + 1]
	sub ecx, '0'
	cmp ecx, 9
	ja .numdone
	imul eax, eax, 10
	add eax, ecx
	inc esi
	jmp .num
.numdone:
	movzx ecx, byte [esi + 1]     ; the AP creation suffix
	mov edx, (1 << 26) | (1 << 9) ; c: V_NMI_ENABLE | V_GIF
	cmp ecx, 'c'
	je .vintr
	mov edx, 1 << 26              ; g: no V_GIF
	cmp ecx, 'g'
	je .vintr
	mov edx, 1 << 9               ; n: no V_NMI_ENABLE
	cmp ecx, 'n'
	jne .nosuffix
.vintr:	mov [create], ecx
	mov [vintr], edx
.nosuffix:
	test eax, eax
	jz .cmd_done
	mov [expect], eax
.cmd_done:
	; every vCPU: its own page tables (nobody waits for anybody), C-bit from SEV info
	mov eax, 0x002
	xor edx, edx
	call msr_req
	shr eax, 24
	call build_tables
	; this vCPU's GHCB: page state change to shared (MSR 0x014), register (MSR 0x012)
	mov eax, ebp
	shl eax, 12
	add eax, GHCB_BASE
	or eax, 0x014
	mov edx, 2 << 20              ; op 2 (shared) in [55:52]
	call msr_req
	and eax, 0xfff
	cmp eax, 0x015
	jne .ghcb_bad
	test edx, edx
	jnz .ghcb_bad
	mov eax, ebp
	shl eax, 12
	add eax, GHCB_BASE | 0x012
	xor edx, edx
	call msr_req
	mov ecx, ebp
	shl ecx, 12
	add ecx, GHCB_BASE | 0x013
	cmp eax, ecx
	je .ghcb_ok
.ghcb_bad:
	TERM 0x33
.ghcb_ok:
	imul ebx, ebp, 0x3000
	add ebx, tables
	LONG_MODE_ON ebx
	jmp 0x08:long_entry

DEFINE_MSR_REQ

; eax = C-bit; this vCPU's tables at tables + index * 0x3000 (in the image: validated at
; launch under SNP): 2 MiB pages over the first 8 MiB, private (C-bit) but the GHCB window
build_tables:
	lea ecx, [eax - 32]
	mov eax, 1
	shl eax, cl
	mov esi, eax                  ; C-bit in the high dword
	imul edi, ebp, 0x3000
	add edi, tables
	mov ebx, edi
	xor eax, eax
	mov ecx, 3 * 1024
	rep stosd
	lea eax, [ebx + 0x1003]
	mov [ebx], eax
	mov [ebx + 4], esi
	lea eax, [ebx + 0x2003]
	mov [ebx + 0x1000], eax
	mov [ebx + 0x1000 + 4], esi
	xor ecx, ecx
.pd:	mov eax, ecx
	shl eax, 21
	or eax, 0x83
	mov edx, esi
	cmp ecx, GHCB_BASE >> 21
	jne .priv
	xor edx, edx                  ; the GHCB window: shared
.priv:	mov [ebx + 0x2000 + ecx * 8], eax
	mov [ebx + 0x2000 + ecx * 8 + 4], edx
	inc ecx
	cmp ecx, 4
	jb .pd
	ret

bits 64
long_entry:
	LOAD_DATA_SEGS
	mov eax, ebp
	shl rax, 8
	lea r15, [percpu + rax]
	mov [r15 + PC_IDX], rbp
	mov eax, ebp
	shl rax, 12
	lea rcx, [GHCB_BASE + rax]
	mov [r15 + PC_GHCB], rcx
	lea rcx, [backing + rax]
	mov [r15 + PC_PAGE], rcx
	call build_idt                ; every vCPU writes the same gates: nobody waits
	lidt [idt_desc]
	mov ecx, MSR_SEV_STATUS
	rdmsr
	shr eax, 18
	and eax, 1
	mov [savic], eax              ; the same on every vCPU
	test eax, eax
	jnz .savic
	call x2apic_enable            ; the plain path: the hypervisor's x2APIC
	jmp .online
.savic:	call savic_setup
.online:
	lock inc dword [online]
	test ebp, ebp
	jz bsp_main
	jmp ap_main

; ---- x2APIC mode without Secure AVIC: IA32_APIC_BASE.EXTD (SDM 11.12.1), each via #VC 0x7C ----
x2apic_enable:
	mov ecx, MSR_APIC_BASE
	rdmsr
	or eax, 1 << 10
	wrmsr
	ret

; ---- Secure AVIC setup (facts §8.3 enable sequence) ----
savic_setup:
	mov ecx, MSR_APIC_BASE        ; #VC 0x7C: the hypervisor's answer
	rdmsr
	test eax, 1 << 10             ; x2APIC mode: Secure AVIC has no xAPIC
	jnz .x2
	TERM 0x24
.x2:	mov ecx, 0x802                ; APIC ID, from the hypervisor (not enabled yet)
	rdmsr
	mov rbx, [r15 + PC_PAGE]
	mov [rbx + 0x20], eax
	mov rdi, [r15 + PC_GHCB]
	call ghcb_clear
	mov qword [rdi + 0x1f8], -1   ; RAX = ~0: this vCPU
	mov [rdi + 0x318], rbx        ; RBX = the page
	bts qword [rdi + 0x3f0], 63
	bts qword [rdi + 0x3f8], 35
	mov rax, 0x8000001a
	xor edx, edx                  ; info1 0: register
	call ghcb_exit_noterm
	test rax, rax
	jz .reg
	TERM 0x25
.reg:	bts dword [rbx + 0x204 + (VEC_TIMER / 32) * 16], VEC_TIMER % 32
	mov rax, rbx
	or rax, 3                     ; EN | ALLOWED_NMI
	mov rdx, rax
	shr rdx, 32
	mov ecx, MSR_SAVIC
	wrmsr
	ret

; ---- teardown (facts §8.5): ALLOWED_IRR 0, SAVIC_CONTROL 0, unregister ----
savic_teardown:
	cmp dword [savic], 0
	je .done
	mov rbx, [r15 + PC_PAGE]
	xor eax, eax
%assign i 0
%rep 8
	mov [rbx + 0x204 + i * 16], eax
%assign i i + 1
%endrep
	xor edx, edx
	mov ecx, MSR_SAVIC
	wrmsr
	mov rdi, [r15 + PC_GHCB]
	call ghcb_clear
	mov qword [rdi + 0x1f8], -1
	bts qword [rdi + 0x3f0], 63
	mov rax, 0x8000001a
	mov edx, 1                    ; info1 1: unregister
	call ghcb_exit_noterm
	test rax, rax
	jz .done
	TERM 0x26
.done:	ret

; ---- GHCB ----
; rdi = GHCB: clear the valid bitmap, version 2, usage 0
ghcb_clear:
	mov qword [rdi + 0x3f0], 0
	mov qword [rdi + 0x3f8], 0
	mov word [rdi + 0xffa], 2
	mov dword [rdi + 0xffc], 0
	ret

; rdi = GHCB, rax = exit code, rdx = info1 (info2 = 0); VMGEXIT; rax = info1 answered
ghcb_exit_noterm:
	push rsi
	xor esi, esi
	call ghcb_exit_info2
	pop rsi
	ret

; the same with rsi = info2
ghcb_exit_info2:
	mov [rdi + 0x390], rax
	mov [rdi + 0x398], rdx
	mov [rdi + 0x3a0], rsi
	mov rcx, 7 << 50              ; sw_exit_code, sw_exit_info_1, sw_exit_info_2
	or [rdi + 0x3f8], rcx
	mov rax, rdi
	xor edx, edx
	mov ecx, MSR_GHCB
	wrmsr
	VMGEXIT
	mov rax, [rdi + 0x398]
	ret

ghcb_exit:
	call ghcb_exit_noterm
	test rax, rax
	jnz .bad
	ret
.bad:	TERM 0x30

; MSR exit to the hypervisor: ecx = MSR, rax = value, r8 = 1 write / 0 read; rax = value
; read. Clobbers rcx, rdx, rdi.
hv_msr:
	mov rdi, [r15 + PC_GHCB]
	call ghcb_clear
	mov [rdi + 0x308], rcx
	bts qword [rdi + 0x3f8], 33
	test r8, r8
	jz .rd
	mov rdx, rax
	shr rdx, 32
	mov [rdi + 0x310], rdx
	mov eax, eax
	mov [rdi + 0x1f8], rax
	bts qword [rdi + 0x3f0], 63
	bts qword [rdi + 0x3f8], 34
.rd:	mov eax, 0x7c
	mov rdx, r8
	call ghcb_exit
	mov eax, [rdi + 0x1f8]
	mov rdx, [rdi + 0x310]
	shl rdx, 32
	or rax, rdx
	ret

; port 0xE9 / 0xF4 output: dx = port, al = byte (GHCB IOIO, no #VC)
outb:
	push rdi
	push rcx
	push rdx
	push rax
	mov rdi, [r15 + PC_GHCB]
	call ghcb_clear
	movzx eax, al
	mov [rdi + 0x1f8], rax
	bts qword [rdi + 0x3f0], 63
	movzx edx, dx
	shl edx, 16
	or edx, 0x10                  ; 8-bit OUT
	mov eax, 0x7b
	call ghcb_exit
	pop rax
	pop rdx
	pop rcx
	pop rdi
	ret

putc:
	push rdx
	mov dx, 0xe9
	call outb
	pop rdx
	ret

; rsi = NUL-terminated string
puts:
	push rax
.l:	lodsb
	test al, al
	jz .e
	call putc
	jmp .l
.e:	pop rax
	ret

; eax = number, printed in decimal
putd:
	push rax
	push rbx
	push rcx
	push rdx
	mov ebx, 10
	xor ecx, ecx
.d:	xor edx, edx
	div ebx
	push rdx
	inc ecx
	test eax, eax
	jnz .d
.p:	pop rax
	add al, '0'
	call putc
	loop .p
	pop rdx
	pop rcx
	pop rbx
	pop rax
	ret

; al = byte, two hex digits
putx:
	push rax
	push rax
	shr al, 4
	call .nib
	pop rax
	call .nib
	pop rax
	ret
.nib:	and al, 15
	add al, '0'
	cmp al, '9'
	jbe .o
	add al, 'a' - '0' - 10
.o:	jmp putc

; ---- IPIs ----
; edi = target index (APIC ID / 2), esi = vector (0: NMI)
send_ipi:
	push rax
	push rbx
	push rcx
	push rdx
	push r8
	push rdi
	mov eax, edi
	shl rax, 33                   ; destination APIC ID in ICR[63:32]
	test esi, esi
	jnz .fixed
	mov ebx, edi
	shl ebx, 8
	lock inc dword [percpu + rbx + PC_NMIEXP]   ; what the target's NMI handler expects
	or rax, 4 << 8                ; delivery mode NMI
	jmp .go
.fixed:	or rax, rsi                   ; (a 32-bit OR would clear the destination)
.go:	cmp dword [savic], 0
	je .plain
	mov ebx, edi
	shl rbx, 12
	add rbx, backing              ; the target's backing page
	test esi, esi
	jnz .irr
	lock or dword [rbx + 0x278], 1 ; NMI_REQ
	jmp .notify
.irr:	mov ecx, esi
	shr ecx, 5
	shl ecx, 4
	mov edx, esi
	and edx, 31
	lock bts dword [rbx + 0x200 + rcx], edx
.notify:
	mov ecx, MSR_ICR              ; the hypervisor only wakes the target
	mov r8d, 1
	call hv_msr
	jmp .out
.plain:	mov rdx, rax                  ; WRMSR ICR: #VC 0x7C, the hypervisor emulates
	shr rdx, 32
	mov ecx, MSR_ICR
	wrmsr
.out:	pop rdi
	pop r8
	pop rdx
	pop rcx
	pop rbx
	pop rax
	ret

; EOI as the series does (facts §8.4)
do_eoi:
	push rax
	push rbx
	push rcx
	push rdx
	push rdi
	push r8
	cmp dword [savic], 0
	je .native
	mov rbx, [r15 + PC_PAGE]
	mov ecx, 7
.isr:	mov eax, ecx
	shl eax, 4
	mov edx, [rbx + 0x100 + rax]
	test edx, edx
	jnz .found
	dec ecx
	jns .isr
	jmp .native
.found:	bsr edx, edx
	bt dword [rbx + 0x180 + rax], edx
	jnc .native                   ; edge: the accelerated EOI
	lock btr dword [rbx + 0x100 + rax], edx
	mov ecx, MSR_EOI              ; level: tell the hypervisor
	xor eax, eax
	mov r8d, 1
	call hv_msr
	jmp .out
.native:
	mov ecx, MSR_EOI
	xor eax, eax
	xor edx, edx
	wrmsr
.out:	pop r8
	pop rdi
	pop rdx
	pop rcx
	pop rbx
	pop rax
	ret

; wait until dword [rbx] >= eax with interrupts taken in HLT
wait_ge:
.w:	cli
	cmp [rbx], eax
	jae .d
	sti
	hlt
	jmp .w
.d:	ret

; arm the watchdog: one-shot timer, eax = count
watchdog:
	push rcx
	push rdx
	mov ecx, MSR_TDCR
	push rax
	mov eax, 0xb
	xor edx, edx
	wrmsr
	mov ecx, MSR_LVTT
	mov eax, VEC_TIMER
	wrmsr
	pop rax
	mov ecx, MSR_TMICT
	wrmsr
	pop rdx
	pop rcx
	ret

; ---- vCPU 0 ----
bsp_main:
	cmp dword [create], 0
	je .wait
	call create_aps
.wait:	mov rbx, online
	mov eax, [expect]
	call wait_ge_spin
	mov al, [action]
	cmp al, 'p'
	je act_ping
	cmp al, 'm'
	je act_nmi
	cmp al, 'o'
	je act_order
	cmp al, 'q'
	je act_order_ipi
	cmp al, 'e'
	je act_eoi
	cmp al, 't'
	je act_timer
	cmp al, 'h'
	je act_handoff
	cmp al, 'n'
	je act_leave
	cmp al, 'b'
	je act_bsp_only
	jmp report

; SNP AP creation (facts §7.3) of vCPUs 1..expect-1: a zeroed VMSA page (the second of two if
; the first is 2 MiB aligned: KVM refuses those) in the 32-bit PVH entry state at _start,
; SEV_FEATURES = SNPActive | Secure AVIC, vintr_ctrl = [vintr]; RMPADJUST (VMPL 1, VMSA bit);
; NAE 0x8000_0013 create (info1 = APIC ID << 32 | 1, info2 = the VMSA, RAX = SEV_FEATURES).
create_aps:
	mov r12d, 1
.next:	cmp r12d, [expect]
	jae .done
	mov eax, r12d
	shl rax, 13
	lea rbx, [vmsas + rax]
	test ebx, 0x1fffff
	jnz .page
	add rbx, 4096
.page:	mov rdi, rbx
	xor eax, eax
	mov ecx, 512
	rep stosq
	mov dword [rbx + 0x10], 0x0c9b0018  ; CS: selector 0x18, attrib 0xc9b (32-bit, flat)
	mov dword [rbx + 0x14], -1
%assign seg 0x00
%rep 4
%if seg != 0x10
	mov dword [rbx + seg], 0x0c930010   ; ES, SS, DS: selector 0x10, attrib 0xc93
	mov dword [rbx + seg + 4], -1
%endif
%assign seg seg + 0x10
%endrep
	mov qword [rbx + 0xd0], 0x1000      ; EFER.SVME
	mov qword [rbx + 0x158], 0x11       ; CR0: PE, ET
	mov qword [rbx + 0x170], 2          ; RFLAGS
	mov qword [rbx + 0x178], _start     ; RIP
	mov qword [rbx + 0x3b0], (1 << 16) | 1
	mov eax, [vintr]
	mov [rbx + 0x3b8], rax              ; vintr_ctrl
	mov rax, rbx
	xor ecx, ecx
	mov edx, (1 << 16) | 1
	db 0xf3, 0x0f, 0x01, 0xfe           ; RMPADJUST
	test eax, eax
	jz .adj
	TERM 0x34
.adj:	mov rdi, [r15 + PC_GHCB]
	call ghcb_clear
	mov qword [rdi + 0x1f8], (1 << 16) | 1
	bts qword [rdi + 0x3f0], 63
	mov eax, r12d
	lea rdx, [rax * 2]
	shl rdx, 32
	or rdx, 1                           ; create
	mov rsi, rbx
	mov eax, 0x80000013
	call ghcb_exit_info2
	test rax, rax
	jz .made
	TERM 0x35
.made:	inc r12d
	jmp .next
.done:	ret

; spin (no HLT) until dword [rbx] >= eax: the others are still starting
wait_ge_spin:
	pause
	cmp [rbx], eax
	jb wait_ge_spin
	ret

act_ping:
	mov eax, 4000000
	call watchdog
	xor r12d, r12d                ; round
	xor r13d, r13d                ; pongs expected so far
.round:	mov edi, 1
.send:	cmp edi, [expect]
	jae .sent
	mov esi, VEC_PING             ; one at a time: equal vectors pending together coalesce
	call send_ipi
	inc r13d
	mov eax, r13d
	call wait_pongs
	inc edi
	jmp .send
.sent:	inc r12d
	cmp r12d, 2
	jb .round
	jmp report

; eax = pongs expected; the watchdog firing first is a lost IPI
wait_pongs:
.w:	cli
	cmp [pongs], eax
	jae .d
	cmp dword [r15 + PC_TIMER], 0
	jne .lost
	sti
	hlt
	jmp .w
.d:	ret
.lost:	TERM 0x27

act_nmi:
	mov eax, 4000000
	call watchdog
	mov edi, 1
.send:	cmp edi, [expect]
	jae report
	xor esi, esi
	call send_ipi
	mov eax, edi
	call wait_pongs
	inc edi
	jmp .send

act_order:
	cli
	mov ecx, MSR_SELF
	xor edx, edx
	mov eax, 0x35
	wrmsr
	mov eax, 0x81
	wrmsr
	mov eax, 0x52
	wrmsr
	mov eax, 0x8f
	wrmsr
	mov ecx, MSR_TPR
	mov eax, 0x60
	wrmsr
; o, q: with TPR 0x60 the two vectors above it, then TPR 0 and the other two
order_waits:
	lea rbx, [r15 + PC_LOGN]
	mov eax, 2
	call wait_ge
	mov ecx, MSR_TPR
	xor eax, eax
	xor edx, edx
	wrmsr
	mov eax, 4
	call wait_ge
	jmp report

; q: the four vectors come from vCPU 1 (its BURST handler, int_common) while vCPU 0 holds
; IF=0 and TPR 0x60; then the same two waits as o
act_order_ipi:
	cli
	mov ecx, MSR_TPR
	mov eax, 0x60
	xor edx, edx
	wrmsr
	mov edi, 1
	mov esi, VEC_BURST
	call send_ipi
.sent:	pause
	cmp dword [burst], 1
	jb .sent
	jmp order_waits

act_eoi:
	cli
	mov ecx, MSR_SELF
	xor edx, edx
	mov eax, 0x50                 ; edge
	wrmsr
	lea rbx, [r15 + PC_LOGN]
	mov eax, 1
	call wait_ge
	cmp dword [savic], 0
	je report
	mov rbx, [r15 + PC_PAGE]      ; 0x51, 0x52: level (TMR set in the page)
	bts dword [rbx + 0x180 + (0x51 / 32) * 16], 0x51 % 32
	bts dword [rbx + 0x180 + (0x52 / 32) * 16], 0x52 % 32
	mov ecx, MSR_SELF
	mov eax, 0x51
	wrmsr
	lea rbx, [r15 + PC_LOGN]
	mov eax, 2
	call wait_ge
	mov ecx, MSR_SELF
	mov eax, 0x52
	wrmsr
	mov eax, 3
	call wait_ge
	jmp report

act_timer:
	mov eax, 100000
	call watchdog
	lea rbx, [r15 + PC_TIMER]
	mov eax, 1
	call wait_ge
	mov ecx, MSR_LVTT             ; periodic
	mov eax, VEC_TIMER | (1 << 17)
	xor edx, edx
	wrmsr
	mov ecx, MSR_TMICT
	mov eax, 50000
	wrmsr
	mov eax, 4
	call wait_ge
	mov ecx, MSR_LVTT
	mov eax, 1 << 16              ; masked
	xor edx, edx
	wrmsr
	mov ecx, MSR_TMICT
	xor eax, eax
	wrmsr
	jmp report

act_handoff:
	mov dword [teardown], 1
	mov edi, 1
.wake:	cmp edi, [expect]
	jae .woken
	mov esi, VEC_WAKE
	call send_ipi
	inc edi
	jmp .wake
.woken:	mov rbx, torn
	mov eax, [expect]
	dec eax
	call wait_ge
	cli
	call savic_teardown
	jmp act_leave
act_bsp_only:
	cli
	call savic_teardown
act_leave:
	cli
	mov eax, 0x300000             ; the "payload" page: validate it (SNP), then hlt
	xor ecx, ecx
	mov edx, 1
	db 0xf2, 0x0f, 0x01, 0xff     ; PVALIDATE
	mov byte [0x300000], 0xf4
	mov eax, 0x300000
	jmp rax

; one line: what this run saw, then isa-debug-exit 0x10
report:
	cli
	mov rsi, s_savic
	call puts
	mov eax, [savic]
	call putd
	mov rsi, s_cpus
	call puts
	mov eax, [online]
	call putd
	mov rsi, s_pings
	call puts
	xor eax, eax                  ; pings received on all vCPUs
	xor ecx, ecx
.sum:	mov edx, ecx
	shl edx, 8
	add eax, [percpu + rdx + PC_PINGS]
	inc ecx
	cmp ecx, 64
	jb .sum
	call putd
	mov rsi, s_pongs
	call puts
	mov eax, [pongs]
	call putd
	mov rsi, s_once
	call puts
	call check_once
	call putd
	mov rsi, s_order
	call puts
	xor ecx, ecx
.ord:	cmp ecx, [r15 + PC_LOGN]
	jae .ordd
	cmp ecx, 16
	jae .ordd
	test ecx, ecx
	jz .nocomma
	mov al, ','
	call putc
.nocomma:
	mov al, [r15 + PC_LOG + rcx]
	call putx
	inc ecx
	jmp .ord
.ordd:	mov rsi, s_timer
	call puts
	mov eax, [r15 + PC_TIMER]
	call putd
	mov rsi, s_nmi
	call puts
	call sum_nmi
	call putd
	mov al, '/'
	call putc
	mov eax, edx
	call putd
	mov rsi, s_stray
	call puts
	mov eax, [stray]
	call putd
	mov rsi, s_isr
	call puts
	call isr_or
	call putd
	mov al, 10
	call putc
	mov dx, 0xf4
	mov al, 0x10
	call outb
.hang:	cli
	hlt
	jmp .hang

; eax = number of (vCPU, vector) pairs counted other than 0 or 1 times where expected:
; PING exactly `rounds` times on each other vCPU (action p)
check_once:
	xor eax, eax
	cmp byte [action], 'p'
	jne .d
	mov ecx, 1
.l:	cmp ecx, [expect]
	jae .d
	mov edx, ecx
	shl edx, 10
	cmp dword [vcount + rdx + VEC_PING * 4], 2
	je .ok
	inc eax
.ok:	inc ecx
	jmp .l
.d:	ret

; eax = real NMIs, edx = spurious, over all vCPUs
sum_nmi:
	xor eax, eax
	xor edx, edx
	xor ecx, ecx
.l:	mov ebx, ecx
	shl ebx, 8
	add eax, [percpu + rbx + PC_NMIREAL]
	add edx, [percpu + rbx + PC_NMISPUR]
	inc ecx
	cmp ecx, 64
	jb .l
	ret

; eax = OR of ISR0..7 of this vCPU (RDMSR: accelerated or #VC)
isr_or:
	push rcx
	push rdx
	push rbx
	xor ebx, ebx
	mov ecx, 0x810
.l:	rdmsr
	or ebx, eax
	inc ecx
	cmp ecx, 0x818
	jb .l
	mov eax, ebx
	pop rbx
	pop rdx
	pop rcx
	ret

; ---- the other vCPUs ----
ap_main:
.loop:	cli
	cmp dword [teardown], 0
	jne .down
	sti
	hlt
	jmp .loop
.down:	call savic_teardown
	lock inc dword [torn]
	xor edi, edi
	mov esi, VEC_WAKE             ; wake vCPU 0 (plain ICR now: the hypervisor kicks)
	mov eax, esi                  ; destination APIC ID 0
	xor edx, edx
	mov ecx, MSR_ICR
	wrmsr
.park:	cli
	hlt
	jmp .park

; ---- IDT ----
build_idt:
	mov rax, vc_handler
	mov edi, 29
	call set_gate
	mov rax, nmi_handler
	mov edi, 2
	call set_gate
	mov rax, fault
	mov edi, 13
	call set_gate
	mov edi, 14
	call set_gate
	mov edi, 6
	call set_gate
	mov edi, 8
	call set_gate
	mov edi, 0x20
	mov rax, vec_stubs
.v:	call set_gate
	add rax, STUB_SIZE
	inc edi
	cmp edi, 256
	jb .v
	ret

; rax = handler, edi = vector: 64-bit interrupt gate
set_gate:
	push rdx
	mov edx, edi
	shl edx, 4
	add rdx, idt
	mov [rdx], ax
	mov word [rdx + 2], 0x08
	mov word [rdx + 4], 0x8e00
	push rax
	shr rax, 16
	mov [rdx + 6], ax
	shr rax, 16
	mov [rdx + 8], eax
	mov dword [rdx + 12], 0
	pop rax
	pop rdx
	ret

fault:
	TERM 0x32

%macro SAVE 0
	push rax
	push rbx
	push rcx
	push rdx
	push rsi
	push rdi
	push r8
	push r9
	push r10
	push r11
%endmacro
%macro RESTORE 0
	pop r11
	pop r10
	pop r9
	pop r8
	pop rdi
	pop rsi
	pop rdx
	pop rcx
	pop rbx
	pop rax
%endmacro
F_RAX equ 9 * 8
F_RCX equ 7 * 8
F_RDX equ 6 * 8
F_ERR equ 10 * 8
F_RIP equ 11 * 8

; #VC: 0x7C (MSR), 0x402 (no acceleration), 0x401 (ICR to another vCPU)
vc_handler:
	SAVE
	mov rax, [rsp + F_ERR]
	mov rsi, [rsp + F_RIP]
	xor r9d, r9d                  ; RIP advance
	cmp rax, 0x7c
	je .fault_style
	cmp rax, 0x402
	je .noaccel
	cmp rax, 0x401
	je .icr
	TERM 0x31
.noaccel:
	cmp word [rsi], 0x320f        ; RDMSR at RIP: fault-style read
	je .fault_style
	jmp .write                    ; else a trap-style write: RIP already past it
.fault_style:
	mov r9d, 2
	cmp word [rsi], 0x320f
	je .read
.write:	mov ecx, [rsp + F_RCX]
	mov eax, [rsp + F_RAX]
	mov rdx, [rsp + F_RDX]
	shl rdx, 32
	or rax, rdx
	cmp qword [rsp + F_ERR], 0x402
	jne .fwd
	cmp ecx, MSR_EOI
	jne .fwd
	; an EOI the CPU did not accelerate (level): clear the ISR bit in the page ourselves
	mov rbx, [r15 + PC_PAGE]
	push rcx
	mov ecx, 7
.isr:	mov edx, ecx
	shl edx, 4
	mov edi, [rbx + 0x100 + rdx]
	test edi, edi
	jnz .f
	dec ecx
	jns .isr
	pop rcx
	jmp .fwd
.f:	bsr edi, edi
	lock btr dword [rbx + 0x100 + rdx], edi
	pop rcx
	xor eax, eax
.fwd:	mov r8d, 1
	call hv_msr
	jmp .done
.read:	mov ecx, [rsp + F_RCX]
	xor r8d, r8d
	call hv_msr
	mov edx, eax
	mov [rsp + F_RAX], rdx
	shr rax, 32
	mov [rsp + F_RDX], rax
	jmp .done
.icr:	; the CPU did not send it: do what send_ipi does
	mov rax, [rsp + F_RDX]
	mov edi, eax                  ; destination APIC ID
	shr edi, 1
	mov esi, [rsp + F_RAX]
	mov eax, esi
	shr eax, 8
	and eax, 7
	and esi, 0xff
	cmp eax, 4
	jne .icr_fixed
	xor esi, esi
.icr_fixed:
	call send_ipi
.done:	add [rsp + F_RIP], r9
	RESTORE
	add rsp, 8
	iretq

nmi_handler:
	SAVE
	cmp dword [r15 + PC_NMIEXP], 0
	je .spurious
	lock dec dword [r15 + PC_NMIEXP]
	inc dword [r15 + PC_NMIREAL]
	xor edi, edi
	mov esi, VEC_PONG
	call send_ipi
	jmp .out
.spurious:
	inc dword [r15 + PC_NMISPUR]  ; nobody asked for it: ignored
.out:	RESTORE
	iretq

STUB_SIZE equ 16
align 16
vec_stubs:
%assign v 0x20
%rep 0xe0
	push qword v                  ; 2 or 5 bytes
	jmp near int_common           ; 5 bytes
	align STUB_SIZE, db 0xcc
%assign v v + 1
%endrep

int_common:
	SAVE
	mov rax, [rsp + 10 * 8]       ; the vector
	mov rbx, [r15 + PC_IDX]
	shl rbx, 10
	inc dword [vcount + rbx + rax * 4]
	mov ecx, [r15 + PC_LOGN]
	cmp ecx, 16
	jae .nolog
	mov [r15 + PC_LOG + rcx], al
.nolog:	inc dword [r15 + PC_LOGN]
	cmp eax, VEC_PING
	jne .n1
	inc dword [r15 + PC_PINGS]
	xor edi, edi
	mov esi, VEC_PONG
	call send_ipi
	jmp .eoi
.n1:	cmp eax, VEC_PONG
	jne .n2
	lock inc dword [pongs]
	jmp .eoi
.n2:	cmp eax, VEC_TIMER
	jne .n3
	inc dword [r15 + PC_TIMER]
	jmp .eoi
.n3:	cmp eax, 0x52
	jne .n4
	mov ecx, MSR_EOI              ; WRMSR EOI for a level vector: #VC 0x402
	xor eax, eax
	xor edx, edx
	wrmsr
	jmp .out
.n4:	cmp eax, VEC_BURST
	jne .n5
	xor edi, edi                  ; to vCPU 0, which holds them with IF=0 (action q)
	mov esi, 0x35
	call send_ipi
	mov esi, 0x81
	call send_ipi
	mov esi, 0x52
	call send_ipi
	mov esi, 0x8f
	call send_ipi
	lock inc dword [burst]
	jmp .eoi
.n5:	cmp eax, VEC_WAKE
	je .eoi
	cmp eax, 0x35
	je .eoi
	cmp eax, 0x50
	je .eoi
	cmp eax, 0x51
	je .eoi
	cmp eax, 0x81
	je .eoi
	cmp eax, 0x8f
	je .eoi
	lock inc dword [stray]        ; a vector nobody sent
.eoi:	call do_eoi
.out:	RESTORE
	add rsp, 8
	iretq

section .data
align 8
gdt:	dq 0
	dq 0x00209A0000000000         ; 0x08: 64-bit code
	dq 0x00CF92000000FFFF         ; 0x10: data
	dq 0x00CF9A000000FFFF         ; 0x18: 32-bit code
gdt_end:
gdt_desc:
	dw gdt_end - gdt - 1
	dq gdt
idt_desc:
	dw 256 * 16 - 1
	dq idt
expect:	dd 1
action:	db 'p', 0, 0, 0
create:	dd 0                              ; AP creation suffix (0: none)
vintr:	dd 0                              ; vintr_ctrl of the VMSAs it creates
s_savic: db "savic=", 0
s_cpus:	db " cpus=", 0
s_pings: db " pings=", 0
s_pongs: db " pongs=", 0
s_once:	db " not-once=", 0
s_order: db " order=", 0
s_timer: db " timer=", 0
s_nmi:	db " nmi=", 0
s_stray: db " stray=", 0
s_isr:	db " isr=", 0

section .bss
alignb 4096
tables:	resb 64 * 0x3000              ; per vCPU: PML4, PDPT, PD
backing: resb 64 * 4096           ; Secure AVIC backing pages (private)
stacks:	resb 64 * 4096
vmsas:	resb 64 * 8192                ; AP creation: one VMSA page out of two per vCPU
idt:	resb 256 * 16
vcount:	resb 64 * 1024            ; per vCPU, per vector: interrupts taken
percpu:	resb 64 * PC_SIZE
online:	resd 1
savic:	resd 1
pongs:	resd 1
stray:	resd 1
teardown: resd 1
torn:	resd 1
burst:	resd 1
