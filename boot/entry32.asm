; SPDX-License-Identifier: MIT
;
; cocoboot PVH entry.
;
; The PVH direct-boot contract (xen/docs/misc/pvh.pandoc; facts file 1.2):
;   - 32-bit protected mode, paging off, at the XEN_ELFNOTE_PHYS32_ENTRY address;
;   - EBX = guest-physical address of struct hvm_start_info;
;   - CR0 = PE (+ET), CR4 = 0; CS flat 32-bit code, DS/ES/SS flat 32-bit data,
;     TR a 32-bit TSS; GDTR, IDTR, FS, GS, LDTR and ESP are unspecified;
;   - EFLAGS: IF = 0, TF = 0, VM = 0;
;   - only the BSP runs; other vCPUs are down.
;
; This file does only what cannot wait for C: load our GDT and a 32-bit IDT
; (boot/idt32.asm: #VC before the first CPUID), get a stack, check the
; start_info magic, learn the SEV mode and C-bit (boot/sev_entry_32.c), build the
; first identity page tables (0-4 GiB, with the C-bit), enter long mode, check
; the C-bit and call cocoboot_main(start_info_pa). Everything else is 64-bit C.

%include "boot/layout.inc"

; ELF note XEN_ELFNOTE_PHYS32_ENTRY (type 18; xen/include/public/elfnote.h).
section .note.Xen note alloc noexec nowrite align=4
	dd 4                    ; namesz, including the NUL
	dd 4                    ; descsz: a 32-bit entry address
	dd 18                   ; XEN_ELFNOTE_PHYS32_ENTRY
	db "Xen", 0
	dd pvh_start32

section .text.entry32 exec
bits 32
extern idt32_load
extern early32_sev32_detect
global pvh_start32
pvh_start32:
	cli
	cld
	mov [pvh_start_info_pa], ebx    ; .data: survives the .bss clear below

	lgdt [boot_gdt_ptr]
	jmp SEL_CODE32:.flat
.flat:
	LOAD_FLAT_DATA_SEGMENTS

	; Clear .bss (loaders zero it too, but the ABI does not promise it).
	mov edi, __bss_start
	mov ecx, __bss_end
	sub ecx, edi
	shr ecx, 2
	xor eax, eax
	rep stosd

	mov esp, boot_stack_top
	call idt32_load

	; SEV mode, C-bit, C-bit check value (paging is off: this store is
	; private). First, so that even a bad start_info is reported the way the
	; platform allows; the flags are only a hint, read before the magic check.
	mov ebx, [pvh_start_info_pa]
	push sev_cbit_check
	push dword [ebx + 8]                ; start_info.flags (SIF_HVM_GHCB)
	push sev_boot_info
	call early32_sev32_detect
	add esp, 12

	mov ebx, [pvh_start_info_pa]
	cmp dword [ebx], XEN_HVM_START_MAGIC
	jne .bad_magic

	call build_early_page_tables

	; The C-bit check (facts §9.4) needs the mode and the expected value in
	; registers: once paging is on, every data read goes through the new
	; tables, and through a wrong C-bit it would read ciphertext.
	mov ebx, [sev_boot_info + SEV_BOOT_MODE]
	mov esi, [sev_boot_info + SEV_BOOT_CHECK]
	mov edi, [sev_boot_info + SEV_BOOT_CHECK + 4]

	; Long mode: PAE, CR3, EFER.LME, then paging (AMD APM vol. 2, 14.6.1).
	mov eax, cr4
	or eax, CR4_PAE
	mov cr4, eax
	mov eax, early_pml4
	mov cr3, eax
	mov ecx, MSR_EFER
	rdmsr
	or eax, EFER_LME
	wrmsr
	mov eax, cr0
	or eax, CR0_PG | CR0_PE | CR0_WP ; WP: read-only pages hold for cocoboot too
	mov cr0, eax

	; Paging is on (compatibility mode). Before anything reads memory, and
	; the far jump reads the GDT, compare the value stored with paging off
	; (private) with what the C-bit tables now show. Instruction fetches are
	; always private, so this code runs even when the C-bit is wrong; the
	; 32-bit IDT is no use in this mode, so nothing here may fault.
	test ebx, ebx
	jz .cbit_ok
	cmp esi, [sev_cbit_check]
	jne .cbit_bad
	cmp edi, [sev_cbit_check + 4]
	jne .cbit_bad
.cbit_ok:
	jmp SEL_CODE64:long_entry

.cbit_bad:
	cmp ebx, SEV_MODE_ES
	jb .cbit_bad_sev
	mov eax, CB_TERM_CBIT_VERIFY
	jmp .terminate
.cbit_bad_sev:
	; Plain SEV has no GHCB; port I/O works: QEMU's debug exit, failure.
	mov al, DEBUG_EXIT_FAILURE
	out DEBUG_EXIT_PORT, al
	jmp .halt

.bad_magic:
	; Under SEV-ES port I/O would raise #VC: terminate instead.
	cmp dword [sev_boot_info + SEV_BOOT_MODE], SEV_MODE_ES
	jb .bad_magic_print
	mov eax, CB_TERM_START_INFO
	jmp .terminate
.bad_magic_print:
	; The message on port 0xe9, then on COM1 (one whole line each).
	mov dx, 0xe9
.next_port:
	mov esi, bad_magic_msg
.puts:
	lodsb
	test al, al
	jz .port_done
	out dx, al
	jmp .puts
.port_done:
	cmp dx, 0x3f8
	je .stop
	mov dx, 0x3f8
	jmp .next_port
.stop:
	mov al, DEBUG_EXIT_FAILURE
	out DEBUG_EXIT_PORT, al
	jmp .halt

; GHCB MSR protocol termination request (facts §2), reason in eax: code 0x100,
; reason set [15:12] = cocoboot's 0xC, reason code [23:16].
.terminate:
	shl eax, 16
	or eax, 0x100 | (CB_TERM_SET << 12)
	mov ecx, MSR_SEV_GHCB
	xor edx, edx
	wrmsr
	db 0xf3, 0x0f, 0x01, 0xd9       ; VMGEXIT
.halt:
	hlt
	jmp .halt

; Identity map 0-4 GiB: with 1 GiB pages when CPUID Fn8000_0001 EDX[26] says
; so, else with 2 MiB pages; the first 2 MiB, which hold the image, in 4 KiB
; pages with the image's rights (link.ld): text and rodata read-only. No NX yet
; (EFER.NXE waits for CPUID in C). Every entry carries the C-bit (ebp = its high
; dword) when SEV is on: all of this memory is private for now; boot/sev.c
; later makes the GHCB page shared.
build_early_page_tables:
	xor ebp, ebp
	cmp dword [sev_boot_info + SEV_BOOT_MODE], 0
	je .no_cbit
	mov ecx, [sev_boot_info + SEV_BOOT_CBIT]
	sub ecx, 32                         ; 32 <= cbit <= 51 (sev_entry_32.c)
	mov ebp, 1
	shl ebp, cl
.no_cbit:
	mov dword [early_pml4], early_pdpt + PTE_P_RW
	mov [early_pml4 + 4], ebp
	; Under SEV-ES each CPUID here costs four exits: use 2 MiB pages instead.
	cmp dword [sev_boot_info + SEV_BOOT_MODE], SEV_MODE_ES
	jae .use_2m
	mov eax, 0x80000000
	cpuid
	cmp eax, 0x80000001
	jb .use_2m
	mov eax, 0x80000001
	cpuid
	bt edx, 26
	jnc .use_2m
	; four 1 GiB pages
	xor ecx, ecx
.gb:
	mov eax, ecx
	shl eax, 30
	or eax, PTE_P_RW_PS
	mov [early_pdpt + ecx * 8], eax
	mov [early_pdpt + ecx * 8 + 4], ebp
	inc ecx
	cmp ecx, 4
	jb .gb
	; the first GiB again as 2 MiB pages, for the 4 KiB table below
	mov edi, 512
	call .fill_pd
	mov dword [early_pdpt], early_pd + PTE_P_RW
	mov [early_pdpt + 4], ebp
	jmp .image_rights
.use_2m:
	; four page directories of 512 2 MiB pages each
	xor ecx, ecx
.pdpt:
	mov eax, ecx
	shl eax, 12
	add eax, early_pd + PTE_P_RW
	mov [early_pdpt + ecx * 8], eax
	mov [early_pdpt + ecx * 8 + 4], ebp
	inc ecx
	cmp ecx, 4
	jb .pdpt
	mov edi, 2048
	call .fill_pd
.image_rights:
	; 0-2 MiB in 4 KiB pages: [__text_start, __rodata_end) read-only
	xor ecx, ecx
.pt0:
	mov eax, ecx
	shl eax, 12
	mov edx, PTE_P_RW
	cmp eax, __text_start
	jb .rights
	cmp eax, __rodata_end
	jae .rights
	mov edx, PTE_P
.rights:
	or eax, edx
	mov [early_pt + ecx * 8], eax
	mov [early_pt + ecx * 8 + 4], ebp
	inc ecx
	cmp ecx, 512
	jb .pt0
	mov dword [early_pd], early_pt + PTE_P_RW
	mov [early_pd + 4], ebp
	ret
; early_pd[0 .. edi) = 2 MiB pages from address 0, with the C-bit (ebp)
.fill_pd:
	xor ecx, ecx                    ; ecx = 2 MiB page number
.pde:
	mov eax, ecx
	shl eax, 21
	or eax, PTE_P_RW_PS
	mov [early_pd + ecx * 8], eax
	mov eax, ecx
	shr eax, 11                     ; bits 32+ of the address
	or eax, ebp
	mov [early_pd + ecx * 8 + 4], eax
	inc ecx
	cmp ecx, edi
	jb .pde
	ret

bits 64
long_entry:
	LOAD_FLAT_DATA_SEGMENTS
	mov rsp, boot_stack_top
	xor ebp, ebp
	mov edi, [pvh_start_info_pa]
	extern cocoboot_main
	call cocoboot_main
.dead:
	cli
	hlt
	jmp .dead

section .rodata
bad_magic_msg: db "cocoboot: FATAL: start_info.magic is not 0x336ec578 (EBX does not point at hvm_start_info)", 10, 0

section .data
align 8
global pvh_start_info_pa
pvh_start_info_pa: dd 0

; What the 32-bit entry learned about SEV (struct sev_boot, boot/sev_boot.h).
align 8
global sev_boot_info
sev_boot_info: times SEV_BOOT_SIZE db 0

; The C-bit check value, on a page of its own, read back right after paging.
section .data.cbit_check write align=4096
global sev_cbit_check
sev_cbit_check: dq 0
	align 4096, db 0

align 16
boot_gdt:
	dq 0
	dq 0x00cf9b000000ffff   ; 0x08: 32-bit code, flat
	dq 0x00cf93000000ffff   ; 0x10: data, flat
	dq 0x00af9b000000ffff   ; 0x18: 64-bit code
boot_gdt_end:
boot_gdt_ptr:
	dw boot_gdt_end - boot_gdt - 1
	dd boot_gdt

section .bss
align 4096
global early_pml4
early_pml4: resb 4096
early_pdpt: resb 4096
early_pd:   resb 4 * 4096
early_pt:   resb 4096
align 16
boot_stack: resb BOOT_STACK_SIZE
global boot_stack_top
boot_stack_top:
