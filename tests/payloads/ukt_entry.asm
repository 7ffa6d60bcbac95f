; SPDX-License-Identifier: MIT
;
; Test unikernel (ukt): a PVH ELF32 payload that checks what it was handed.
; Entry contract (facts §1.2, docs/misc/pvh.pandoc): 32-bit protected mode,
; paging off, EBX = hvm_start_info, CS flat 32-bit code, DS/ES/SS flat 32-bit
; data, IF = 0. This file records the state it can see before touching it,
; then loads its own GDT and stack (GDTR and ESP are unspecified) and calls
; ukt_main(start_info, &entry_state) in C.

bits 32

section .note.Xen note alloc noexec nowrite align=4
	dd 4                    ; namesz
	dd 4                    ; descsz
	dd 18                   ; XEN_ELFNOTE_PHYS32_ENTRY
	db "Xen", 0
	dd ukt_start

section .text.entry exec
global ukt_start
ukt_start:
	; Record the state before any instruction changes it.
	mov [entry_state + 0], ebx
	mov eax, cr0
	mov [entry_state + 4], eax
	mov eax, cr4
	mov [entry_state + 8], eax
	mov esp, ukt_stack_top          ; ESP is unspecified: use our own stack
	pushfd
	pop eax
	mov [entry_state + 12], eax
	mov ecx, 0xc0000080             ; EFER
	rdmsr
	mov [entry_state + 16], eax
	mov [entry_state + 40], cs
	mov [entry_state + 42], ds
	mov [entry_state + 44], ss
	mov [entry_state + 46], es
	; Segment checks (LAR/LSL) in C while the loader's GDT is still loaded.
	push entry_state
	push dword [entry_state + 0]
	extern ukt_early
	call ukt_early
	add esp, 8

	lgdt [ukt_gdt_ptr]
	jmp 0x08:.flat
.flat:
	mov eax, 0x10
	mov ds, eax
	mov es, eax
	mov ss, eax
	mov fs, eax
	mov gs, eax
	mov esp, ukt_stack_top
	push entry_state
	push dword [entry_state + 0]
	extern ukt_main
	call ukt_main
.dead:
	cli
	hlt
	jmp .dead

section .data
align 16
ukt_gdt:
	dq 0
	dq 0x00cf9b000000ffff           ; 0x08: 32-bit code, flat
	dq 0x00cf93000000ffff           ; 0x10: data, flat
ukt_gdt_end:
ukt_gdt_ptr:
	dw ukt_gdt_end - ukt_gdt - 1
	dd ukt_gdt

global entry_state
align 4
entry_state: times 13 dd 0

section .bss
align 16
ukt_stack: resb 16384
ukt_stack_top:
