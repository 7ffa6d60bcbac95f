; sevsim self-test guest for the CPU model (modes none and sev): RDRAND, #UD for undefined
; opcodes, and the cache model (a page whose C-bit changes with and without a flush).
; 32-bit PVH entry; identity page tables for 0-1 GiB (2 MiB pages, the C-bit from CPUID
; 0x8000001F in mode sev) except the 2 MiB at 2 MiB, which has 4 KiB pages so one page
; (TPAGE) can change its C-bit; long mode; a 64-bit IDT for vectors 0-31.
; The command line picks the test (first character), and prints on port 0xE9:
;   u  every opcode of ud_table in 64-bit mode: "ud64 N vec V rip R" per opcode (or
;      "ud64 N none")
;   r  RDRAND: 8 times "rdrand32 VALUE CF", then one 64-bit and one 16-bit form
;   cX cache test: X = n (no flush), f (CLFLUSH of every line through the old mapping),
;      w (WBINVD), a (CLFLUSH of every line, but through the new mapping, after the
;      change): private write, flip to shared, shared write, port exit, read back;
;      then the reverse; prints "cache p2s ok|corrupt" and "cache s2p ok|corrupt"
;   s  an exception in ring 3 (UD2 after IRETQ to CPL 3): the handler prints "ring3 vec V
;      cs C ss S" with the CS and SS the CPU pushed, and ends the run
; and ends with isa-debug-exit 0x10.
%include "guest.inc"

PT_BASE  equ 0x300000             ; PML4, PDPT, PD (1 GiB), PT for the 2 MiB at 2 MiB
TPAGE    equ 0x205000             ; the page whose C-bit the cache test changes
TPTE     equ PT_BASE + 0x3000 + ((TPAGE - 0x200000) >> 12) * 8

bits 32
PVH_NOTE

global _start
_start:
	mov esp, stack_top
	mov esi, [ebx + 0x18]
	test esi, esi
	jz .nocmd
	mov al, [esi]
	mov [action], al
	mov al, [esi + 1]
	mov [action + 1], al
.nocmd:
	; C-bit: CPUID 0x8000001F EBX[5:0] when SEV_STATUS says SEV (mode sev)
	mov ecx, MSR_SEV_STATUS
	rdmsr
	test eax, 1
	jz .nosev
	mov eax, 0x8000001f
	cpuid
	and ebx, 0x3f
	sub ebx, 32
	mov ecx, ebx
	mov eax, 1
	shl eax, cl
	mov [cmask_hi], eax
.nosev:
	call build_tables
	mov eax, cr4
	or eax, 0x20
	mov cr4, eax
	mov eax, PT_BASE
	mov cr3, eax
	mov ecx, 0xC0000080
	rdmsr
	or eax, 0x100
	wrmsr
	mov eax, cr0
	or eax, 0x80000000
	mov cr0, eax
	lgdt [gdt_desc]
	jmp 0x08:long_entry

; identity map 0-1 GiB, C-bit in the high dword of every entry
build_tables:
	mov edi, PT_BASE
	mov ecx, 4 * 1024
	xor eax, eax
	rep stosd
	mov edx, [cmask_hi]
	mov dword [PT_BASE], PT_BASE + 0x1007
	mov [PT_BASE + 4], edx
	mov dword [PT_BASE + 0x1000], PT_BASE + 0x2007
	mov [PT_BASE + 0x1004], edx
	xor ecx, ecx
.pd:	mov eax, ecx
	shl eax, 21
	or eax, 0x87                    ; user-accessible: the ring-3 test runs here
	mov [PT_BASE + 0x2000 + ecx * 8], eax
	mov [PT_BASE + 0x2004 + ecx * 8], edx
	inc ecx
	cmp ecx, 512
	jb .pd
	mov dword [PT_BASE + 0x2008], PT_BASE + 0x3007   ; 2 MiB..4 MiB in 4 KiB pages
	xor ecx, ecx
.pt:	mov eax, ecx
	shl eax, 12
	add eax, 0x200007
	mov [PT_BASE + 0x3000 + ecx * 8], eax
	mov [PT_BASE + 0x3004 + ecx * 8], edx
	inc ecx
	cmp ecx, 512
	jb .pt
	ret

bits 64
long_entry:
	mov eax, 0x10
	mov ds, eax
	mov es, eax
	mov ss, eax
	mov rsp, stack_top
	; IDT: vectors 0-31 to exc_N stubs
	xor ecx, ecx
.gate:	lea rax, [exc_stubs + rcx * 8]
	mov rdi, rcx
	shl rdi, 4
	add rdi, idt64
	mov [rdi], ax
	mov word [rdi + 2], 0x08
	mov word [rdi + 4], 0x8e00
	shr rax, 16
	mov [rdi + 6], ax
	shr rax, 16
	mov [rdi + 8], eax
	mov dword [rdi + 12], 0
	inc ecx
	cmp ecx, 32
	jb .gate
	lidt [idt64_desc]

	mov al, [action]
	cmp al, 'u'
	je test_ud
	cmp al, 'r'
	je test_rdrand
	cmp al, 'c'
	je test_cache
	cmp al, 's'
	je test_ring3
	jmp finish

finish:
	mov al, 0x10
	out 0xf4, al
.h:	hlt
	jmp .h

; ---- exceptions: record the vector and RIP, resume at [recover] ----
exc_common:                        ; [rsp] = vector, then the CPU frame (with error code or not)
	pop rax
	mov [exc_vec], rax
	cmp eax, 8
	je .err
	cmp eax, 10
	jb .noerr
	cmp eax, 14
	jbe .err
	cmp eax, 17
	je .err
	cmp eax, 21
	je .err
	cmp eax, 29
	je .err
	jmp .noerr
.err:	add rsp, 8
.noerr:	mov rax, [rsp]
	mov [exc_rip], rax
	mov rax, [rsp + 8]
	mov [exc_cs], rax
	mov rax, [rsp + 32]
	mov [exc_ss], rax
	test byte [rsp + 8], 3
	jz .ring0
	jmp test_ring3.back             ; from ring 3: report without returning (docs/sevsim.md:
					; sevsim cannot give Unicorn the ring-0 SS/CPL back)
.ring0:
	mov rax, [recover]
	mov [rsp], rax
	mov qword [rsp + 8], 0x08      ; back to 64-bit code
	iretq

align 8
exc_stubs:
%assign v 0
%rep 32
	push v                         ; 2 bytes
	jmp near exc_common            ; 5 bytes
	nop
%assign v v + 1
%endrep

; ---- u: #UD for undefined opcodes ----
test_ud:
	xor ebx, ebx
.next:
	cmp ebx, ud_count
	jae .compat
	mov qword [exc_vec], -1
	lea rax, [rel .back]
	mov [recover], rax
	mov rax, [ud_table + rbx * 8]
	jmp rax
.back:
	mov rsi, s_ud64
	call puts
	mov eax, ebx
	call hex
	call report_exc
	inc ebx
	jmp .next
.compat:
	jmp finish

; " vec V rip R\n" or " none\n"
report_exc:
	cmp qword [exc_vec], -1
	jne .some
	mov rsi, s_none
	call puts
	ret
.some:	mov rsi, s_vec
	call puts
	mov eax, [exc_vec]
	call hex
	mov rsi, s_rip
	call puts
	mov eax, [exc_rip]
	call hex
	mov al, 10
	out 0xe9, al
	ret

ud_missed:                          ; an opcode that did not fault runs into here
	jmp [recover]

%macro UDT 1+
%%s:	db %1
	times 16 db 0x90
	jmp ud_missed
[section .data]
	dq %%s
__SECT__
%endmacro

; opcodes that are undefined in 64-bit mode (AMD APM vol. 3, "Instructions invalid in
; 64-bit mode" and the opcode map's undefined slots)
[section .data]
align 8
ud_table:
__SECT__
	UDT 0xea, 0, 0, 0, 0, 0x08, 0  ; JMP FAR ptr16:32
	UDT 0x9a, 0, 0, 0, 0, 0x08, 0  ; CALL FAR ptr16:32
	UDT 0x06                       ; PUSH ES
	UDT 0x07                       ; POP ES
	UDT 0x0e                       ; PUSH CS
	UDT 0x16                       ; PUSH SS
	UDT 0x17                       ; POP SS
	UDT 0x1e                       ; PUSH DS
	UDT 0x1f                       ; POP DS
	UDT 0x27                       ; DAA
	UDT 0x2f                       ; DAS
	UDT 0x37                       ; AAA
	UDT 0x3f                       ; AAS
	UDT 0x60                       ; PUSHA
	UDT 0x61                       ; POPA
	UDT 0x82, 0xc0, 0x01           ; group 1 alias
	UDT 0xce                       ; INTO
	UDT 0xd4, 0x0a                 ; AAM
	UDT 0xd5, 0x0a                 ; AAD
	UDT 0xd6                       ; SALC (undefined in 64-bit mode)
	UDT 0x0f, 0x0b                 ; UD2
	UDT 0x0f, 0xb9, 0xc0           ; UD1
	UDT 0x0f, 0xff, 0xc0           ; UD0
	UDT 0x0f, 0x04                 ; reserved
	UDT 0x0f, 0x0a                 ; reserved
	UDT 0x0f, 0x0c                 ; reserved
	UDT 0x0f, 0x24, 0xc0           ; MOV r, TR (gone)
	UDT 0x0f, 0x26, 0xc0           ; MOV TR, r (gone)
	UDT 0x0f, 0x36                 ; reserved
	UDT 0x0f, 0xa6, 0xc0           ; reserved (old XBTS)
	UDT 0x0f, 0xa7, 0xc0           ; reserved (old IBTS)
	UDT 0xfe, 0xf8                 ; group 4 /7
	UDT 0xff, 0xf8                 ; group 5 /7
	UDT 0x8d, 0xc0                 ; LEA with a register operand
	UDT 0xc4, 0xc0                 ; LES (invalid in 64-bit mode; a VEX prefix without AVX)
[section .data]
ud_count equ ($ - ud_table) / 8
__SECT__


; ---- r: RDRAND ----
test_rdrand:
	lea rax, [rel finish_ud]
	mov [recover], rax
	mov ebx, 8
.loop:	mov rsi, s_rd32
	call puts
	rdrand eax
	setc cl
	call hex
	call space_cf
	dec ebx
	jnz .loop
	mov rsi, s_rd64
	call puts
	rdrand rax
	setc cl
	mov rdx, rax
	shr rax, 32
	call hex
	mov eax, edx
	call hex
	call space_cf
	mov rsi, s_rd16
	call puts
	mov eax, 0xabcd0000
	rdrand ax
	setc cl
	call hex
	call space_cf
	jmp finish
finish_ud:
	mov rsi, s_rdud
	call puts
	call report_exc
	jmp finish

space_cf:                           ; " CF\n" with CF = cl
	mov al, ' '
	out 0xe9, al
	mov al, cl
	add al, '0'
	out 0xe9, al
	mov al, 10
	out 0xe9, al
	ret

; ---- cX: the cache model ----
; one line = 64 bytes; TPAGE has 64 of them
; CLFLUSH every line of TPAGE when the test letter is %1
%macro CLFLUSH_TPAGE_IF 1
	cmp byte [action + 1], %1
	jne %%no
	mov rax, TPAGE
%%l:	clflush [rax]
	add rax, 64
	cmp rax, TPAGE + 4096
	jb %%l
%%no:
%endmacro

%macro FLUSH_AFTER 0
	CLFLUSH_TPAGE_IF 'a'
%endmacro

%macro FLUSH_TPAGE 0
	CLFLUSH_TPAGE_IF 'f'
	cmp byte [action + 1], 'w'
	jne %%now
	wbinvd
%%now:
%endmacro

test_cache:
	; private -> shared
	mov rdi, TPAGE
	mov rax, 0x1111111111111111
	mov ecx, 512
	rep stosq
	FLUSH_TPAGE
	mov eax, [cmask_hi]
	not eax
	and [TPTE + 4], eax             ; C-bit off: shared
	invlpg [TPAGE]
	FLUSH_AFTER
	mov rdi, TPAGE
	mov rax, 0x2222222222222222
	mov ecx, 512
	rep stosq
	mov rsi, s_cache_p2s
	call puts                       ; port exits: the hypervisor runs
	mov rdx, 0x2222222222222222
	call check_tpage
	; shared -> private
	FLUSH_TPAGE
	mov eax, [cmask_hi]
	or [TPTE + 4], eax              ; C-bit on: private
	invlpg [TPAGE]
	FLUSH_AFTER
	mov rdi, TPAGE
	mov rax, 0x3333333333333333
	mov ecx, 512
	rep stosq
	mov rsi, s_cache_s2p
	call puts
	mov rdx, 0x3333333333333333
	call check_tpage
	jmp finish

check_tpage:                        ; "ok\n" if all of TPAGE holds rdx, else "corrupt\n"
	mov rsi, TPAGE
	mov ecx, 512
.c:	cmp [rsi], rdx
	jne .bad
	add rsi, 8
	dec ecx
	jnz .c
	mov rsi, s_ok
	call puts
	ret
.bad:	mov rsi, s_corrupt
	call puts
	ret

; ---- s: an exception from ring 3 ----
test_ring3:
	; TSS: RSP0 = stack_top
	mov rax, tss
	mov qword [tss + 4], stack_top
	mov word [gdt + 0x30], 103      ; limit
	mov [gdt + 0x32], ax            ; base 15:0
	shr rax, 16
	mov [gdt + 0x34], al            ; base 23:16
	mov byte [gdt + 0x35], 0x89     ; present, 64-bit TSS (available)
	mov [gdt + 0x37], ah            ; base 31:24
	mov ax, 0x30
	ltr ax
	lea rax, [rel .back]
	mov [recover], rax
	push 0x23                       ; SS: user data, RPL 3
	push user_stack_top
	push 0x2
	push 0x2b                       ; CS: user code, RPL 3
	push user_code
	iretq
.back:
	mov rsi, s_ring3
	call puts
	mov rsi, s_vec
	call puts
	mov eax, [exc_vec]
	call hex
	mov rsi, s_cs
	call puts
	mov eax, [exc_cs]
	call hex
	mov rsi, s_ss
	call puts
	mov eax, [exc_ss]
	call hex
	mov al, 10
	out 0xe9, al
	jmp finish
user_code:
	ud2

; ---- output ----
puts:
	lodsb
	test al, al
	jz .d
	out 0xe9, al
	jmp puts
.d:	ret

hex:                                ; eax as 8 hex digits (keeps ecx/ebx)
	push rcx
	push rbx
	mov ebx, eax
	mov ecx, 8
.h:	rol ebx, 4
	mov eax, ebx
	and eax, 15
	mov al, [hexdigits + rax]
	out 0xe9, al
	dec ecx
	jnz .h
	pop rbx
	pop rcx
	ret

section .data
align 16
gdt:
	dq 0
	dq 0x00af9b000000ffff          ; 0x08 64-bit code
	dq 0x00cf93000000ffff          ; 0x10 data
	dq 0x00cf9b000000ffff          ; 0x18 32-bit code
	dq 0x00cff3000000ffff          ; 0x20 user data (DPL 3)
	dq 0x00affb000000ffff          ; 0x28 user 64-bit code (DPL 3)
	dq 0, 0                        ; 0x30 TSS, filled in by test_ring3
gdt_end:
gdt_desc:
	dw gdt_end - gdt - 1
	dd gdt
align 8
idt64_desc:
	dw 32 * 16 - 1
	dq idt64
hexdigits: db "0123456789abcdef"
s_ud64: db "ud64 ", 0
s_none: db " none", 10, 0
s_vec: db " vec ", 0
s_rip: db " rip ", 0
s_rd32: db "rdrand32 ", 0
s_rd64: db "rdrand64 ", 0
s_rd16: db "rdrand16 ", 0
s_rdud: db "rdrand", 0
s_cache_p2s: db "cache p2s ", 0
s_cache_s2p: db "cache s2p ", 0
s_ok: db "ok", 10, 0
s_ring3: db "ring3", 0
s_cs: db " cs ", 0
s_ss: db " ss ", 0
s_corrupt: db "corrupt", 10, 0
action: db 0, 0
align 8
cmask_hi: dd 0
recover: dq 0
exc_vec: dq 0
exc_rip: dq 0
exc_cs: dq 0
exc_ss: dq 0

section .bss
alignb 16
tss: resb 104
alignb 16
user_stack: resb 4096
user_stack_top:
idt64: resb 32 * 16
stack: resb 8192
stack_top:
