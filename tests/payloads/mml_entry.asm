; SPDX-License-Identifier: MIT
; Multi-module launcher entry (see mml_main.c): PVH entry, own GDT and stack,
; then mml_main(start_info); mml_enter(entry, start_info) jumps to the loaded
; kernel in the same PVH state (32-bit protected mode, paging off, EBX).
bits 32

section .note.Xen note alloc noexec nowrite align=4
	dd 4, 4, 18                     ; namesz, descsz, XEN_ELFNOTE_PHYS32_ENTRY
	db "Xen", 0
	dd mml_start

section .text.entry exec
global mml_start
mml_start:
	cli
	lgdt [mml_gdt_ptr]
	jmp 0x08:.flat
.flat:
	mov eax, 0x10
	mov ds, eax
	mov es, eax
	mov ss, eax
	mov esp, mml_stack_top
	push ebx
	extern mml_main
	call mml_main
.dead:
	hlt
	jmp .dead

global mml_enter
mml_enter:
	mov eax, [esp + 4]              ; entry
	mov ebx, [esp + 8]              ; start_info
	push 2
	popfd
	jmp eax

section .data
align 16
mml_gdt:
	dq 0
	dq 0x00cf9b000000ffff
	dq 0x00cf93000000ffff
mml_gdt_end:
mml_gdt_ptr:
	dw mml_gdt_end - mml_gdt - 1
	dd mml_gdt

section .bss
align 16
mml_stack: resb 16384
mml_stack_top:
