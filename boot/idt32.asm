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
	add eax, idt32_stubs               ; stub address (EXC_STUB_SIZE apart)
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

%include "arch/x86/exc_stubs.inc"

EXC_STUBS idt32_stubs, idt32_common

; SKIP_GUARDED vector, insn, flag, len: when exception `vector` hit the guarded
; instruction `insn`, set `flag` and resume after its `len` bytes.
%macro SKIP_GUARDED 4
	cmp eax, %1
	jne %%no
	cmp dword [ebp + 40], %2
	jne .fault
	mov dword [%3], 1
	add dword [ebp + 40], %4
	jmp .out
%%no:
%endmacro

; Frame: PUSHAD, vector, error code, EIP, CS, EFLAGS (struct frame32).
idt32_common:
	pushad
	cld
	mov ebp, esp
	mov eax, [ebp + 32]                 ; vector
	SKIP_GUARDED 13, early32_rdmsr_safe_insn, early32_rdmsr_faulted, 2  ; #GP: RDMSR
	SKIP_GUARDED 6, early32_rdrand_safe_insn, early32_rdrand_faulted, 3 ; #UD: RDRAND
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
