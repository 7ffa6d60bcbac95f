; SPDX-License-Identifier: MIT
; The INIT-SIPI-SIPI trampoline: copied by smp/sipi.c to a free page P below
; 1 MiB; a Startup IPI with vector P >> 12 starts an AP in real mode at
; CS = P >> 4, IP = 0 (Intel SDM vol. 3A 9.4.4; AMD APM vol. 2 16.5).
; Several APs run it at once: it takes no stack and writes nothing shared
; except its own smp_cpu.state (and the stray fields for an unknown APIC ID).
;
; Steps: real mode -> 32-bit protected mode (the page's own GDT) -> find this
; CPU's APIC ID in the page's table -> long mode with the BSP's CR3/CR4/EFER/CR0
; -> smp_ap_entry64 with RDI = its struct smp_cpu.
; The fields marked "patched" are filled in by smp/sipi.c after the copy.
%include "boot/layout.inc"
%include "smp/smp.inc"

%define MSR_SEV_GHCB         0xc0010130
%define GHCB_MSR_CPUID_REQ   0x004
%define GHCB_MSR_CPUID_RESP  0x005

%define OFF(x) ((x) - smp_tramp_start)

section .rodata
align 16
global smp_tramp_start, smp_tramp_end, smp_tramp_gdtr, smp_tramp_gdt, smp_tramp_far32
global smp_tramp_far64, smp_tramp_cr0, smp_tramp_cr3, smp_tramp_cr4, smp_tramp_efer
global smp_tramp_entry64, smp_tramp_nr_ids, smp_tramp_stray_id, smp_tramp_nr_stray
global smp_tramp_ids, smp_tramp_pm32, smp_tramp_lm64, smp_tramp_msr_cpuid

bits 16
smp_tramp_start:
	cli
	cld
	mov ax, cs
	mov ds, ax
	xor ebp, ebp                         ; EBP = P, the page's linear address,
	mov bp, ax                           ; kept through the mode switches
	shl ebp, 4
	o32 lgdt [OFF(smp_tramp_gdtr)]
	mov eax, cr0
	or eax, CR0_PE
	mov cr0, eax
	jmp dword far [OFF(smp_tramp_far32)]

bits 32
smp_tramp_pm32:
	mov eax, SEL_DATA
	mov ds, eax
	mov es, eax
	mov ss, eax
	cmp dword [ebp + OFF(smp_tramp_msr_cpuid)], 0
	jne .msr_id
	; This CPU's APIC ID: CPUID 0xB EDX (x2APIC ID) when leaf 0xB exists
	; and is implemented (EBX != 0), else CPUID 1 EBX[31:24] (SDM vol. 3A 8.4.5).
	xor eax, eax
	cpuid
	cmp eax, 0xb
	jb .legacy_id
	mov eax, 0xb
	xor ecx, ecx
	cpuid
	test ebx, ebx
	jz .legacy_id
	mov esi, edx
	jmp .lookup
.legacy_id:
	mov eax, 1
	cpuid
	shr ebx, 24
	mov esi, ebx
	jmp .lookup
.msr_id:
	; SEV-ES: CPUID would raise #VC and no IDT is loaded. Ask through the GHCB MSR
	; protocol (facts §2 0x004/0x005), one VMGEXIT: smp_tramp_msr_cpuid 1 = leaf 1
	; EBX[31:24] (every APIC ID of this boot fits 8 bits), 2 = leaf 0xB (sub-leaf 0)
	; EDX, the x2APIC ID. The answer is the hypervisor's: it is only looked up in the
	; table, and an ID not there is reported as a stray CPU (the BSP ends the boot).
	mov ecx, MSR_SEV_GHCB
	mov eax, GHCB_MSR_CPUID_REQ | (1 << 30)  ; register 1 = EBX
	mov edx, 1
	cmp dword [ebp + OFF(smp_tramp_msr_cpuid)], 1
	je .msr_ask
	mov eax, GHCB_MSR_CPUID_REQ | (3 << 30)  ; register 3 = EDX
	mov edx, 0xb
.msr_ask:
	wrmsr
	rep vmmcall                              ; VMGEXIT
	rdmsr
	mov esi, eax
	and esi, 0xfff
	cmp esi, GHCB_MSR_CPUID_RESP
	jne .bad_resp
	mov esi, edx
	cmp dword [ebp + OFF(smp_tramp_msr_cpuid)], 1
	jne .lookup
	shr esi, 24
	jmp .lookup
.bad_resp:
	mov esi, 0xffffffff                      ; no APIC ID: reported as a stray
.lookup:
	mov ecx, [ebp + OFF(smp_tramp_nr_ids)]
	lea edx, [ebp + OFF(smp_tramp_ids)]
.next:
	test ecx, ecx
	jz .stray
	cmp [edx], esi
	je .found
	add edx, 8
	dec ecx
	jmp .next
.stray:
	; An APIC ID we did not start, or one already taken: say so where the BSP looks, and stop.
	mov [ebp + OFF(smp_tramp_stray_id)], esi
	lock inc dword [ebp + OFF(smp_tramp_nr_stray)]
.halt:
	cli
	hlt
	jmp .halt
.found:
	; Claim the entry: only a CPU the BSP started (state STARTING) and only once. A second
	; CPU with the same APIC ID (the hypervisor answers the CPUID above) would otherwise
	; run on the first one's stack; it is reported as a stray instead (reason 0x22).
	mov edi, [edx + 4]                   ; struct smp_cpu * (below 4 GiB: the image)
	mov eax, SMP_STATE_STARTING
	mov ecx, SMP_STATE_TRAMPOLINE
	lock cmpxchg [edi + SMP_CPU_STATE], ecx
	jne .stray
	mov eax, [ebp + OFF(smp_tramp_cr4)]
	mov cr4, eax
	mov eax, [ebp + OFF(smp_tramp_cr3)]
	mov cr3, eax
	mov ecx, MSR_EFER
	mov eax, [ebp + OFF(smp_tramp_efer)]
	xor edx, edx
	wrmsr
	mov eax, [ebp + OFF(smp_tramp_cr0)]
	mov cr0, eax                         ; paging on: compatibility mode
	jmp far [ebp + OFF(smp_tramp_far64)]

bits 64
smp_tramp_lm64:
	mov ebp, ebp                         ; upper halves are undefined after the switch
	mov edi, edi
	mov rax, [rbp + OFF(smp_tramp_entry64)]
	jmp rax

align 8
smp_tramp_gdt:                               ; the selectors of boot/layout.inc
	dq 0
	dq 0x00cf9b000000ffff                ; SEL_CODE32
	dq 0x00cf93000000ffff                ; SEL_DATA
	dq 0x00af9b000000ffff                ; SEL_CODE64
smp_tramp_gdtr:
	dw 4 * 8 - 1
	dd 0                                 ; patched: P + OFF(smp_tramp_gdt)
align 4
smp_tramp_far32:
	dd 0                                 ; patched: P + OFF(smp_tramp_pm32)
	dw SEL_CODE32
align 4
smp_tramp_far64:
	dd 0                                 ; patched: P + OFF(smp_tramp_lm64)
	dw SEL_CODE64
align 4
smp_tramp_cr0:     dd 0                      ; patched: the BSP's values
smp_tramp_cr3:     dd 0
smp_tramp_cr4:     dd 0
smp_tramp_efer:    dd 0
align 8
smp_tramp_entry64: dq 0                      ; patched: smp_ap_entry64
smp_tramp_nr_ids:  dd 0                      ; patched: entries in smp_tramp_ids
smp_tramp_stray_id: dd 0                     ; written by an AP not in the table
smp_tramp_nr_stray: dd 0
smp_tramp_msr_cpuid: dd 0                    ; patched: SEV-ES: APIC ID via the MSR protocol, 1 leaf 1, 2 leaf 0xB
align 8
smp_tramp_ids:                               ; patched: {u32 apic_id; u32 smp_cpu *}[]
smp_tramp_end:
