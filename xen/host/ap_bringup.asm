; SPDX-License-Identifier: MIT
; Reference init code of the Xen AP bring-up page, version 1 (docs/abi.md,
; "The Xen AP bring-up page"; include/xen/ap_bringup.h has the offsets).
; A toolstack embeds the bytes of build/xen/host/ap_bringup.bin unchanged at
; code_offset and puts their SHA-256 in the header. Assemble: nasm -f bin.
;
; Launch state (the same for every AP but two registers): 32-bit protected
; mode, paging off, flat CS/DS/ES/SS/FS/GS, EIP = page + entry_offset,
; EBX = guest-physical address of the page (its header), ESI = vCPU id.
; It takes no stack and raises no exception and no #VC (no CPUID, no I/O, no
; MSR but EFER: SEV-ES intercepts neither its read nor, but as a trap-type
; exit after it completed, its write).
; It writes only its own slot (and the header's stray_vcpu for a vCPU that
; has none), so any number of APs may run it at once.
bits 32
org 0

; header (offsets from the page)
%define H_CODE_OFFSET 0x0c
%define H_NR_SLOTS    0x1c
%define H_SLOT_OFFSET 0x14
%define H_STRAY_VCPU  0x40
; slot (128 bytes each)
%define S_STATE     0x00
%define S_FLAGS     0x04
%define S_CR3       0x08
%define S_CR4       0x10
%define S_EFER      0x18
%define S_CR0       0x20
%define S_CS        0x28
%define S_DS        0x2a
%define S_GDT_LIMIT 0x2e
%define S_GDT_BASE  0x30
%define S_RIP       0x38
%define S_RSP       0x40
%define S_RDI       0x48
%define S_DETAIL    0x50
%define S_FAR       0x58
%define SLOT_SHIFT  7
; slot states
%define ST_ARMED     0x01
%define ST_RUNNING   0x02
%define ST_LEFT      0x03
%define ST_NOT_ARMED 0xe1
%define ST_RANGE     0xe2
%define ST_FLAGS     0xe3
%define F_LONG_MODE  1

entry:
	cli
	cld
	cmp esi, [ebx + H_NR_SLOTS]
	jae no_slot
	mov ebp, esi
	shl ebp, SLOT_SHIFT
	add ebp, [ebx + H_SLOT_OFFSET]
	add ebp, ebx                            ; EBP = this vCPU's slot
	mov eax, [ebp + S_STATE]
	cmp eax, ST_ARMED
	jne not_armed
	mov dword [ebp + S_STATE], ST_RUNNING
	mov eax, [ebp + S_FLAGS]
	test eax, ~F_LONG_MODE
	jnz bad_flags
	; fields this mode cannot load: the high halves must be 0
	mov ecx, S_CR3
	cmp dword [ebp + S_CR3 + 4], 0
	jne bad_range
	mov ecx, S_GDT_BASE
	cmp dword [ebp + S_GDT_BASE + 4], 0
	jne bad_range
	test eax, F_LONG_MODE
	jnz .load
	mov ecx, S_RIP
	cmp dword [ebp + S_RIP + 4], 0
	jne bad_range
	mov ecx, S_RSP
	cmp dword [ebp + S_RSP + 4], 0
	jne bad_range
	mov ecx, S_RDI
	cmp dword [ebp + S_RDI + 4], 0
	jne bad_range
.load:
	lgdt [ebp + S_GDT_LIMIT]
	mov eax, [ebp + S_CR4]
	mov cr4, eax
	mov eax, [ebp + S_CR3]
	mov cr3, eax
	mov ecx, 0xc0000080                     ; EFER |= slot.efer: keeps the launch
	rdmsr                                   ; bits (SVME under SEV-ES)
	or eax, [ebp + S_EFER]
	or edx, [ebp + S_EFER + 4]
	wrmsr
	mov eax, [ebp + S_CR0]
	mov cr0, eax                            ; paging on with EFER.LME: compatibility mode
	movzx eax, word [ebp + S_CS]
	mov [ebp + S_FAR + 4], eax
	test dword [ebp + S_FLAGS], F_LONG_MODE
	jnz .long
	mov eax, [ebp + S_RIP]
	mov [ebp + S_FAR], eax
	mov esp, [ebp + S_RSP]
	mov edi, [ebp + S_RDI]
	mov ax, [ebp + S_DS]
	mov ds, ax                              ; DS last: it must be flat (base 0)
	mov es, ax
	mov fs, ax
	mov gs, ax
	mov ss, ax
	mov dword [ebp + S_STATE], ST_LEFT
	jmp far [ebp + S_FAR]
.long:
	mov eax, [ebx + H_CODE_OFFSET]
	lea eax, [ebx + eax + tail64]           ; this code runs at page + code_offset
	mov [ebp + S_FAR], eax
	jmp far [ebp + S_FAR]

bits 64
tail64:
	mov ebp, ebp                            ; upper halves are undefined after the switch
	mov ax, [rbp + S_DS]
	mov ds, ax
	mov es, ax
	mov fs, ax
	mov gs, ax
	mov ss, ax
	mov rsp, [rbp + S_RSP]
	mov rdi, [rbp + S_RDI]
	mov rax, [rbp + S_RIP]
	mov esi, esi
	mov ebx, ebx
	mov dword [rbp + S_STATE], ST_LEFT      ; the last access to the slot
	jmp rax

bits 32
not_armed:
	mov [ebp + S_DETAIL], eax
	mov dword [ebp + S_DETAIL + 4], 0
	mov dword [ebp + S_STATE], ST_NOT_ARMED
	jmp halt
bad_flags:
	mov [ebp + S_DETAIL], eax
	mov dword [ebp + S_DETAIL + 4], 0
	mov dword [ebp + S_STATE], ST_FLAGS
	jmp halt
bad_range:
	mov [ebp + S_DETAIL], ecx
	mov dword [ebp + S_DETAIL + 4], 0
	mov dword [ebp + S_STATE], ST_RANGE
	jmp halt
no_slot:
	lea eax, [esi + 1]
	mov [ebx + H_STRAY_VCPU], eax
halt:
	hlt
	jmp halt
