; tests/xen/pvh-payload.asm: the smallest PVH kernel, as a payload for cocoboot to
; chainload under real Xen (tests/xen/module.t). Entered like any PVH kernel (32-bit
; protected mode, paging off, EBX = hvm_start_info; docs/misc/pvh.pandoc), it reports
; on port 0xe9 what start_info it got, then halts with interrupts off, which ends a
; one-vCPU Xen domain as a poweroff.
;
; Linked at 8 MiB (tests/xen/pvh-payload.ld), clear of cocoboot at 1 MiB.
bits 32

section .text
global pvh_payload_start
pvh_payload_start:
	cli
	mov esp, stack_top
	mov esi, msg_entry
	call puts
	cmp dword [ebx], 0x336ec578     ; XEN_HVM_START_MAGIC_VALUE
	jne .bad
	mov esi, msg_magic
	call puts
	mov eax, [ebx + 0x0c]           ; nr_modules
	call putdec
	mov esi, msg_cmdline
	call puts
	mov esi, [ebx + 0x18]           ; cmdline_paddr (below 4 GiB here)
	test esi, esi
	jz .nocmd
	call puts
.nocmd:
	mov esi, msg_end
	call puts
	jmp .halt
.bad:
	mov esi, msg_bad
	call puts
.halt:
	cli
	hlt
	jmp .halt

; esi = NUL-terminated string -> port 0xe9
puts:
	lodsb
	test al, al
	jz .done
	out 0xe9, al
	jmp puts
.done:
	ret

; eax = 0..99 -> decimal on port 0xe9
putdec:
	xor edx, edx
	mov ecx, 10
	div ecx
	test eax, eax
	jz .units
	add al, '0'
	out 0xe9, al
.units:
	mov al, dl
	add al, '0'
	out 0xe9, al
	ret

section .rodata
msg_entry:   db "pvh-payload: entered through the PVH entry point", 10, 0
msg_magic:   db "pvh-payload: start_info magic ok, modules=", 0
msg_cmdline: db " cmdline=", 0
msg_end:     db 10, "pvh-payload: halting", 10, 0
msg_bad:     db "pvh-payload: BAD start_info magic", 10, 0

; XEN_ELFNOTE_PHYS32_ENTRY (18): name "Xen", 4-byte physical entry point.
section .note.Xen note alloc
	dd 4, 4, 18
	db "Xen", 0
	dd pvh_payload_start

section .bss
	resb 4096
stack_top:
