; sevsim self-test guest for the address model (docs/sevsim.md, "Address model"), modes none
; and sev. It builds long-mode tables with the C-bit CPUID 0x8000001F reports (in every
; level, as Linux does) and maps one physical page P = 8 MiB at several linear addresses:
;   0x01000000  P, C-bit set     (inside the RAM range: another page's linear address)
;   0x01001000  P, C-bit clear
;   0x01002000  Q = P + 4 KiB, C-bit set
;   0x01003000  Q, C-bit clear
;   0x40000000  P, C-bit set     (above RAM: a linear address that is no GPA at all)
;   0x40001000  P, C-bit clear
;   0x01004000  P | bit 46, C-bit clear (an "undecoded" GPA bit: the hypervisor's alias of P)
;   0x01005000  P | bit 49 | C-bit     (bit 49 >= MAXPHYADDR 48: reserved; read only with
;                                       command line "r", where the #PF has no IDT)
; and identity-maps 0..10 MiB privately (code, tables, stack, P and Q). It then writes and
; reads through those mappings and prints each value on port 0xE9 as "name=hex"; the .t
; script decides what holds. Ends with isa-debug-exit 0x10.
; Under SEV-ES/SNP (SEV_STATUS, read without #VC) it learns the C-bit through the GHCB MSR
; protocol instead of CPUID and, having no #VC handler, only checks the RMP (SNP: after
; validating its table pages, which the launch did not): PVALIDATE
; through the non-identity mapping 0x01000000 -> P, then through P's identity mapping, and
; reports EAX and CF of both as the code of an MSR-protocol termination (set 0xA):
; bit 0..1 first EAX (0 = success), bit 2 first CF, bit 3..4 second EAX, bit 5 second CF.
%include "guest.inc"

TABLES  equ 0x300000              ; PML4, PDPT, PD0 (0..1G), PT16 (16M..18M), PD1 (1G..2G), PT1G
PML4    equ TABLES
PDPT    equ TABLES + 0x1000
PD0     equ TABLES + 0x2000
PT16    equ TABLES + 0x3000
PD1     equ TABLES + 0x4000
PT1G    equ TABLES + 0x5000
P_PAGE  equ 0x800000
Q_PAGE  equ 0x801000
L_PRIV  equ 0x01000000
L_SHARE equ 0x01001000
LQ_PRIV equ 0x01002000
LQ_SHAR equ 0x01003000
L_ALIAS equ 0x01004000
L_RSVD  equ 0x01005000
H_PRIV  equ 0x40000000
H_SHARE equ 0x40001000

bits 32
PVH_NOTE

; write the 64-bit entry %2 | (C-bit when %3) at address %1 (32-bit code)
%macro ENTRY 3
	mov dword [%1], %2
	mov dword [%1 + 4], 0
%if %3
	mov eax, [cbit_hi]
	mov [%1 + 4], eax
%endif
%endmacro

global _start
_start:
	FLAT32_ENTRY stack_top
	READ_ACTION
	mov ecx, MSR_SEV_STATUS
	rdmsr
	mov [sev_status], eax
	test eax, 2                   ; SEV-ES: CPUID would raise #VC; ask the hypervisor
	jz .cpuid_cbit
	mov ecx, MSR_GHCB
	mov eax, 0x002                ; SEV information request
	xor edx, edx
	wrmsr
	VMGEXIT
	rdmsr
	shr eax, 24                   ; [31:24] C-bit
	and eax, 0x3f
	mov ecx, eax
	sub ecx, 32
	mov eax, 1
	shl eax, cl
	mov [cbit_hi], eax
	jmp .nosev
.cpuid_cbit:
	; the C-bit from CPUID 0x8000001F EBX[5:0] when SEV is on (EAX bit 1), as a mask of
	; the high dword (bits 32..51)
	mov eax, 0x80000000
	cpuid
	cmp eax, 0x8000001f
	jb .nosev
	mov eax, 0x8000001f
	cpuid
	test eax, 2
	jz .nosev
	mov ecx, ebx
	and ecx, 0x3f
	sub ecx, 32
	mov eax, 1
	shl eax, cl
	mov [cbit_hi], eax
.nosev:
	; SNP: the table pages are RAM the launch did not validate (a C=1 write would be #VC 0x404)
	test dword [sev_status], 4
	jz .tables
	mov esi, TABLES
.pv:	mov eax, esi
	xor ecx, ecx
	mov edx, 1
	db 0xf2, 0x0f, 0x01, 0xff     ; PVALIDATE (paging off: the GPA)
	add esi, 0x1000
	cmp esi, TABLES + 0x6000
	jb .pv
.tables:
	; zero the six table pages
	mov edi, TABLES
	mov ecx, 6 * 1024
	xor eax, eax
	rep stosd
	ENTRY PML4, PDPT | 3, 1
	ENTRY PDPT, PD0 | 3, 1
	ENTRY PDPT + 8, PD1 | 3, 1
	; identity 0..10 MiB, 2 MiB pages, private
	ENTRY PD0 + 0 * 8, 0x000000 | 0x83, 1
	ENTRY PD0 + 1 * 8, 0x200000 | 0x83, 1
	ENTRY PD0 + 2 * 8, 0x400000 | 0x83, 1
	ENTRY PD0 + 3 * 8, 0x600000 | 0x83, 1
	ENTRY PD0 + 4 * 8, 0x800000 | 0x83, 1
	ENTRY PD0 + 8 * 8, PT16 | 3, 1
	ENTRY PT16 + 0 * 8, P_PAGE | 3, 1
	ENTRY PT16 + 1 * 8, P_PAGE | 3, 0
	ENTRY PT16 + 2 * 8, Q_PAGE | 3, 1
	ENTRY PT16 + 3 * 8, Q_PAGE | 3, 0
	ENTRY PT16 + 4 * 8, P_PAGE | 3, 0
	mov dword [PT16 + 4 * 8 + 4], 1 << (46 - 32)
	ENTRY PT16 + 5 * 8, P_PAGE | 3, 1
	or dword [PT16 + 5 * 8 + 4], 1 << (49 - 32)
	ENTRY PD1, PT1G | 3, 1
	ENTRY PT1G + 0 * 8, P_PAGE | 3, 1
	ENTRY PT1G + 1 * 8, P_PAGE | 3, 0
	; long mode: CR3 (with the C-bit), PAE, EFER.LME, PG
	LONG_MODE_ON PML4             ; 32-bit: no C-bit in CR3 yet
	jmp 0x08:long_entry

bits 64
long_entry:
	LOAD_DATA_SEGS
	test dword [rel sev_status], 2
	jz .not_es
	jmp rmp_check
.not_es:
	; CR3 again, now with the C-bit as an SEV guest writes it; read it back
	mov eax, [rel cbit_hi]
	shl rax, 32
	or rax, PML4
	mov cr3, rax
	mov rax, cr3
	lea rsi, [rel s_cr3]
	call print_kv

	mov rax, 0x1122334455667788
	mov [L_PRIV], rax             ; private write through a non-identity mapping
	mov rax, [P_PAGE]
	lea rsi, [rel s_ident]
	call print_kv
	mov rax, [H_PRIV]
	lea rsi, [rel s_high]
	call print_kv
	mov rax, [L_SHARE]
	lea rsi, [rel s_shlow]
	call print_kv
	mov rax, [H_SHARE]
	lea rsi, [rel s_shhigh]
	call print_kv
	mov rax, 0x1122334455667788
	mov [LQ_PRIV], rax
	mov rax, [LQ_SHAR]
	lea rsi, [rel s_shq]
	call print_kv
	cmp dword [rel cbit_hi], 0    ; no SEV: no alias to read
	je .noalias
	mov rax, [L_ALIAS]
	lea rsi, [rel s_alias]
	call print_kv
.noalias:
	cmp byte [rel action], 'r'
	jne .nor
	mov rax, [L_RSVD]             ; #PF (reserved bit), no IDT: triple fault
.nor:
	mov rax, 0x0102030405060708
	mov [H_SHARE], rax            ; a shared write (above RAM)
	mov rax, [L_SHARE]
	lea rsi, [rel s_wshared]
	call print_kv
	mov rax, [L_PRIV]
	lea rsi, [rel s_wpriv]
	call print_kv
	DEBUG_EXIT 0x10

; SEV-ES/SNP: PVALIDATE P through two linear addresses, report through termination
rmp_check:
	mov edi, 0x40                 ; SEV-ES without SNP: no RMP (PVALIDATE would be #UD)
	test dword [rel sev_status], 4
	jz .report
	mov rax, L_PRIV
	xor ecx, ecx                  ; 4 KiB
	mov edx, 1                    ; validate
	db 0xf2, 0x0f, 0x01, 0xff     ; PVALIDATE
	setc bl
	and eax, 3
	mov edi, eax
	movzx ebx, bl
	shl ebx, 2
	or edi, ebx
	mov rax, P_PAGE               ; the same physical page, identity mapped
	xor ecx, ecx
	mov edx, 1
	db 0xf2, 0x0f, 0x01, 0xff
	setc bl
	and eax, 3
	shl eax, 3
	or edi, eax
	movzx ebx, bl
	shl ebx, 5
	or edi, ebx
.report:
	mov ecx, MSR_GHCB
	mov eax, edi
	shl eax, 16
	or eax, 0x100 | (0xA << 12)   ; termination: set 0xA, code = the bits above
	xor edx, edx
	wrmsr
	VMGEXIT
.hang:	hlt
	jmp .hang

; print "<rsi string>=<rax as 16 hex digits>\n" on port 0xE9
print_kv:
	mov rdx, rax
.s:	lodsb
	test al, al
	jz .h
	out 0xe9, al
	jmp .s
.h:	mov al, '='
	out 0xe9, al
	mov ecx, 16
.d:	rol rdx, 4
	mov al, dl
	and al, 15
	add al, '0'
	cmp al, '9'
	jbe .o
	add al, 'a' - '0' - 10
.o:	out 0xe9, al
	loop .d
	mov al, 10
	out 0xe9, al
	ret

section .data
DEFINE_GDT 0
cbit_hi: dd 0
sev_status: dd 0
action:  db 0
s_alias:   db "alias", 0
s_cr3:     db "cr3", 0
s_ident:   db "ident", 0
s_high:    db "high", 0
s_shlow:   db "shared_low", 0
s_shhigh:  db "shared_high", 0
s_shq:     db "shared_q", 0
s_wshared: db "after_shared_write_shared", 0
s_wpriv:   db "after_shared_write_private", 0

section .bss
align 16
	resb 4096
stack_top:
