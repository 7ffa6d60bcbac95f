; SPDX-License-Identifier: MIT
; The SEV-ES AP area (docs/abi.md §11; smp/cpu.h SMP_ES_*): its first page, which
; smp/jumptable.c copies to SMP_ES_AREA, and the 64-bit code that leaves cocoboot for it.
;
; Under SEV-ES an AP's registers are fixed at launch (its VMSA is measured, then
; encrypted), so the place every AP starts is part of cocoboot's image: the ELF note
; below names the area; the toolstack gives every AP a launch VMSA in real mode at
; CS = SMP_ES_AREA >> 4, IP = 0 (OVMF's "SEV-ES reset block" says the same in a GUID
; table; amd-sev-facts.md §7.4). The first SIPI runs that VMSA (KVM), and the code at
; offset 0 jumps through the AP jump table, the one entry the guest can change after
; launch. Later an AP parks here: it loops on the AP reset hold (GHCB MSR protocol
; 0x006/0x007, facts §2: no GHCB page, so nothing of cocoboot is needed) and, woken by
; a SIPI, leaves through the jump table again, in real mode, as firmware does for
; Linux (OVMF's AP reset hold loop; Linux writes its trampoline into the table).
;
; The page takes no stack and writes nothing but the AP's state word, once.
%include "smp/smp.inc"

%define X               SMP_ES_AREA
%define XOFF(l)         ((l) - smp_es_page_start)
%define XABS(l)         (X + XOFF(l))
%define MSR_SEV_GHCB    0xc0010130
%define MSR_EFER        0xc0000080
%define HOLD_REQ        0x006           ; AP reset hold request (facts §2)
%define HOLD_RESP       0x007
%define TERM_REQ        0x100           ; termination request
%define TERM_SET        0xc             ; CB_TERM_SET
%define TERM_MSR_RESP   0x06            ; CB_TERM_MSR_RESPONSE
%define SEL_FLAT32      0x08
%define SEL_FLAT_DATA   0x10
%define SEL_CODE16      0x18            ; base X, 64 KiB, 16-bit
%define SEL_DATA16      0x20

section .rodata
align 16
global smp_es_page_start, smp_es_page_end

bits 16
smp_es_page_start:
; Offset 0: where every AP starts (launch VMSA) and where a woken one comes back to, in
; real mode. Jump through the AP jump table: {u16 IP, u16 CS} at its first bytes.
es_reset:
	cli
	cld
	mov ax, (X + SMP_ES_JT_OFFSET) >> 4
	mov ds, ax
	jmp far [0]

; Flat 32-bit code/data for the hold loop; 16-bit code/data based at X to get back to
; real mode. Accessed bits preset: loading a selector writes nothing.
align 8
es_gdt:
	dq 0
	dq 0x00cf9b000000ffff                                   ; SEL_FLAT32
	dq 0x00cf93000000ffff                                   ; SEL_FLAT_DATA
	dq 0xffff | ((X & 0xffffff) << 16) | (0x9b << 40)       ; SEL_CODE16
	dq 0xffff | ((X & 0xffffff) << 16) | (0x93 << 40)       ; SEL_DATA16
es_gdtr:                                        ; 64-bit LGDT reads 10 bytes
	dw 5 * 8 - 1
	dq XABS(es_gdt)

; 32-bit protected mode, paging off, flat segments; EDI = the AP's state word.
bits 32
align 16
es_park32:
	mov dword [edi], SMP_STATE_PARKED       ; the last write to cocoboot's memory
.hold:
	mov ecx, MSR_SEV_GHCB
	mov eax, HOLD_REQ
	xor edx, edx
	wrmsr
	rep vmmcall                             ; VMGEXIT
	rdmsr
	mov ebx, eax
	and ebx, 0xfff
	cmp ebx, HOLD_RESP
	jne .bad
	and eax, 0xfffff000                     ; result, GHCBData[63:12]: 0 = no SIPI yet
	or eax, edx
	jz .hold
	jmp SEL_CODE16:XOFF(es_pm16)            ; woken by a SIPI: back to real mode
.bad:
	; Not an AP reset hold response: the hypervisor broke the protocol. End the guest.
	mov ecx, MSR_SEV_GHCB
	mov eax, TERM_REQ | (TERM_SET << 12) | (TERM_MSR_RESP << 16)
	xor edx, edx
	wrmsr
	rep vmmcall
.dead:
	hlt
	jmp .dead

bits 16
es_pm16:
	mov ax, SEL_DATA16
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov fs, ax
	mov gs, ax
	mov eax, cr0
	and eax, ~1                             ; PE off (paging is already off)
	mov cr0, eax
	jmp word (X >> 4):XOFF(es_reset)
smp_es_page_end:

; 64-bit: RDI = the AP's state word (below 4 GiB). Interrupts off; leave long mode by
; turning paging off in compatibility mode (AMD APM vol. 2 14.7), then run from X.
section .text
bits 64
global smp_es_park
smp_es_park:
	cli
	mov eax, XABS(es_gdtr)
	lgdt [rax]
	push SEL_FLAT32
	lea rax, [rel .compat]
	push rax
	retfq
bits 32
.compat:
	mov eax, SEL_FLAT_DATA
	mov ds, eax
	mov es, eax
	mov ss, eax
	mov fs, eax
	mov gs, eax
	mov eax, cr0
	and eax, 0x7fffffff                     ; PG off: long mode inactive
	mov cr0, eax
	mov ecx, MSR_EFER
	rdmsr
	and eax, ~(1 << 8)                      ; LME off
	wrmsr
	jmp SEL_FLAT32:XABS(es_park32)

; The note that names the area (docs/abi.md §11): name "cocoboot", type 0x103, the
; same 16-byte descriptor as the hashes note (u64 GPA, u32 size, u32 version 1).
section .note.cocoboot note alloc noexec nowrite align=4
	dd 9
	dd 16
	dd 0x103                                ; COCOBOOT_NOTE_SEV_ES_AP_AREA
	db "cocoboot", 0, 0, 0, 0
	dq SMP_ES_AREA
	dd 0x3000                               ; SMP_ES_AREA_SIZE
	dd 1
