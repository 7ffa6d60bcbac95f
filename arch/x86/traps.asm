; SPDX-License-Identifier: MIT
; Exception entry for vectors 0-31 (stubs: arch/x86/exc_stubs.inc): every
; general-purpose register is pushed after the vector and error code, then
; trap_dispatch(frame) runs.
; Layout: struct trap_frame in arch/x86/desc.h.

bits 64
section .text

extern trap_dispatch
global trap_stubs

%include "arch/x86/exc_stubs.inc"

EXC_STUBS trap_stubs, trap_common

; Interrupt vectors VEC_IRQ_FIRST..VEC_IRQ_LAST (arch/x86/desc.h: 0xEC..0xEF), same frame.
global irq_stubs
align EXC_STUB_SIZE
irq_stubs:
%assign v 0xec
%rep 4
align EXC_STUB_SIZE
	push 0
	push v
	jmp trap_common
%assign v v + 1
%endrep

trap_common:
	push rax
	push rbx
	push rcx
	push rdx
	push rsi
	push rdi
	push rbp
	push r8
	push r9
	push r10
	push r11
	push r12
	push r13
	push r14
	push r15
	cld
	mov rdi, rsp
	; Align the stack for the C call; keep the frame pointer in rbx (callee-saved).
	mov rbx, rsp
	and rsp, -16
	call trap_dispatch
	mov rsp, rbx
	pop r15
	pop r14
	pop r13
	pop r12
	pop r11
	pop r10
	pop r9
	pop r8
	pop rbp
	pop rdi
	pop rsi
	pop rdx
	pop rcx
	pop rbx
	pop rax
	add rsp, 16 ; vector and error code
	iretq
