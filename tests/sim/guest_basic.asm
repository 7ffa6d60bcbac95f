; sevsim self-test guest for modes none and sev: stays in 32-bit protected mode, prints
; what it finds at the PVH entry (registers, hvm_start_info, memory map, modules, CPUID,
; SEV_STATUS) to port 0xE9, then ends the way the first character of its command line
; asks: p = SCHEDOP_shutdown poweroff (default), c = crash, d = isa-debug-exit 0x10,
; e = isa-debug-exit 0x11, h = cli; hlt, u = ud2 without an IDT (triple fault),
; l = endless loop (timeout), x = console_io hypercall from private memory, then poweroff.
%include "guest.inc"
bits 32
PVH_NOTE

global _start
_start:
	mov [entry_ebx], ebx
	mov [entry_esp], esp
	mov esp, stack_top
	pushfd
	pop dword [entry_eflags]
	mov eax, cr0
	mov [entry_cr0], eax
	mov eax, cr4
	mov [entry_cr4], eax
	mov eax, cs
	mov [entry_cs], eax

	mov esi, s_entry
	call puts
	mov eax, [entry_ebx]
	call hex
	mov esi, s_cr0
	call puts
	mov eax, [entry_cr0]
	call hex
	mov esi, s_cr4
	call puts
	mov eax, [entry_cr4]
	call hex
	mov esi, s_eflags
	call puts
	mov eax, [entry_eflags]
	call hex
	call nl

	; hvm_start_info
	mov ebx, [entry_ebx]
	mov esi, s_magic
	call puts
	mov eax, [ebx]
	call hex
	mov esi, s_version
	call puts
	mov eax, [ebx + 4]
	call hex
	mov esi, s_flags
	call puts
	mov eax, [ebx + 8]
	call hex
	mov esi, s_nrmod
	call puts
	mov eax, [ebx + 12]
	call hex
	mov esi, s_mmn
	call puts
	mov eax, [ebx + 0x30]
	call hex
	call nl

	mov esi, [ebx + 0x18]
	test esi, esi
	jz .nocmd
	push esi
	mov esi, s_cmdline
	call puts
	pop esi
	mov al, [esi]
	mov [action], al
	call puts
	call nl
.nocmd:
	; memory map
	mov ecx, [ebx + 0x30]
	mov edi, [ebx + 0x28]
.mm:	test ecx, ecx
	jz .mmdone
	mov esi, s_memmap
	call puts
	mov eax, [edi + 4]
	call hex
	mov eax, [edi]
	call hex
	mov al, ' '
	call putc
	mov eax, [edi + 12]
	call hex
	mov eax, [edi + 8]
	call hex
	mov al, ' '
	call putc
	mov eax, [edi + 16]
	call hex
	call nl
	add edi, 24
	dec ecx
	jmp .mm
.mmdone:
	; modules
	mov ecx, [ebx + 12]
	mov edi, [ebx + 0x10]
.mod:	test ecx, ecx
	jz .moddone
	mov esi, s_module
	call puts
	mov eax, [edi]
	call hex
	mov al, ' '
	call putc
	mov eax, [edi + 8]
	call hex
	mov al, ' '
	call putc
	mov esi, [edi]            ; first 4 bytes of the module, as text
	mov eax, [esi]
	mov [modhead], eax
	mov esi, modhead
	call puts
	mov al, ' '
	call putc
	mov esi, [edi + 16]
	test esi, esi
	jz .modnl
	call puts
.modnl:	call nl
	add edi, 32
	dec ecx
	jmp .mod
.moddone:
	; CPUID: Xen signature, SEV leaf, extended features
	mov eax, 0x40000000
	cpuid
	mov [sig], ebx
	mov [sig + 4], ecx
	mov [sig + 8], edx
	mov esi, s_xen
	call puts
	mov esi, sig
	call puts
	call nl
	mov esi, s_sevleaf
	call puts
	mov eax, 0x8000001f
	cpuid
	push ebx
	call hex
	mov al, ' '
	call putc
	pop eax
	call hex
	call nl
	mov esi, s_ext1
	call puts
	mov eax, 0x80000001
	cpuid
	mov eax, edx
	call hex
	call nl
	mov esi, s_status
	call puts
	mov ecx, MSR_SEV_STATUS
	rdmsr
	call hex
	call nl

	; the end
	mov al, [action]
	cmp al, 'c'
	je .crash
	cmp al, 'd'
	je .dexit
	cmp al, 'e'
	je .dexit_fail
	cmp al, 'h'
	je .halt
	cmp al, 'u'
	je .ud
	cmp al, 'l'
	je .loop
	cmp al, 'x'
	je .console
.poweroff:
	mov dword [reason], 0
	jmp shutdown
.crash:
	mov dword [reason], 3
	jmp shutdown
.dexit:
	DEBUG_EXIT 0x10
.dexit_fail:
	DEBUG_EXIT 0x11
.halt:
	cli
	hlt
	jmp .halt
.ud:
	ud2
.loop:
	jmp .loop
.console:
	mov eax, 18               ; console_io
	mov ebx, 0                ; CONSOLEIO_write
	mov ecx, s_hc_len
	mov edx, s_hc
	VMMCALL
	mov [hcret], eax
	mov esi, s_hcret
	call puts
	mov eax, [hcret]
	call hex
	call nl
	jmp .poweroff

shutdown:
	mov eax, 29               ; sched_op (32-bit ABI: EBX, ECX)
	mov ebx, 2                ; SCHEDOP_shutdown
	mov ecx, reason
	VMMCALL
	mov esi, s_back
	call puts
	DEBUG_EXIT 0x11

; ---- console helpers (port 0xE9) ----
putc:	out 0xe9, al
	ret
nl:	mov al, 10
	jmp putc
puts:	push eax
.l:	lodsb
	test al, al
	jz .d
	out 0xe9, al
	jmp .l
.d:	pop eax
	ret
hex:	push ecx
	push eax
	mov ecx, 8
.h:	rol eax, 4
	push eax
	and al, 0xf
	add al, '0'
	cmp al, '9'
	jbe .o
	add al, 'a' - '0' - 10
.o:	out 0xe9, al
	pop eax
	loop .h
	pop eax
	pop ecx
	ret

section .data
s_entry:   db "entry ebx=", 0
s_cr0:     db " cr0=", 0
s_cr4:     db " cr4=", 0
s_eflags:  db " eflags=", 0
s_magic:   db "start_info magic=", 0
s_version: db " version=", 0
s_flags:   db " flags=", 0
s_nrmod:   db " nr_modules=", 0
s_mmn:     db " memmap_entries=", 0
s_cmdline: db "cmdline=", 0
s_memmap:  db "memmap ", 0
s_module:  db "module ", 0
s_xen:     db "cpuid 40000000=", 0
s_sevleaf: db "cpuid 8000001f=", 0
s_ext1:    db "cpuid 80000001.edx=", 0
s_status:  db "sev_status=", 0
s_back:    db "shutdown returned", 10, 0
s_hcret:   db "console_io returned ", 0
s_hc:      db "hello through console_io", 10
s_hc_len   equ $ - s_hc
action:    db 'p'
align 4
reason:    dd 0
hcret:     dd 0
entry_ebx: dd 0
entry_esp: dd 0
entry_eflags: dd 0
entry_cr0: dd 0
entry_cr4: dd 0
entry_cs:  dd 0
sig:       times 4 dd 0
modhead:   dd 0, 0
section .bss
alignb 16
	resb 4096
stack_top:
