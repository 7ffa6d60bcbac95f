; SPDX-License-Identifier: MIT
;
; The 32-bit IDT the PVH entry loads before its first CPUID or RDMSR, so that an
; SEV-ES guest can take #VC (vector 29) before it has page tables, and a non-SEV
; guest survives probing SEV_STATUS (#GP, vector 13, on a CPU without it).
;   #VC  -> early32_sev32_vc: the #VC core, i386 build, MSR protocol only
;   #GP  -> fixup when it is the guarded RDMSR (boot/sev_entry_32.c rdmsr_safe)
;   #UD  -> fixup when it is the guarded RDRAND (boot/sev_entry_32.c rdrand32)
;   else -> early32_sev32_fault: terminate (SEV-ES) or halt
; Gate format: AMD APM vol. 2, 4.8.3 (32-bit interrupt gate, type 0xE).

%include "boot/layout.inc"

bits 32
section .text.entry32 exec

extern early32_sev32_vc
extern early32_sev32_fault
extern early32_rdmsr_safe_insn
extern early32_rdmsr_faulted
extern early32_rdrand_safe_insn
extern early32_rdrand_faulted

global idt32_load
idt32_load:
	xor ecx, ecx
.gate:
	mov eax, ecx
	shl eax, 4
	add eax, idt32_stubs               ; stub address
	mov [idt32 + ecx * 8], ax
	mov word [idt32 + ecx * 8 + 2], SEL_CODE32
	mov word [idt32 + ecx * 8 + 4], 0x8e00 ; present, DPL 0, 32-bit interrupt gate
	shr eax, 16
	mov [idt32 + ecx * 8 + 6], ax
	inc ecx
	cmp ecx, 32
	jb .gate
	lidt [idt32_ptr]
	ret

; Vectors whose exceptions push an error code (AMD APM vol. 2, 8.2).
%define HAS_ERR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

align 16
idt32_stubs:
%assign v 0
%rep 32
align 16
%if HAS_ERR(v) == 0
	push 0
%endif
	push v
	jmp idt32_common
%assign v v+1
%endrep

; Frame: PUSHAD, vector, error code, EIP, CS, EFLAGS (struct frame32).
idt32_common:
	pushad
	cld
	mov ebp, esp
	mov eax, [ebp + 32]                 ; vector
	cmp eax, 13
	jne .not_gp
	cmp dword [ebp + 40], early32_rdmsr_safe_insn
	jne .fault
	mov dword [early32_rdmsr_faulted], 1
	add dword [ebp + 40], 2             ; skip the 2-byte RDMSR
	jmp .out
.not_gp:
	cmp eax, 6
	jne .not_ud
	cmp dword [ebp + 40], early32_rdrand_safe_insn
	jne .fault
	mov dword [early32_rdrand_faulted], 1
	add dword [ebp + 40], 3             ; skip the 3-byte RDRAND
	jmp .out
.not_ud:
	cmp eax, 29
	jne .fault
	push ebp
	call early32_sev32_vc
	add esp, 4
.out:
	; Return without IRET: no privilege or stack change happens here, so
	; POPFD; RET does the same, and some hypervisors' instruction emulators
	; (this machine's KVM among them) cannot emulate a 32-bit IRET.
	popad
	add esp, 8                          ; vector, error code: [EIP][CS][EFLAGS]
	push eax
	mov eax, [esp + 4]                  ; EIP
	xchg eax, [esp + 12]                ; EFLAGS slot <- EIP, eax <- EFLAGS
	mov [esp + 8], eax                  ; CS slot <- EFLAGS
	pop eax
	add esp, 4                          ; [EFLAGS][EIP]
	popfd
	ret
.fault:
	push ebp
	call early32_sev32_fault            ; does not return

section .bss
align 8
idt32: resq 32

section .data
align 8
idt32_ptr:
	dw 32 * 8 - 1
	dd idt32
