; SPDX-License-Identifier: MIT
; The SEV hashes table page (include/sev/hashes.h, docs/abi.md §9): one zeroed
; 4 KiB page in the loaded image (PROGBITS, so LAUNCH_UPDATE_DATA of the image
; measures whatever the VMM wrote into it), and cocoboot's ELF note that tells
; the toolstack where it is.

section .hashes progbits alloc noexec write align=4096
global cocoboot_hashes_page
cocoboot_hashes_page:
	times 4096 db 0

section .note.cocoboot note alloc noexec nowrite align=4
	dd 9                    ; namesz: "cocoboot" and its NUL
	dd 16                   ; descsz: struct cocoboot_note_hashes
	dd 0x100                ; COCOBOOT_NOTE_HASHES
	db "cocoboot", 0, 0, 0, 0 ; name, padded to 4
	dq cocoboot_hashes_page ; paddr
	dd 4096                 ; size
	dd 1                    ; version
