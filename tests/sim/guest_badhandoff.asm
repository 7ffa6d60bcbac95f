; sevsim self-test guest for the handoff checker (tests/sim/handoff.t): leaves its image
; for a "payload" at 0x300000 in a state that breaks the PVH entry ABI on purpose:
; CR4.PGE set, IF=1, DS/ES/SS a 1 MiB (not flat) data segment, EBX = 0.
%include "guest.inc"
bits 32
PVH_NOTE

global _start
_start:
	mov byte [0x300000], 0xf4       ; the "payload": hlt (DS still flat here)
	lgdt [gdt_ptr]
	jmp 0x08:.cs
.cs:
	mov eax, 0x10
	mov ds, eax
	mov es, eax
	mov ss, eax
	mov eax, cr4
	or eax, 1 << 7                  ; PGE
	mov cr4, eax
	xor ebx, ebx
	sti
	mov eax, 0x300000
	jmp eax

section .data
align 8
gdt:
	dq 0
	dq 0x00cf9b000000ffff           ; 0x08: flat 32-bit code
	dq 0x00409300000000ff           ; 0x10: data, limit 0xff bytes (G=0): not flat
gdt_end:
gdt_ptr:
	dw gdt_end - gdt - 1
	dd gdt
