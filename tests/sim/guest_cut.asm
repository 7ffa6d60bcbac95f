; sevsim self-test guest (mode none): page tables that map less than the ones before them
; cut the shared region sevsim made of the old identity map (docs/sevsim.md, "Address
; model"), the way Linux's decompressor does right after cocoboot's handoff.
;   tables A: identity 0..16 MiB (2 MiB pages, no C-bit: shared; in mode none every
;             identity page is) -> sevsim maps linear [0, 16 MiB) as one MMIO region;
;   tables B: identity 0..4 MiB and 12..14 MiB only -> sevsim unmaps [4, 12) and [14, 16)
;             MiB out of it, leaving the pieces [0, 4) and [12, 14) MiB.
; Before paging it stores a marker at 12 MiB + 0x100 and a stub "mov eax, 0x12345678; ret"
; at 12 MiB. On B it runs on (this code sits in the piece [0, 4) MiB), reads the marker and
; calls the stub (both in the piece [12, 14) MiB). isa-debug-exit: 0x10 all held, 0x11 the
; marker read back wrong, 0x12 the stub returned something else.
%include "guest.inc"

TABLES  equ 0x300000
PML4A   equ TABLES
PDPTA   equ TABLES + 0x1000
PDA     equ TABLES + 0x2000
PML4B   equ TABLES + 0x3000
PDPTB   equ TABLES + 0x4000
PDB     equ TABLES + 0x5000
PIECE   equ 0xC00000              ; 12 MiB: start of the right-hand piece
MARKER  equ 0x5a17c0de600dcafe

bits 32
PVH_NOTE

global _start
_start:
	FLAT32_ENTRY stack_top
	mov edi, TABLES               ; zero the six table pages
	mov ecx, 6 * 1024
	xor eax, eax
	rep stosd
	mov dword [PML4A], PDPTA | 3
	mov dword [PDPTA], PDA | 3
	mov dword [PML4B], PDPTB | 3
	mov dword [PDPTB], PDB | 3
	xor ecx, ecx                  ; A: PDA[0..7] = 0..16 MiB
.a:	mov eax, ecx
	shl eax, 21
	or eax, 0x83
	mov [PDA + ecx * 8], eax
	inc ecx
	cmp ecx, 8
	jb .a
	mov dword [PDB + 0 * 8], 0x000000 | 0x83  ; B: 0..4 MiB and 12..14 MiB
	mov dword [PDB + 1 * 8], 0x200000 | 0x83
	mov dword [PDB + 6 * 8], PIECE | 0x83
	mov dword [PIECE + 0x100], MARKER & 0xffffffff
	mov dword [PIECE + 0x104], MARKER >> 32
	mov dword [PIECE], 0x345678b8   ; b8 78 56 34 12: mov eax, 0x12345678
	mov word [PIECE + 4], 0xc312      ; c3: ret
	LONG_MODE_ON PML4A            ; long mode on tables A
	jmp 0x08:long_entry

bits 64
long_entry:
	LOAD_DATA_SEGS
	mov eax, PML4B
	mov cr3, rax                  ; the cut: the next fetch is from the piece [0, 4) MiB
	mov rax, MARKER
	cmp [PIECE + 0x100], rax
	je .marker_ok
	DEBUG_EXIT 0x11
.marker_ok:
	mov eax, PIECE
	call rax
	cmp eax, 0x12345678
	je .stub_ok
	DEBUG_EXIT 0x12
.stub_ok:
	DEBUG_EXIT 0x10

section .data
DEFINE_GDT 0

section .bss
align 16
	resb 4096
stack_top:
