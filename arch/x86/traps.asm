; SPDX-License-Identifier: MIT
; Exception entry stubs for vectors 0-31. Each pushes a dummy error code where
; the CPU pushes none (AMD APM vol. 2, 8.2; Intel SDM vol. 3A, 6.13), then the
; vector, then every general-purpose register, and calls trap_dispatch(frame).
; Layout: struct trap_frame in arch/x86/desc.h.

bits 64
section .text

extern trap_dispatch
global trap_stubs

; Vectors whose exceptions push an error code: #DF 8, #TS 10, #NP 11, #SS 12,
; #GP 13, #PF 14, #AC 17, #CP 21, #VC 29, #SX 30.
%define HAS_ERR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

align 16
trap_stubs:
%assign v 0
%rep 32
align 16
%if HAS_ERR(v) == 0
	push 0
%endif
	push v
	jmp trap_common
%assign v v+1
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
