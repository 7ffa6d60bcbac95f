; SPDX-License-Identifier: MIT
; The SNP CPUID page and secrets page (include/sev/snp.h, docs/abi.md §10): two zeroed
; 4 KiB pages in the loaded image, at addresses fixed by the image itself, and the
; ELF notes that tell the toolstack where they are. SNP_LAUNCH_UPDATE inserts them as
; page types CPUID and SECRETS; the secure processor fills them (checking the CPUID
; values against the CPU) and they are measured with the image.

section .snp_pages progbits alloc noexec write align=4096
global cocoboot_snp_cpuid_page
global early32_cocoboot_snp_cpuid_page  ; the same page for the 32-bit entry's C code
cocoboot_snp_cpuid_page:
early32_cocoboot_snp_cpuid_page:
	times 4096 db 0
global cocoboot_snp_secrets_page
cocoboot_snp_secrets_page:
	times 4096 db 0

section .note.cocoboot note alloc noexec nowrite align=4
	dd 9                    ; namesz: "cocoboot" and its NUL
	dd 16                   ; descsz
	dd 0x101                ; COCOBOOT_NOTE_SNP_CPUID
	db "cocoboot", 0, 0, 0, 0
	dq cocoboot_snp_cpuid_page
	dd 4096
	dd 1
	dd 9
	dd 16
	dd 0x102                ; COCOBOOT_NOTE_SNP_SECRETS
	db "cocoboot", 0, 0, 0, 0
	dq cocoboot_snp_secrets_page
	dd 4096
	dd 1
