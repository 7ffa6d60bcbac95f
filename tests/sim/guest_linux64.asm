; sevsim self-test guest for the handoff checker's Linux 64-bit checks (tests/sim/handoff.t),
; mode none: goes to long mode on its own identity map (2 MiB pages, 0..1 GiB) and jumps
; out of its image to a "kernel" at 0x300000 with IF=0 and RSI = a zeroed page as
; boot_params, so that sevsim (--check-handoff, no payload, long mode) judges a linux64
; handoff. The first character of the command line says what it does to the legacy 8259
; pair first (hv/pic.c records the masks):
;   m  masks both as Linux's real-mode setup does (OCW1: secondary 0xFF, primary 0xFB)
;   r  masks both, then sends the primary an ICW1 (which clears its mask again)
;   anything else or no command line: leaves the PICs alone
%include "guest.inc"

PIC1_CMD  equ 0x20
PIC1_DATA equ 0x21
PIC2_DATA equ 0xa1
KERNEL    equ 0x300000

bits 32
PVH_NOTE

global _start
_start:
	mov byte [KERNEL], 0xf4         ; the "kernel": hlt
	xor eax, eax
	mov esi, [ebx + 0x18]           ; hvm_start_info.cmdline_paddr
	test esi, esi
	jz .noact
	mov al, [esi]
.noact:	mov [action], al
	lgdt [gdt_desc]
	jmp 0x08:.cs32
.cs32:	mov eax, 0x18
	mov ds, eax
	mov es, eax
	mov ss, eax
	mov esp, stack_top
	; PD: 512 x 2 MiB, identity; PDPT[0] -> PD; PML4[0] -> PDPT
	mov edi, pd
	mov eax, 0x83                   ; present, writable, 2 MiB page
	mov ecx, 512
.pd:	mov [edi], eax
	mov dword [edi + 4], 0
	add eax, 0x200000
	add edi, 8
	loop .pd
	mov dword [pdpt], pd + 3
	mov dword [pml4], pdpt + 3
	mov eax, cr4
	or eax, 1 << 5                  ; PAE
	mov cr4, eax
	mov eax, pml4
	mov cr3, eax
	mov ecx, 0xc0000080             ; EFER
	rdmsr
	or eax, 1 << 8                  ; LME
	wrmsr
	mov eax, cr0
	or eax, 1 << 31                 ; PG
	mov cr0, eax
	jmp 0x10:.long

bits 64
.long:	mov al, [action]
	cmp al, 'm'
	je .mask
	cmp al, 'r'
	jne .go
	call mask
	mov al, 0x11                    ; ICW1 (IC4): clears the primary's mask
	out PIC1_CMD, al
	jmp .go
.mask:	call mask
.go:	mov rsi, boot_params
	cli
	mov eax, KERNEL
	jmp rax

mask:	mov al, 0xff
	out PIC2_DATA, al
	mov al, 0xfb
	out PIC1_DATA, al
	ret

section .data
align 8
gdt:	dq 0
	dq 0x00cf9b000000ffff           ; 0x08: flat 32-bit code
	dq 0x00af9b000000ffff           ; 0x10: 64-bit code (the boot protocol's __BOOT_CS)
	dq 0x00cf93000000ffff           ; 0x18: flat data (__BOOT_DS)
gdt_end:
gdt_desc:
	dw gdt_end - gdt - 1
	dd gdt
action:	db 0

section .bss
alignb 4096
pml4:	resb 4096
pdpt:	resb 4096
pd:	resb 4096
boot_params: resb 4096
	resb 4096
stack_top:
