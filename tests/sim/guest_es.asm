; sevsim self-test guest for SEV-ES / SEV-SNP. It does what an SEV-ES guest must:
;  32-bit, paging off: GHCB MSR protocol (SEV information, CPUID, GPA requests, HV
;    features, VMPL), a 32-bit IDT whose #VC handler serves CPUID through the MSR protocol;
;  then identity page tables with the C-bit (a 2 MiB shared window at 4 MiB holds the GHCB), a C-bit
;  read-back check, long mode, a 64-bit IDT with #VC on IST1, and a #VC handler that serves
;  CPUID, IOIO, MSR, RDTSC(P), VMMCALL, WBINVD, DR7, MONITOR/MWAIT and MMIO through the GHCB
;  page. It prints what it measured through the GHCB (string IOIO to port 0xE9, one
;  VMGEXIT per line) and ends with SCHEDOP_shutdown through the VMMCALL event.
; Failures end with the MSR-protocol termination request, reason set 0xA, code = check.
; First character of the command line: f = CPUID before any IDT (triple fault),
; m = MSR termination (0xA, 0x99) at once, t = NAE termination (0xB, 0x42) at the end,
; g = send the SNP-only preferred-GPA request even outside SNP (KVM terminates),
; k = a table of GHCB requests that each omit or break one input KVM requires, printed as
;     "kvm" and sw_exit_info_1/2 pairs, then poweroff,
; p (default) = poweroff.
; The preferred/register GHCB GPA requests are made under SNP only (SEV_STATUS bit 2).
%include "guest.inc"

GHCB        equ 0x400000
AUXBUF      equ 0x401000          ; shared page for hypercall arguments
PRIV_TEST   equ 0x600000          ; private page
PRIV_PDE    equ PT_BASE + 0x2000 + (PRIV_TEST >> 21) * 8
PT_BASE     equ 0x200000          ; PML4, PDPT, PD0..PD3
MMIO_DEV    equ 0xFEB00000

%define GHCB_VMGEXIT GHCB_VMGEXIT_AT GHCB

bits 32
PVH_NOTE

global _start
_start:
	FLAT32_ENTRY stack32_top
	mov [si_ptr], ebx
	mov eax, [ebx + 8]
	mov [si_flags], eax
	READ_ACTION
	mov ecx, MSR_GHCB             ; no #VC for the GHCB MSR
	rdmsr
	mov [msr_entry], eax
	mov [msr_entry + 4], edx
	cmp byte [action], 'f'
	jne .nof
	cpuid                         ; #VC with no IDT: triple fault
.nof:
	cmp byte [action], 'm'
	jne .nom
	TERM 0x99
.nom:
	; SEV information
	mov eax, 0x002
	call msr_req
	mov [r_sevinfo], eax
	mov [r_sevinfo + 4], edx
	mov ecx, eax
	and ecx, 0xfff
	cmp ecx, 0x001
	je .infook
	TERM 6
.infook:
	mov ecx, edx
	shr ecx, 16                   ; max
	cmp ecx, 1
	jb .badver
	mov ecx, edx
	and ecx, 0xffff               ; min
	cmp ecx, 2
	jbe .verok
.badver:
	TERM 2
.verok:
	shr eax, 24
	mov [cbit], eax
	; CPUID 0x8000001F EAX and EBX through the MSR protocol
	mov eax, 0x004                ; reg 0 (EAX)
	mov edx, 0x8000001f
	call msr_req
	call check_cpuid_resp
	mov [r_cpuid_eax], edx
	test edx, 2
	jnz .sevok
	TERM 3
.sevok:
	mov eax, 0x004 | (1 << 30)    ; EBX
	mov edx, 0x8000001f
	call msr_req
	call check_cpuid_resp
	mov [r_cpuid_ebx], edx
	and edx, 0x3f
	cmp edx, 32
	jb .range
	cmp edx, 51
	jbe .rangeok
.range:
	TERM 7
.rangeok:
	cmp edx, [cbit]
	je .same
	TERM 4
.same:
	; more MSR-protocol requests, results printed later; 0x010/0x012 are SNP-only
	mov ecx, MSR_SEV_STATUS
	rdmsr
	test eax, 4
	jnz .gpa_reqs
	cmp byte [action], 'g'
	jne .no_gpa_reqs
.gpa_reqs:
	mov eax, 0x010
	xor edx, edx
	call msr_req
	mov [r_pref], eax
	mov [r_pref + 4], edx
	mov eax, (GHCB & 0xfffff000) | 0x012
	xor edx, edx
	call msr_req
	mov [r_reg], eax
	mov [r_reg + 4], edx
	; the answers: 0x011 with "no preference" (all ones in [63:12]), 0x013 echoing the GFN
	cmp dword [r_pref], 0xfffff011
	jne .gpa_bad
	cmp dword [r_pref + 4], 0xffffffff
	jne .gpa_bad
	cmp dword [r_reg], (GHCB & 0xfffff000) | 0x013
	jne .gpa_bad
	cmp dword [r_reg + 4], 0
	je .no_gpa_reqs
.gpa_bad:
	TERM 0x21
.no_gpa_reqs:
	mov eax, 0x080
	xor edx, edx
	call msr_req
	mov [r_hvft], eax
	mov [r_hvft + 4], edx
	mov eax, 0x016
	xor edx, edx
	call msr_req
	mov [r_vmpl], eax
	mov [r_vmpl + 4], edx
	mov eax, 0x0f0                ; no such request
	mov edx, 0x12345678
	call msr_req
	mov [r_unknown], eax
	mov [r_unknown + 4], edx

	; 32-bit #VC: IDT with vector 29 and a #DF catcher
	mov eax, vc32
	mov edi, idt32 + 29 * 8
	call set_gate32
	mov eax, df32
	mov edi, idt32 + 8 * 8
	call set_gate32
	lidt [idt32_desc]
	mov eax, 0x40000000
	sti
cpuid32_insn:
	cpuid                         ; #VC 0x72, served through the MSR protocol
	cli
	mov [vc32_sig], ebx

	; C-bit check value, stored while paging is off (private)
	mov dword [cbit_probe], 0x5a5aa5a5
	call build_tables
	LONG_MODE_ON PT_BASE          ; paging on: compatibility mode, still this code segment
	cmp dword [cbit_probe], 0x5a5aa5a5
	je .cbit_ok
	TERM 5                        ; read back through the C-bit mapping failed
.cbit_ok:
	jmp 0x08:long_entry

DEFINE_MSR_REQ

; checks a CPUID response in edx:eax (code 0x005, bits 29:12 zero); edx = value
check_cpuid_resp:
	mov ecx, eax
	and ecx, 0xfff
	cmp ecx, 0x005
	jne .bad
	test eax, 0x3ffff000
	jnz .bad
	ret
.bad:	TERM 6

; eax = handler, edi = gate address; 32-bit interrupt gate, CS = current
set_gate32:
	mov [edi], ax
	mov word [edi + 2], cs
	mov word [edi + 4], 0x8e00
	shr eax, 16
	mov [edi + 6], ax
	ret

vc32:
	; frame: [esp] error code, [esp+4] EIP, [esp+8] CS, [esp+12] EFLAGS
	pushad                        ; 32 bytes
	mov eax, [esp + 32]
	mov [vc32_err], eax
	mov eax, [esp + 36]
	mov [vc32_eip], eax
	mov eax, [esp + 40]
	mov [vc32_cs], eax
	mov eax, [esp + 44]
	mov [vc32_eflags], eax
	pushfd
	pop eax
	mov [vc32_hflags], eax
	cmp dword [esp + 32], 0x72
	je .cpuid
	TERM 0x31
.cpuid:
	; leaf in the saved EAX ([esp + 28]); four MSR-protocol requests
	mov eax, [esp + 28]
	mov [vc32_leaf], eax
	mov ebx, 0
.reg:	mov eax, ebx
	shl eax, 30
	or eax, 0x004
	mov edx, [vc32_leaf]
	push ebx
	call msr_req
	call check_cpuid_resp
	pop ebx
	; pushad order: edi esi ebp esp ebx edx ecx eax (eax at +28)
	cmp ebx, 0
	jne .n1
	mov [esp + 28], edx
.n1:	cmp ebx, 1
	jne .n2
	mov [esp + 16], edx
.n2:	cmp ebx, 2
	jne .n3
	mov [esp + 24], edx
.n3:	cmp ebx, 3
	jne .n4
	mov [esp + 20], edx
.n4:	inc ebx
	cmp ebx, 4
	jb .reg
	add dword [esp + 36], 2       ; skip the 2-byte CPUID
	popad
	add esp, 4                    ; error code
	iretd

df32:
	TERM 0x0d

; identity map 0..4 GiB with 2 MiB pages: private (C-bit) except the shared window at
; 4 MiB (GHCB) and 3..4 GiB (MMIO, no C-bit)
build_tables:
	mov ecx, [cbit]
	sub ecx, 32
	mov eax, 1
	shl eax, cl
	mov [cmask_hi], eax
	IDMAP_4G_2M PT_BASE, GHCB, 1
	ret

bits 64
long_entry:
	LOAD_DATA_SEGS
	mov rsp, stack64_top
	; TSS with IST1, IDT
	mov rax, tss
	mov [gdt + 0x18 + 2], ax
	shr rax, 16
	mov [gdt + 0x18 + 4], al
	mov [gdt + 0x18 + 7], ah
	shr rax, 16
	mov [gdt + 0x18 + 8], eax
	mov rax, ist1_top
	mov [tss + 0x24], rax
	mov ax, 0x18
	ltr ax
	mov rax, vc64
	mov rdi, idt64 + 29 * 16
	mov bl, 1
	call set_gate64
	mov rax, fault64
	mov rdi, idt64 + 13 * 16
	xor bl, bl
	call set_gate64
	mov rdi, idt64 + 14 * 16
	call set_gate64
	mov rdi, idt64 + 6 * 16
	call set_gate64
	mov rdi, idt64 + 8 * 16
	call set_gate64
	lidt [idt64_desc]
	; the GHCB page: cleared through its shared mapping
	mov rdi, GHCB
	xor eax, eax
	mov ecx, 4096 / 8
	rep stosq

	; ---- report the 32-bit phase ----
	mov rsi, s_flags
	call puts
	mov eax, [si_flags]
	call hex
	call nl
	mov rsi, s_msr
	call puts
	mov rax, [msr_entry]
	call hex
	mov rsi, s_sevinfo
	call puts
	mov rax, [r_sevinfo]
	call hex
	mov rsi, s_ceax
	call puts
	mov eax, [r_cpuid_eax]
	call hex
	mov rsi, s_cebx
	call puts
	mov eax, [r_cpuid_ebx]
	call hex
	call nl
	mov rsi, s_msr2
	call puts
	mov rax, [r_pref]
	call hex
	mov rsi, s_reg
	call puts
	mov rax, [r_reg]
	call hex
	mov rsi, s_hvft
	call puts
	mov rax, [r_hvft]
	call hex
	mov rsi, s_vmpl
	call puts
	mov rax, [r_vmpl]
	call hex
	mov rsi, s_unknown
	call puts
	mov rax, [r_unknown]
	call hex
	call nl
	mov rsi, s_vc32
	call puts
	mov eax, [vc32_err]
	call hex
	mov rsi, s_eipok
	call puts
	xor eax, eax
	cmp dword [vc32_eip], cpuid32_insn
	sete al
	call hex
	mov rsi, s_cs
	call puts
	mov eax, [vc32_cs]
	call hex
	mov rsi, s_eflags
	call puts
	mov eax, [vc32_eflags]
	call hex
	mov rsi, s_hflags
	call puts
	mov eax, [vc32_hflags]
	call hex
	mov rsi, s_sig
	call puts
	mov eax, [vc32_sig]
	call hex
	call nl

	; ---- 64-bit #VC frame: CPUID ----
	mov eax, 0x8000001f
	xor ecx, ecx
	sti
