; SPDX-License-Identifier: MIT
;
; Test unikernel: the real-mode code an AP runs when ukt wakes it (ukt_smp.c copies it to
; a free page below 1 MiB). Reached by a Startup IPI at CS = page >> 4, IP = 0 (no SEV),
; or under SEV-ES by the far jump through the AP jump table that ukt rewrote (as Linux's
; sev_es_setup_ap_jump_table does), from cocoboot's AP reset hold loop.
; The AP records how it arrived (CS, CR0, EFER, its APIC ID) in the next free record of
; the page and then waits for good: cli; hlt, or under SEV-ES the AP reset hold (a
; hypervisor may run a halted SEV-ES vCPU into nothing else). No stack, no IDT.
; APIC ID: CPUID 0xB EDX when leaf 0xB is there (EBX != 0), else CPUID 1 EBX[31:24];
; under SEV-ES both through the GHCB MSR protocol (CPUID would be a #VC), 1 VMGEXIT each.

%define MSR_GHCB 0xc0010130
%define MSR_EFER 0xc0000080

bits 16
section .rodata
global ukt_ap_start, ukt_ap_end
global ukt_ap_es, ukt_ap_arrived, ukt_ap_recs
ukt_ap_start:
	cli
	cld
	mov ax, cs
	mov ds, ax
	mov ebp, 1                              ; this AP's record: the count before it
	lock xadd [ukt_ap_arrived - ukt_ap_start], ebp
	cmp ebp, 64
	jae .park                               ; no record left: counted only
	shl bp, 4
	add bp, ukt_ap_recs - ukt_ap_start      ; DS:BP = this AP's record
	mov [ds:bp + 4], cs
	mov eax, cr0
	mov [ds:bp + 8], eax
	mov ecx, MSR_EFER
	rdmsr
	mov [ds:bp + 12], eax
	cmp dword [ukt_ap_es - ukt_ap_start], 0
	jne .es_id
	xor eax, eax
	cpuid
	cmp eax, 0xb
	jb .leaf1
	mov eax, 0xb
	xor ecx, ecx
	cpuid
	test ebx, ebx
	jz .leaf1
	mov [ds:bp], edx
	jmp .park
.leaf1:	mov eax, 1
	cpuid
	shr ebx, 24
	mov [ds:bp], ebx
	jmp .park
.es_id:	; GHCB MSR protocol CPUID (facts §2: 0x004, register in [31:30], leaf in [63:32])
	mov ecx, MSR_GHCB
	mov eax, 0x004 | (3 << 30)              ; EDX of leaf 0xB
	mov edx, 0xb
	wrmsr
	rep vmmcall
	rdmsr
	mov [ds:bp], edx
	test edx, edx
	jnz .park_es                            ; (vCPU 0 alone has x2APIC ID 0: not an AP)
	mov eax, 0x004 | (1 << 30)              ; EBX of leaf 1
	mov edx, 1
	wrmsr
	rep vmmcall
	rdmsr
	shr edx, 24
	mov [ds:bp], edx
	jmp .park_es
.park:	cmp dword [ukt_ap_es - ukt_ap_start], 0
	jne .park_es
.halt:	cli
	hlt
	jmp .halt
.park_es:
	mov ecx, MSR_GHCB                       ; AP reset hold, forever
	mov eax, 0x006
	xor edx, edx
	wrmsr
	rep vmmcall
	jmp .park_es

align 4
ukt_ap_es:	dd 0                            ; ukt sets 1 under SEV-ES
ukt_ap_arrived:	dd 0                            ; APs that ran this code
align 16
ukt_ap_recs:	times 64 * 16 db 0              ; {u32 apic_id, u16 cs, u16 0, u32 cr0, u32 efer}
ukt_ap_end:
