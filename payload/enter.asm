; SPDX-License-Identifier: MIT
;
; Handoff trampolines: the last instructions cocoboot runs. They live in the
; cocoboot image (identity mapped, below 4 GiB), which the loader never lets a
; payload overlap, and they touch no memory but their own GDT.
;
; payload_enter_linux64(entry, boot_params, stack_top)      [rdi, rsi, rdx]
;   Linux 64-bit boot protocol (facts §4.9): long mode with the current
;   identity map, interrupts off, CS = __BOOT_CS (0x10), DS = ES = SS =
;   __BOOT_DS (0x18), RSI = boot_params, jump to load address + 0x200.
;
; payload_enter_pvh32(entry, start_info)                    [edi, esi]
;   PVH entry state (facts §1.2, pvh.pandoc): 32-bit protected mode, paging
;   off, CR0 = PE|ET, CR4 = 0, EFER.LME/NXE/SCE clear, CS flat 32-bit code,
;   DS/ES/SS flat 32-bit data, TR a 32-bit TSS (base 0, limit 0x67) as Xen
;   sets it, EFLAGS = 0x2 (IF = TF = VM = 0), EBX = start_info, the other
;   GPRs 0. Leaving long mode: far return to a 32-bit code segment
;   (compatibility mode), clear CR0.PG (LMA drops), then clear EFER.LME
;   (AMD APM vol. 2, 14.7 "Leaving Long Mode").

%define SEL_CODE32 0x08
%define SEL_CODE64 0x10   ; Linux __BOOT_CS
%define SEL_DATA   0x18   ; Linux __BOOT_DS
%define SEL_TSS32  0x20
%define MSR_EFER   0xc0000080
%define EFER_SCE   (1 << 0)
%define EFER_LME   (1 << 8)
%define EFER_NXE   (1 << 11)
%define CR0_PE     (1 << 0)
%define CR0_ET     (1 << 4)
%define CR0_PG     (1 << 31)

section .text
bits 64

global payload_enter_linux64
payload_enter_linux64:
	cli
	lgdt [rel payload_gdt_ptr]
	mov eax, SEL_DATA
	mov ds, eax
	mov es, eax
	mov ss, eax
	mov fs, eax
	mov gs, eax
	mov rsp, rdx
	push SEL_CODE64
	lea rax, [rel .cs64]
	push rax
	retfq
.cs64:
	mov rax, rdi
	xor ebx, ebx
	xor ecx, ecx
	xor edx, edx
	xor edi, edi
	xor ebp, ebp
	xor r8d, r8d
	xor r9d, r9d
	xor r10d, r10d
	xor r11d, r11d
	xor r12d, r12d
	xor r13d, r13d
	xor r14d, r14d
	xor r15d, r15d
	jmp rax

global payload_enter_pvh32
payload_enter_pvh32:
	cli
	lgdt [rel payload_gdt_ptr]
	mov [rel pvh_entry], edi
	mov ebx, esi
	push SEL_CODE32
	lea rax, [rel .compat]
	push rax
	retfq

bits 32
.compat:
	mov eax, SEL_DATA
	mov ds, eax
	mov es, eax
	mov ss, eax
	mov fs, eax
	mov gs, eax
	mov eax, cr0
	and eax, ~CR0_PG
	mov cr0, eax                    ; paging off: long mode is no longer active
	mov ecx, MSR_EFER
	rdmsr
	and eax, ~(EFER_LME | EFER_NXE | EFER_SCE)
	wrmsr
	xor eax, eax
	mov cr4, eax
	mov eax, CR0_PE | CR0_ET
	mov cr0, eax
	mov eax, SEL_TSS32
	ltr ax
	push 2
	popfd
	xor eax, eax
	xor ecx, ecx
	xor edx, edx
	xor esi, esi
	xor edi, edi
	xor ebp, ebp
	xor esp, esp
	jmp [pvh_entry]

section .data
align 16
payload_gdt:
	dq 0
	dq 0x00cf9b000000ffff           ; 0x08: 32-bit code, flat (PVH CS)
	dq 0x00af9b000000ffff           ; 0x10: 64-bit code (Linux __BOOT_CS)
	dq 0x00cf93000000ffff           ; 0x18: data, flat (PVH DS/ES/SS, __BOOT_DS)
	dq 0x0000890000000067           ; 0x20: 32-bit TSS, base 0, limit 0x67
payload_gdt_end:
align 8
payload_gdt_ptr:
	dw payload_gdt_end - payload_gdt - 1
	dq payload_gdt
pvh_entry:
	dd 0
