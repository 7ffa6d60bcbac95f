; SPDX-License-Identifier: MIT
; sevsim start stubs: from the reset stub's state (cpu/reset.asm: 32-bit protected mode,
; flat CS 0x08 / data 0x10, paging off) to the state a vCPU starts in, by executing
; what a CPU would: Unicorn 2.0.1 (UC_MODE_64) stores only the selector when a segment
; register is written through its API, and does not enter long mode on a CR0 write.
; The bytes are copied to SIM_SPECIAL_BASE + 0x4000 and run from there (cpu/vcpu.c).
;
; sim_start_real: to real mode, then a far jump through real_target (IP, CS; patched):
;   the engine stops at the target's first instruction (linear CS * 16 + IP).
; sim_start_long: to 64-bit mode through sevsim's own tables at SIM_SPECIAL_BASE + 0x1000
;   (identity map of the top 2 MiB below 4 GiB), CS 0x08 (64-bit), data 0x10; stops at
;   sim_start_long_done; cpu/vcpu.c then loads the state's CR3, CR4, EFER, CR0 and GDTR.

SIM_SPECIAL_BASE equ 0xFEFF8000
STUB_BASE        equ SIM_SPECIAL_BASE + 0x4000
STUB_PML4        equ SIM_SPECIAL_BASE + 0x1000
%define AT(x) (STUB_BASE + (x) - sim_start_stub)

section .rodata
global sim_start_stub, sim_start_stub_end, sim_start_real, sim_start_real_target
global sim_start_long, sim_start_long_done

sim_start_stub:
bits 32
sim_start_real:
	lgdt [AT(gdtr)]
	jmp 0x18:(pm16 - sim_start_stub)      ; 16-bit code, base STUB_BASE
bits 16
pm16:
	mov ax, 0x20                          ; 16-bit data: real-mode limits 0xFFFF
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov fs, ax
	mov gs, ax
	mov eax, cr0
	and eax, 0x7FFFFFFE                   ; PE off: real mode
	mov cr0, eax                          ; CS keeps its cached base until the far jump
	xor ax, ax
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov fs, ax
	mov gs, ax
	jmp far [cs:(sim_start_real_target - sim_start_stub)]
align 4
sim_start_real_target:
	dw 0, 0                               ; IP, CS (patched)

bits 32
sim_start_long:
	lgdt [AT(gdtr)]
	mov eax, cr4
	or eax, 0x20                          ; PAE
	mov cr4, eax
	mov eax, STUB_PML4
	mov cr3, eax
	mov ecx, 0xC0000080
	rdmsr
	or eax, 0x100                         ; LME
	wrmsr
	mov eax, cr0
	or eax, 0x80000000                    ; PG: LMA
	mov cr0, eax
	jmp 0x08:AT(lm64)
bits 64
lm64:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov fs, ax
	mov gs, ax
sim_start_long_done:
	hlt

align 8
gdt:
	dq 0
	dq 0x00AF9B000000FFFF                 ; 0x08: 64-bit code (ar 0xA9B)
	dq 0x00CF93000000FFFF                 ; 0x10: flat data (ar 0xC93)
	dq 0x00009B000000FFFF | ((STUB_BASE & 0xFFFFFF) << 16) | ((STUB_BASE >> 24) << 56) ; 0x18: 16-bit code
	dq 0x000093000000FFFF                 ; 0x20: 16-bit data, base 0
gdtr:
	dw 39
	dq AT(gdt)
sim_start_stub_end:

section .note.GNU-stack noalloc noexec nowrite progbits
