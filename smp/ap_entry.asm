; SPDX-License-Identifier: MIT
; The 64-bit entry every AP reaches, whatever started it (the INIT-SIPI
; trampoline, VCPUOP_initialise's vcpu_hvm_context): long mode, our page
; tables, RDI = its struct smp_cpu, RSI = its vCPU id when the bring-up page's init
; code started it (docs/abi.md §8.6; anything otherwise). GDTR and IDTR may be anything
; (Xen does not load them, facts 2.5): nothing here may fault (under SEV-ES nothing may
; raise #VC either). smp_ap_main loads them.
%include "smp/smp.inc"

bits 64
section .text
global smp_ap_entry64
extern smp_ap_main

smp_ap_entry64:
	cli
	cld
	; xenpage: the first instruction's time, when the starter timed the start
	; (Xen methods only: under SEV-ES an intercepted RDTSC here would be a #VC
	; with no IDT yet)
	cmp qword [rdi + SMP_CPU_T_START], 0
	je .untimed
	rdtsc
	shl rdx, 32
	or rax, rdx
	mov [rdi + SMP_CPU_T_ENTRY], rax
.untimed:
	mov rsp, [rdi + SMP_CPU_STACK_TOP]
	and rsp, -16
	xor ebp, ebp
	call smp_ap_main
.halt:
	cli
	hlt
	jmp .halt