cpuid64_insn:
	cpuid
	cli
	mov [r64_sev_ebx], ebx
	mov [r64_sev_eax], eax
	mov rsi, s_vc64
	call puts
	mov rax, [vc64_err]
	call hex
	mov rsi, s_ripok
	call puts
	xor eax, eax
	mov rcx, cpuid64_insn
	cmp [vc64_rip], rcx
	sete al
	call hex
	mov rsi, s_cs
	call puts
	mov rax, [vc64_cs]
	call hex
	mov rsi, s_rflags
	call puts
	mov rax, [vc64_rflags]
	call hex
	mov rsi, s_ss
	call puts
	mov rax, [vc64_ss]
	call hex
	mov rsi, s_rspok
	call puts
	xor eax, eax
	mov rcx, cpuid64_insn         ; saved RSP = RSP before the #VC
	cmp qword [vc64_rsp], stack64_top
	sete al
	call hex
	mov rsi, s_ist
	call puts
	xor eax, eax
	cmp qword [vc64_frame], ist1_top - 48
	sete al
	call hex
	mov rsi, s_hflags
	call puts
	mov rax, [vc64_hflags]
	call hex
	mov rsi, s_sevleaf
	call puts
	mov eax, [r64_sev_eax]
	call hex
	mov eax, [r64_sev_ebx]
	call hex
	call nl

	; ---- IOIO through #VC: OUT dx, al / OUT imm8, al / IN al, dx ----
	mov dx, 0xe9
	mov al, 'i'
	out dx, al
	mov al, 'o'
	out 0xe9, al
	mov al, 10
	out dx, al
	in al, dx
	movzx eax, al
	mov [r_in], eax
	mov rsi, s_in
	call puts
	mov eax, [r_in]
	call hex
	call nl

	; ---- MSRs: intercepted (APIC_BASE, unknown -> #GP from the hypervisor) and not ----
	mov ecx, 0x1b
	rdmsr
	shl rdx, 32
	or rax, rdx
	mov [r_apic], rax
	mov ecx, 0x2ff
	mov eax, 0xc06
	xor edx, edx
	wrmsr
	mov ecx, 0x12345
	rdmsr
	mov ecx, 0xC0010131
	rdmsr
	mov [r_status], eax
	mov ecx, 0xC0000080
	rdmsr
	mov [r_efer], eax
	mov rsi, s_apic
	call puts
	mov rax, [r_apic]
	call hex
	mov rsi, s_gp
	call puts
	mov rax, [msr_exc]
	call hex
	mov rsi, s_status
	call puts
	mov eax, [r_status]
	call hex
	mov rsi, s_efer
	call puts
	mov eax, [r_efer]
	call hex
	call nl

	; ---- RDTSC/RDTSCP (a #VC only with --intercept-tsc), WBINVD, DR7, MONITOR/MWAIT ----
	rdtsc
	rdtscp
	mov [r_tscaux], ecx
	wbinvd
	mov eax, 0x455
	mov dr7, rax
	xor eax, eax
	mov rax, dr7
	mov [r_dr7], rax
	mov rax, GHCB + 0x800
	xor ecx, ecx
	xor edx, edx
	monitor
	xor eax, eax
	mwait
	mov rsi, s_misc
	call puts
	mov eax, [r_tscaux]
	call hex
	mov rsi, s_dr7
	call puts
	mov rax, [r_dr7]
	call hex
	call nl

	; ---- MMIO through #VC (NPF) to sevsim's test device ----
	mov rbx, MMIO_DEV
	mov rax, [rbx]                ; 48 8B 03
	mov [r_mmio_id], rax
	mov rbx, MMIO_DEV + 0x10
	mov rax, 0x1122334455667788
	mov [rbx], rax                ; 48 89 03
	xor eax, eax
	mov rax, [rbx]
	mov [r_mmio_rw], rax
	mov rsi, s_mmio
	call puts
	mov rax, [r_mmio_id]
	call hex
	mov rsi, s_mmiorw
	call puts
	mov rax, [r_mmio_rw]
	call hex
	call nl

	; ---- encryption: one page seen private, then shared (C-bit cleared), then private ----
	mov rax, 0x1111222233334444
	mov [PRIV_TEST], rax
	mov dword [PRIV_PDE + 4], 0   ; clear the C-bit of the 2 MiB page
	invlpg [PRIV_TEST]
	mov rbx, [PRIV_TEST]
	xor ecx, ecx
	cmp rbx, rax
	setne cl                      ; 1: the shared view shows ciphertext
	mov [r_alias1], ecx
	mov rax, 0xaaaabbbbccccdddd
	mov [PRIV_TEST + 0x100], rax  ; written shared
	mov edx, [cmask_hi]
	mov [PRIV_PDE + 4], edx       ; private again
	invlpg [PRIV_TEST]
	mov rbx, [PRIV_TEST + 0x100]
	xor ecx, ecx
	cmp rbx, rax
	setne cl                      ; 1: a shared write reads back scrambled privately
	mov [r_alias2], ecx
	mov rbx, [PRIV_TEST]
	xor ecx, ecx
	mov rax, 0x1111222233334444
	cmp rbx, rax
	sete cl                       ; 1: the private value is intact
	mov [r_alias3], ecx
	mov rsi, s_alias
	call puts
	mov eax, [r_alias1]
	call hex
	mov eax, [r_alias2]
	call hex
	mov eax, [r_alias3]
	call hex
	call nl

	; ---- NAE events issued directly ----
	mov rsi, s_nae
	call puts
	mov edi, 0x80000005           ; AP jump table SET
	xor esi, esi
	mov rdx, 0x12345000
	call ghcb_call
	mov edi, 0x80000005           ; GET
	mov esi, 1
	xor edx, edx
	call ghcb_call
	mov rax, [GHCB + 0x3a0]
	call hex
	mov edi, 0x8000fffd           ; HV features
	xor esi, esi
	xor edx, edx
	call ghcb_call
	mov rax, [GHCB + 0x3a0]
	call hex
	mov edi, 0x80000003           ; NMI complete
	xor esi, esi
	xor edx, edx
	call ghcb_call
	mov rax, [GHCB + 0x398]
	call hex
	call nl
	mov rsi, s_naeerr
	call puts
	mov word [ghcb_version], 1    ; HV features needs protocol version 2
	mov edi, 0x8000fffd
	xor esi, esi
	xor edx, edx
	call ghcb_call_raw
	mov word [ghcb_version], 2
	call hex_info
	mov edi, 0x80000077           ; no such event
	xor esi, esi
	xor edx, edx
	call ghcb_call_raw
	call hex_info
	mov edi, 0x72                 ; CPUID without RAX
	xor esi, esi
	xor edx, edx
	call ghcb_call_raw
	call hex_info
	mov dword [ghcb_usage], 1     ; unknown GHCB usage
	mov edi, 0x72
	xor esi, esi
	xor edx, edx
	call ghcb_call_raw
	mov dword [ghcb_usage], 0
	call hex_info
	call nl

	cmp byte [action], 'k'
	jne .nokvm
	call kvm_probes
.nokvm:

	; ---- hypercall through the VMMCALL event: console_io from a shared buffer ----
	mov rsi, s_hello
	mov rdi, AUXBUF
	mov ecx, s_hello_len
	rep movsb
	mov eax, 18                   ; console_io
	xor edi, edi                  ; CONSOLEIO_write
	mov esi, s_hello_len
	mov edx, AUXBUF
	vmmcall
	mov [r_hc], rax
	mov rsi, s_hc
	call puts
	mov rax, [r_hc]
	call hex
	mov rsi, s_count
	call puts
	mov rax, [vc_count]
	call hex
	call nl

	cmp byte [action], 't'
	jne .poweroff
	mov edi, 0x8000fffe           ; termination through the GHCB: set 0xB, code 0x42
	mov esi, 0xB | (0x42 << 4)
	xor edx, edx
	call ghcb_call_raw
	TERM 0x7f
.poweroff:
	mov dword [AUXBUF + 0x100], 0 ; struct sched_shutdown { reason = poweroff }
	mov eax, 29
	mov edi, 2
	mov esi, AUXBUF + 0x100
	vmmcall
	TERM 0x7e

; ---- KVM-strict probes (action 'k'): one GHCB request per table row ----
; row: dd exit code, dw valid mask (K_* below), dw protocol version, dq exit_info_1,
;      dq exit_info_2, dq RAX, dq sw_scratch  (40 bytes)
K_CODE  equ 1 << 0
K_INFO1 equ 1 << 1
K_INFO2 equ 1 << 2
K_RAX   equ 1 << 3
K_RCX   equ 1 << 4
K_RDX   equ 1 << 5
K_CPL   equ 1 << 6
K_SCR   equ 1 << 7
K_EXIT  equ K_CODE | K_INFO1 | K_INFO2
kvm_probes:
	mov rsi, s_kvm
	call puts
	mov r12, kvm_table
.row:	cmp r12, kvm_table_end
	jae .done
	mov rdi, GHCB
	xor eax, eax
	mov ecx, 0x800 / 8            ; clear the save area (valid bitmap included)
	rep stosq
	mov eax, [r12]
	mov [GHCB + 0x390], rax       ; sw_exit_code
	mov rax, [r12 + 8]
	mov [GHCB + 0x398], rax
	mov rax, [r12 + 16]
	mov [GHCB + 0x3a0], rax
	mov rax, [r12 + 24]
	mov [GHCB + 0x1f8], rax       ; RAX; RCX, RDX, CPL stay 0
	mov rax, [r12 + 32]
	mov [GHCB + 0x3a8], rax       ; sw_scratch
	movzx ebx, word [r12 + 4]
	xor ecx, ecx
.bits:	bt ebx, ecx
	jnc .next
	push rcx
	movzx ecx, byte [kvm_bits + rcx]
	call valid
	pop rcx
.next:	inc ecx
	cmp ecx, 8
	jb .bits
	mov ax, [r12 + 6]
	mov [GHCB + 0xffa], ax
	mov dword [GHCB + 0xffc], 0
	GHCB_VMGEXIT
	call hex_info
	add r12, 40
	jmp .row
.done:	mov qword [GHCB + 0x3f0], 0
	mov qword [GHCB + 0x3f8], 0
	jmp nl

; ---- 64-bit helpers ----

DEFINE_SET_GATE64 bl
DEFINE_GHCB_CALLS GHCB, [ghcb_version], [ghcb_usage]

; exits if the valid bit ecx of the answer is clear (checked before the bitmap is cleared)
%macro NEED_VALID 1
	bt [valid_copy], %1
%endmacro

; prints " info1/info2" of the last answer
hex_info:
	mov rax, [GHCB + 0x398]
	call hex
	mov rax, [GHCB + 0x3a0]
	call hex
	ret

DEFINE_CONSOLE GHCB

fault64:
	TERM 0x40

; ---- the 64-bit #VC handler ----
; saved registers on the IST stack: rbp points at them (r15 lowest ... rax highest)
%define SAVED(n) [rbp + (n) * 8]
%define S_RAX SAVED(14)
%define S_RCX SAVED(13)
%define S_RDX SAVED(12)
%define S_RBX SAVED(11)
%define S_RSI SAVED(10)
%define S_RDI SAVED(9)
%define S_R8  SAVED(7)
%define S_R10 SAVED(5)
%define F_ERR SAVED(15)
%define F_RIP SAVED(16)

vc64:
	push rax
	push rcx
	push rdx
	push rbx
	push rsi
	push rdi
	push rbp
	push r8
	push r9
	push r10
	push r11
	push r12
	push r13
	push r14
	push r15
	mov rbp, rsp
	inc qword [vc_count]
	cmp qword [vc64_err], 0
	jne .recorded
	mov rax, F_ERR
	mov [vc64_err], rax
	mov rax, F_RIP
	mov [vc64_rip], rax
	mov rax, SAVED(17)
	mov [vc64_cs], rax
	mov rax, SAVED(18)
	mov [vc64_rflags], rax
	mov rax, SAVED(19)
	mov [vc64_rsp], rax
	mov rax, SAVED(20)
	mov [vc64_ss], rax
	lea rax, SAVED(15)
	mov [vc64_frame], rax
	pushfq
	pop rax
	mov [vc64_hflags], rax
.recorded:
	mov rax, F_ERR
	cmp rax, 0x72
	je vc_cpuid
	cmp rax, 0x7b
	je vc_ioio
	cmp rax, 0x7c
	je vc_msr
	cmp rax, 0x81
	je vc_vmmcall
	cmp rax, 0x6e
	je vc_rdtsc
	cmp rax, 0x87
	je vc_rdtsc
	cmp rax, 0x89
	je vc_plain2
	cmp rax, 0x37
	je vc_dr7w
	cmp rax, 0x27
	je vc_dr7r
	cmp rax, 0x8a
	je vc_plain3
	cmp rax, 0x8b
	je vc_plain3
	cmp rax, 0x400
	je vc_mmio
	TERM 0x30

vc_done:	; rax = instruction length
	add F_RIP, rax
	pop r15
	pop r14
	pop r13
	pop r12
	pop r11
	pop r10
	pop r9
	pop r8
	pop rbp
	pop rdi
	pop rsi
	pop rbx
	pop rdx
	pop rcx
	pop rax
	add rsp, 8
	iretq

; copy the answer's valid bitmap (before ghcb_call_raw clears it) - ghcb_call_raw clears
; the bitmap after the exit, so the handlers call vc_exit which keeps a copy
vc_exit:
	call ghcb_call_raw_keep
	cmp dword [GHCB + 0x398], 0
	je .ok
	cmp dword [GHCB + 0x398], 1   ; the hypervisor asks to inject an exception
	jne .err
	mov rax, [GHCB + 0x3a0]
	mov [msr_exc], rax
	ret
.err:	TERM 8
.ok:	ret

ghcb_call_raw_keep:
	GHCB_CALL_BODY GHCB, 2, 0, valid_copy

%macro REQUIRE 1
	bt qword [valid_copy + ((%1) / 64) * 8], (%1) % 64
	jc %%ok
	TERM 9
%%ok:
%endmacro

vc_cpuid:
	mov rax, S_RAX
	mov [GHCB + 0x1f8], rax
	mov ecx, 63
	call valid
	mov rax, S_RCX
	mov [GHCB + 0x308], rax
	mov ecx, 97
	call valid
	mov qword [GHCB + 0x3e8], 1   ; XCR0
	mov ecx, 125
	call valid
	mov edi, 0x72
	xor esi, esi
	xor edx, edx
	call vc_exit
	REQUIRE 63
	REQUIRE 97
	REQUIRE 98
	REQUIRE 99
	mov rax, [GHCB + 0x1f8]
	mov S_RAX, rax
	mov rax, [GHCB + 0x318]
	mov S_RBX, rax
	mov rax, [GHCB + 0x308]
	mov S_RCX, rax
	mov rax, [GHCB + 0x310]
	mov S_RDX, rax
	mov eax, 2
	jmp vc_done

vc_ioio:
	mov rbx, F_RIP
	movzx eax, byte [rbx]
	mov rsi, S_RDX
	and esi, 0xffff
	mov ecx, 1                    ; length
	cmp al, 0xee                  ; out dx, al
	je .out
	cmp al, 0xec                  ; in al, dx
	je .in
	cmp al, 0xe6                  ; out imm8, al
	jne .bad
	movzx esi, byte [rbx + 1]
	mov ecx, 2
.out:	push rcx
	mov rax, S_RAX
	mov [GHCB + 0x1f8], rax
	mov ecx, 63
	call valid
	shl esi, 16
	or esi, (1 << 4) | (1 << 9)   ; 8-bit, 64-bit address
	mov edi, 0x7b
	xor edx, edx
	call vc_exit
	pop rax
	jmp vc_done
.in:	push rcx
	shl esi, 16
	or esi, (1 << 4) | (1 << 9) | 1
	mov edi, 0x7b
	xor edx, edx
	call vc_exit
	REQUIRE 63
	mov al, [GHCB + 0x1f8]
	mov byte S_RAX, al
	pop rax
	jmp vc_done
.bad:	TERM 0x32

vc_msr:
	mov rbx, F_RIP
	mov rax, S_RCX
	mov [GHCB + 0x308], rax
	mov ecx, 97
	call valid
	cmp byte [rbx + 1], 0x30
	je .wr
	mov edi, 0x7c
	xor esi, esi
	xor edx, edx
	call vc_exit
	cmp dword [GHCB + 0x398], 1
	je .skip
	REQUIRE 63
	REQUIRE 98
	mov eax, [GHCB + 0x1f8]
	mov S_RAX, rax
	mov eax, [GHCB + 0x310]
	mov S_RDX, rax
.skip:	mov eax, 2
	jmp vc_done
.wr:	mov rax, S_RAX
	mov [GHCB + 0x1f8], rax
	mov ecx, 63
	call valid
	mov rax, S_RDX
	mov [GHCB + 0x310], rax
	mov ecx, 98
	call valid
	mov edi, 0x7c
	mov esi, 1
	xor edx, edx
	call vc_exit
	mov eax, 2
	jmp vc_done

vc_vmmcall:
	mov rax, S_RAX
	mov [GHCB + 0x1f8], rax
	mov ecx, 63
	call valid
	mov rax, S_RDI
	mov [GHCB + 0x338], rax
	mov ecx, 103
	call valid
	mov rax, S_RSI
	mov [GHCB + 0x330], rax
	mov ecx, 102
	call valid
	mov rax, S_RDX
	mov [GHCB + 0x310], rax
	mov ecx, 98
	call valid
	mov byte [GHCB + 0xcb], 0     ; CPL
	mov ecx, 25
	call valid
	mov edi, 0x81
	xor esi, esi
	xor edx, edx
	call vc_exit
	REQUIRE 63
	mov rax, [GHCB + 0x1f8]
	mov S_RAX, rax
	mov eax, 3
	jmp vc_done

vc_rdtsc:
	mov rdi, F_ERR
	xor esi, esi
	xor edx, edx
	call vc_exit
	REQUIRE 63
	REQUIRE 98
	mov eax, [GHCB + 0x1f8]
	mov S_RAX, rax
	mov eax, [GHCB + 0x310]
	mov S_RDX, rax
	mov eax, 2
	cmp qword F_ERR, 0x87
	jne vc_done
	REQUIRE 97
	mov eax, [GHCB + 0x308]
	mov S_RCX, rax
	mov eax, 3
	jmp vc_done

vc_plain2:
	mov rdi, F_ERR
	xor esi, esi
	xor edx, edx
	call vc_exit
	mov eax, 2
	jmp vc_done

vc_plain3:	; MONITOR (KVM needs RAX, RCX, RDX) and MWAIT (RAX, RCX)
	mov rax, S_RAX
	mov [GHCB + 0x1f8], rax
	mov ecx, 63
	call valid
	mov rax, S_RCX
	mov [GHCB + 0x308], rax
	mov ecx, 97
	call valid
	mov rax, S_RDX
	mov [GHCB + 0x310], rax
	mov ecx, 98
	call valid
	mov rdi, F_ERR
	xor esi, esi
	xor edx, edx
	call vc_exit
	mov eax, 3
	jmp vc_done

vc_dr7w:	; mov dr7, rax (0F 23 F8)
	mov rax, S_RAX
	mov [GHCB + 0x1f8], rax
	mov ecx, 63
	call valid
	mov edi, 0x37
	xor esi, esi
	xor edx, edx
	call vc_exit
	mov eax, 3
	jmp vc_done

vc_dr7r:	; mov rax, dr7 (0F 21 F8)
	mov edi, 0x27
	xor esi, esi
	xor edx, edx
	call vc_exit
	REQUIRE 63
	mov rax, [GHCB + 0x1f8]
	mov S_RAX, rax
	mov eax, 3
	jmp vc_done

vc_mmio:	; mov rax, [rbx] (48 8B 03) or mov [rbx], rax (48 89 03)
	mov rbx, F_RIP
	cmp word [rbx], 0x8b48
	je .rd
	cmp word [rbx], 0x8948
	jne .bad
	mov rax, S_RAX
	mov [GHCB + 0x800], rax
	mov rax, GHCB + 0x800
	mov [GHCB + 0x3a8], rax
	mov ecx, 117
	call valid
	mov edi, 0x80000002
	mov rsi, S_RBX
	mov edx, 8
	call vc_exit
	mov eax, 3
	jmp vc_done
.rd:	mov rax, GHCB + 0x800
	mov [GHCB + 0x3a8], rax
	mov ecx, 117
	call valid
	mov edi, 0x80000001
	mov rsi, S_RBX
	mov edx, 8
	call vc_exit
	mov rax, [GHCB + 0x800]
	mov S_RAX, rax
	mov eax, 3
	jmp vc_done
.bad:	TERM 0x33

section .data
DEFINE_GDT 0x0000890000000067
align 8
idt32_desc:
	dw 256 * 8 - 1
	dd idt32
align 8
idt64_desc:
	dw 256 * 16 - 1
	dq idt64
ghcb_version: dw 2
align 4
ghcb_usage: dd 0
action:   db 'p'
align 8
si_ptr:   dq 0
si_flags: dq 0
msr_entry: dq 0
r_sevinfo: dq 0
r_cpuid_eax: dq 0
r_cpuid_ebx: dq 0
r_pref:   dq 0
r_reg:    dq 0
r_hvft:   dq 0
r_vmpl:   dq 0
r_unknown: dq 0
cbit:     dq 0
cmask_hi: dq 0
cbit_probe: dq 0
vc32_err: dq 0
vc32_eip: dq 0
vc32_cs:  dq 0
vc32_eflags: dq 0
vc32_hflags: dq 0
vc32_sig: dq 0
vc32_leaf: dq 0
vc64_err: dq 0
vc64_rip: dq 0
vc64_cs:  dq 0
vc64_rflags: dq 0
vc64_rsp: dq 0
vc64_ss:  dq 0
vc64_frame: dq 0
vc64_hflags: dq 0
vc_count: dq 0
valid_copy: dq 0, 0
r64_sev_eax: dq 0
r64_sev_ebx: dq 0
r_in:     dq 0
r_apic:   dq 0
msr_exc:  dq 0
r_status: dq 0
r_efer:   dq 0
r_tscaux: dq 0
r_dr7:    dq 0
r_mmio_id: dq 0
r_mmio_rw: dq 0
r_alias1: dq 0
r_alias2: dq 0
r_alias3: dq 0
r_hc:     dq 0
linelen:  dq 0
s_flags:  db "flags", 0
s_msr:    db "msr entry", 0
s_sevinfo: db " sevinfo", 0
s_ceax:   db " cpuid_eax", 0
s_cebx:   db " cpuid_ebx", 0
s_msr2:   db "msr pref", 0
s_reg:    db " reg", 0
s_hvft:   db " hvft", 0
s_vmpl:   db " vmpl", 0
s_unknown: db " unknown", 0
s_vc32:   db "vc32 err", 0
s_eipok:  db " ip_ok", 0
s_cs:     db " cs", 0
s_eflags: db " flags", 0
s_hflags: db " handler_flags", 0
s_sig:    db " ebx", 0
s_vc64:   db "vc64 err", 0
s_ripok:  db " ip_ok", 0
s_rflags: db " flags", 0
s_ss:     db " ss", 0
s_rspok:  db " rsp_ok", 0
s_ist:    db " on_ist", 0
s_sevleaf: db " leaf8000001f", 0
s_in:     db "ioio in", 0
s_apic:   db "msr apic_base", 0
s_gp:     db " unknown_msr_event", 0
s_status: db " sev_status", 0
s_efer:   db " efer", 0
s_misc:   db "misc tsc_aux", 0
s_dr7:    db " dr7", 0
s_mmio:   db "mmio id", 0
s_mmiorw: db " rw", 0
s_alias:  db "alias", 0
s_nae:    db "nae jump_table", 0
s_naeerr: db "nae_errors", 0
s_kvm:    db "kvm", 0
kvm_bits: db 114, 115, 116, 63, 97, 98, 25, 117 ; K_CODE .. K_SCR as GHCB valid bits
align 8
%macro KROW 6 ; exit, mask, info1, info2, rax, scratch (protocol version 2)
	dd %1
	dw %2, 2
	dq %3, %4, %5, %6
%endmacro
kvm_table:
	KROW 0x72, K_EXIT | K_RAX | K_RCX, 0, 0, 0, 0                  ; CPUID, complete: 0 0
	KROW 0x72, K_INFO1 | K_INFO2 | K_RAX | K_RCX, 0, 0, 0, 0        ; no sw_exit_code
	KROW 0x72, K_CODE | K_INFO2 | K_RAX | K_RCX, 0, 0, 0, 0         ; no sw_exit_info_1
	KROW 0x72, K_CODE | K_INFO1 | K_RAX | K_RCX, 0, 0, 0, 0         ; no sw_exit_info_2
	KROW 0x72, K_EXIT | K_RAX, 0, 0, 0, 0                          ; CPUID without RCX
	KROW 0x72, K_EXIT | K_RAX | K_RCX, 0, 0, 0xd, 0                ; leaf 0xD without XCR0
	KROW 0x8a, K_EXIT | K_RAX | K_RCX | K_RDX, 0, 0, 0, 0          ; MONITOR, complete: 0 0
	KROW 0x8a, K_EXIT | K_RAX | K_RCX, 0, 0, 0, 0                  ; MONITOR without RDX
	KROW 0x8a, K_EXIT | K_RAX | K_RDX, 0, 0, 0, 0                  ; MONITOR without RCX
	KROW 0x8b, K_EXIT | K_RCX, 0, 0, 0, 0                          ; MWAIT without RAX
	KROW 0x8b, K_EXIT | K_RAX, 0, 0, 0, 0                          ; MWAIT without RCX
	KROW 0x7c, K_EXIT | K_RCX | K_RAX, 1, 0, 0, 0                  ; WRMSR without RDX
	KROW 0x7c, K_EXIT, 0, 0, 0, 0                                  ; RDMSR without RCX
	KROW 0x81, K_EXIT | K_RAX, 0, 0, 0, 0                          ; VMMCALL without CPL
	KROW 0x7b, K_EXIT, (0x80 << 16) | 0x10, 0, 0, 0                ; OUT without RAX
	KROW 0x6f, K_EXIT, 0, 0, 0, 0                                  ; RDPMC without RCX
	KROW 0x37, K_EXIT, 0, 0, 0, 0                                  ; DR7 write without RAX
	KROW 0x80000001, K_EXIT, MMIO_DEV, 8, 0, 0                     ; MMIO read, no sw_scratch
	KROW 0x80000001, K_EXIT | K_SCR, MMIO_DEV, 8, 0, GHCB + 0x100  ; scratch in the save area
	KROW 0x80000001, K_EXIT | K_SCR, MMIO_DEV, 8, 0, AUXBUF        ; outside the GHCB, v2
	KROW 0x80000001, K_EXIT | K_SCR, MMIO_DEV, 8, 0, GHCB + 0x800  ; MMIO read, complete: 0 0
	dd 0x72                                                       ; protocol version 3
	dw K_EXIT | K_RAX | K_RCX, 3
	dq 0, 0, 0, 0
kvm_table_end:
s_hc:     db "hypercall ret", 0
s_count:  db " guest_vc_count", 0
s_hello:  db "hello from console_io through the GHCB", 10
s_hello_len equ $ - s_hello

section .bss
alignb 4096
idt32:    resb 256 * 8
alignb 16
idt64:    resb 256 * 16
tss:      resb 104
linebuf:  resb 256
alignb 16
	resb 4096
stack32_top:
	resb 8192
stack64_top:
	resb 8192
ist1_top:
