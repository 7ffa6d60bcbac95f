; SPDX-License-Identifier: MIT
; sevsim reset stub: takes a fresh Unicorn 2.0.1 UC_MODE_64 engine (long mode active,
; paging off -- a state no real CPU has) to the PVH entry state: 32-bit protected mode,
; paging off, EFER.LME/LMA clear, CR0 = PE|ET, CR4 = 0, flat 32-bit CS/DS/SS.
; QEMU clears EFER.LMA only on a real CR0.PG 1->0 transition, so the stub first turns
; paging on (identity map of the top 2 MiB below 4 GiB, tables built by cpu/vcpu.c),
; far-returns to a 32-bit code segment, and turns paging and LME off there.
; The bytes are copied to SIM_SPECIAL_BASE (0xFEFF8000) and run from there.

SIM_SPECIAL_BASE equ 0xFEFF8000
STUB_PML4        equ SIM_SPECIAL_BASE + 0x1000

section .rodata
global sim_reset_stub, sim_reset_stub_end, sim_reset_stub_done

sim_reset_stub:
bits 64
	mov rax, STUB_PML4
	mov cr3, rax
	mov rax, cr4
	or eax, 0x20                  ; PAE
	mov cr4, rax
	mov rax, cr0
	bts eax, 31                   ; PG: long mode with paging, as on real hardware
	mov cr0, rax
	lgdt [rel gdtr]
	push 0x08
	lea rax, [rel code32]
	push rax
	retfq                         ; to 32-bit compatibility mode
bits 32
code32:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov fs, ax
	mov gs, ax
	mov eax, cr0
	btr eax, 31                   ; paging off: leaves long mode (LMA = 0)
	mov cr0, eax
	mov ecx, 0xC0000080
	rdmsr
	and eax, ~0x100               ; EFER.LME = 0
	wrmsr
	mov eax, 0x11                 ; CR0 = PE | ET (pvh.pandoc, libxenguest)
	mov cr0, eax
	xor eax, eax
	mov cr4, eax
	mov cr3, eax
sim_reset_stub_done:
	hlt
align 8
gdt:
	dq 0
	dq 0x00CF9B000000FFFF          ; 0x08: 32-bit code, base 0, limit 4 GiB
	dq 0x00CF93000000FFFF          ; 0x10: 32-bit data
gdtr:
	dw 23
	dq SIM_SPECIAL_BASE + (gdt - sim_reset_stub)
sim_reset_stub_end:

section .note.GNU-stack noalloc noexec nowrite progbits
