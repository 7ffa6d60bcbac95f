; sevsim self-test guest for SEV-SNP memory (tests/sim/snp.t). It does what an SNP guest must
; before it can use a GHCB, then probes sevsim's RMP, page state changes and AP creation and
; prints what it saw, one line per probe (string IOIO to port 0xE9 through the GHCB):
;   32-bit, paging off: SEV information (C-bit), PVALIDATE-rescind of its GHCB page, page
;   state change to shared through the MSR protocol (0x014), GHCB registration (0x012);
;   then page tables inside its (launch-validated) image: 0..1 GiB identity with the C-bit,
;   the GHCB page without it; long mode; a #VC handler that records #VC 0x404 and resumes at
;   [vc_resume].
; PVALIDATE results are printed as EAX * 16 + CF. Test pages: 4 MiB, 6 MiB (2 MiB), 8 MiB,
; 10 MiB, 11 MiB, 12 MiB (2 MiB), 14 MiB: RAM the launch did not validate.
; First character of the command line: p = use the GHCB without the page state change
; (still private: the hypervisor must refuse it), u = VMGEXIT with an unregistered GHCB GPA,
; b = AP creation with a VMSA page that lacks the RMP VMSA attribute, c = the same after
; RMPADJUST (a VMSA the hardware accepts: the AP runs and writes 0xa9 to ap_flag); anything else: all probes, then termination
; request set 0xA code 0x7F ("done"); h = a Linux-like handoff for the checker: all 128 MiB
; validated (2 MiB, 4 KiB where the RMP has 4 KiB entries), the GHCB page made private again,
; boot_params with an e820 map and a SETUP_CC_BLOB, then a jump out of the image (RSI =
; boot_params); i = the same but the GHCB page left shared; j = a CC blob whose cpuid_phys is
; wrong. Failures of the set-up: set 0xA, code = the step; a
; #VC 0x404 where no probe expects one: 0x31 (vc_rip, vc_err hold it); another #VC: 0x30.
%include "guest.inc"

PAGE_4M     equ 0x400000
PAGE_6M     equ 0x600000
PAGE_8M     equ 0x800000
PAGE_10M    equ 0xA00000
PAGE_11M    equ 0xB00000
PAGE_12M    equ 0xC00000
PAGE_14M    equ 0xE00000
PAGE_16M    equ 0x1000000
NOT_RAM     equ 0xFD000000        ; in the hole below 4 GiB: mapped, never RAM
HIGH_2M     equ 0x100200000       ; 4 GiB + 2 MiB: RAM with --mem above 0xFC000000 (below
                                  ; that, bit 32 is an undecoded alias bit: tests use 5G)

%macro PVALIDATE 0
	db 0xf2, 0x0f, 0x01, 0xff
%endmacro

%macro RMPADJUST 0
	db 0xf3, 0x0f, 0x01, 0xfe
%endmacro

%define GHCB_VMGEXIT GHCB_VMGEXIT_AT ghcb_page

; cocoboot's SNP notes (docs/abi.md §10): the CPUID and secrets pages, in the image
section .note.Xen note alloc noexec nowrite align=4
	dd 9, 16, 0x101
	db "cocoboot", 0, 0, 0, 0
	dq cpuid_page
	dd 4096, 1
	dd 9, 16, 0x102
	db "cocoboot", 0, 0, 0, 0
	dq secrets_page
	dd 4096, 1

bits 32
PVH_NOTE

global _start
_start:
	FLAT32_ENTRY stack_top
	READ_ACTION
	; SEV information: the C-bit
	mov eax, 0x002
	xor edx, edx
	call msr_req
	mov ecx, eax
	and ecx, 0xfff
	cmp ecx, 0x001
	je .info
	TERM 1
.info:	shr eax, 24
	sub eax, 32
	mov ecx, eax
	mov eax, 1
	shl eax, cl
	mov [cmask_hi], eax
	cmp byte [action], 'p'
	je .register
	; the GHCB page: rescind its validation, then make it shared (facts §5.1 order)
	mov eax, ghcb_page
	xor ecx, ecx
	xor edx, edx
	PVALIDATE
	jc .f2
	test eax, eax
	jz .ok2
.f2:	TERM 2
.ok2:	mov eax, ghcb_page + 0x014
	mov edx, 2 << 20              ; op 2 (shared) at [55:52]
	call msr_req
	cmp eax, 0x015
	jne .f3
	test edx, edx
	jz .register
.f3:	TERM 3
.register:
	mov eax, ghcb_page + 0x012
	xor edx, edx
	call msr_req
	cmp eax, ghcb_page + 0x013
	je .regok
	TERM 0x21                     ; answered with another GFN
.regok:
	call build_tables
	LONG_MODE_ON pml4
	jmp 0x08:long_entry

DEFINE_MSR_REQ

; PML4 -> PDPT -> PD (0..1 GiB, 2 MiB pages) with PD[0] -> PT (0..2 MiB, 4 KiB pages); all
; with the C-bit but the GHCB page's PTE
build_tables:
	mov edx, [cmask_hi]
	mov dword [pml4], pdpt + 3
	mov [pml4 + 4], edx
	mov dword [pdpt], pd + 3
	mov [pdpt + 4], edx
	mov dword [pd], pt + 3
	mov [pd + 4], edx
	mov dword [pdpt + 3 * 8], pd3 + 3 ; 3..4 GiB: the hole (NOT_RAM)
	mov [pdpt + 3 * 8 + 4], edx
	xor ecx, ecx
.h3:	mov eax, ecx
	shl eax, 21
	or eax, 0xC0000083
	mov [pd3 + ecx * 8], eax
	mov [pd3 + ecx * 8 + 4], edx
	inc ecx
	cmp ecx, 512
	jb .h3
	mov dword [pdpt + 4 * 8], pd_hi + 3 ; 4..5 GiB (RAM there with --mem above 0xFC000000)
	mov [pdpt + 4 * 8 + 4], edx
	xor ecx, ecx
.hi:	mov eax, ecx
	shl eax, 21
	or eax, 0x83
	mov [pd_hi + ecx * 8], eax
	lea eax, [edx + 1]            ; bit 32 of the address: 4 GiB
	mov [pd_hi + ecx * 8 + 4], eax
	inc ecx
	cmp ecx, 512
	jb .hi
	mov ecx, 1
.pd:	mov eax, ecx
	shl eax, 21
	or eax, 0x83
	mov [pd + ecx * 8], eax
	mov [pd + ecx * 8 + 4], edx
	inc ecx
	cmp ecx, 512
	jb .pd
	xor ecx, ecx
.pt:	mov eax, ecx
	shl eax, 12
	or eax, 3
	mov [pt + ecx * 8], eax
	mov [pt + ecx * 8 + 4], edx
	cmp eax, ghcb_page + 3
	jne .n
	mov dword [pt + ecx * 8 + 4], 0
.n:	inc ecx
	cmp ecx, 512
	jb .pt
	ret

bits 64
long_entry:
	LOAD_DATA_SEGS
	mov rsp, stack_top
	mov rax, vc64
	mov rdi, idt + 29 * 16
	call set_gate64
	mov rax, fault64
	mov rdi, idt + 13 * 16
	call set_gate64
	mov rdi, idt + 14 * 16
	call set_gate64
	lidt [idt_desc]
	cmp byte [action], 'p'
	jne .nop
	GHCB_VMGEXIT                  ; still private: the hypervisor must refuse it
	TERM 0x22
.nop:	cmp byte [action], 'u'
	jne .nou
	mov ecx, MSR_GHCB
	mov eax, ghcb_page + 0x1000   ; a GHCB GPA nobody registered
	xor edx, edx
	wrmsr
	VMGEXIT
	TERM 0x23
.nou:	mov al, [action]
	cmp al, 'h'
	jb .noh
	cmp al, 'j'
	jbe handoff
.noh:
	mov rdi, ghcb_page            ; cleared through its shared mapping
	xor eax, eax
	mov ecx, 4096 / 8
	rep stosq

	; ---- the CPUID page (count, 0x8000001F EBX) and the secrets page (version, a VMPCK) ----
	mov rsi, s_pages
	call puts
	mov eax, [cpuid_page]
	call hex
	xor eax, eax
	lea rdi, [cpuid_page + 16]
	mov ecx, [cpuid_page]
.cp:	cmp dword [rdi], 0x8000001f
	jne .cpn
	mov eax, [rdi + 28]
.cpn:	add rdi, 48
	loop .cp
	call hex
	mov eax, [secrets_page]
	call hex
	xor eax, eax
	cmp qword [secrets_page + 0x20], 0
	setne al
	call hex
	call nl

	; ---- PVALIDATE: 4 KiB validate, again (CF), rescind, again ----
	mov rsi, s_pv4k
	call puts
	mov rax, PAGE_4M
	xor ecx, ecx
	mov edx, 1
	call pv
	mov rax, PAGE_4M
	mov edx, 1
	call pv
	mov rax, PAGE_4M
	xor edx, edx
	call pv
	mov rax, PAGE_4M
	xor edx, edx
	call pv
	call nl
	; ---- 2 MiB on a range nobody touched: one 2 MiB entry; 4 KiB inside it: split, then done ----
	mov rsi, s_pv2m
	call puts
	mov rax, PAGE_6M
	mov ecx, 1
	mov edx, 1
	call pv
	mov rax, PAGE_6M
	mov ecx, 1
	mov edx, 1
	call pv
	mov rax, PAGE_6M + 0x1000
	xor ecx, ecx
	mov edx, 1
	call pv
	mov rax, PAGE_6M
	xor ecx, ecx
	xor edx, edx
	call pv
	call nl
	; ---- a 4 KiB entry inside a range: the range cannot be validated as 2 MiB ----
	mov rsi, s_pvmix
	call puts
	mov rax, PAGE_8M + 0x1000
	xor ecx, ecx
	mov edx, 1
	call pv
	mov rax, PAGE_8M
	mov ecx, 1
	mov edx, 1
	call pv
	call nl
	; ---- bad input: unaligned 2 MiB, RCX = 2, not RAM ----
	mov rsi, s_pvbad
	call puts
	mov rax, PAGE_8M + 0x1000
	mov ecx, 1
	mov edx, 1
	call pv
	mov rax, PAGE_10M
	mov ecx, 2
	mov edx, 1
	call pv
	mov rax, NOT_RAM
	xor ecx, ecx
	mov edx, 1
	call pv
	call nl

	; ---- above 4 GiB: 2 MiB PVALIDATE at 4 GiB + 2 MiB, a read, 4 KiB in it, rescind ----
	mov rsi, s_pvhigh
	call puts
	mov rax, HIGH_2M
	mov ecx, 1
	mov edx, 1
	call pv
	mov rax, HIGH_2M + 0x3000
	xor ecx, ecx
	xor edx, edx
	call pv
	mov qword [vc_resume], .after_high
	mov rbx, HIGH_2M + 0x8
	mov rax, [rbx]                ; validated: no #VC
	mov qword [vc_resume], 0
	xor eax, eax
	jmp .high_read
.after_high:
	mov rax, [vc_err]
.high_read:
	call hex
	call nl

	; ---- #VC 0x404: a read of the rescinded page, a write of a never-validated one ----
	mov rsi, s_vc404
	call puts
	mov qword [vc_resume], .after_read
.read:	mov rax, [PAGE_4M]
	TERM 0x24                     ; no #VC
.after_read:
	mov rax, [vc_err]
	call hex
	mov rax, .read
	cmp [vc_rip], rax
	sete al
	movzx eax, al
	call hex
	mov qword [vc_resume], .after_write
.write:	mov qword [PAGE_10M], 1
	TERM 0x25
.after_write:
	mov rax, [vc_err]
	call hex
	mov rax, .write
	cmp [vc_rip], rax
	sete al
	movzx eax, al
	call hex
	mov rax, [PAGE_8M + 0x1000]   ; validated above: no #VC
	mov rax, [PAGE_6M + 0x2000]   ; inside the 2 MiB entry: no #VC
	mov rax, [vc_count]
	call hex
	call nl

	; ---- page state change, MSR protocol: op 3 refused; to shared; then a C=1 read ----
	mov rsi, s_pscmsr
	call puts
	mov eax, PAGE_11M | 0x014
	mov edx, 3 << 20
	call msr_req64
	call hex
	mov eax, PAGE_11M | 0x014
	mov edx, 2 << 20
	call msr_req64
	call hex
	mov qword [vc_resume], .after_shared
	mov rax, [PAGE_11M]           ; C=1 access to a shared page: converted, then #VC 0x404
	TERM 0x26
.after_shared:
	mov rax, [vc_err]
	call hex
	call nl

	; ---- a conversion flushes the TLBs (KVM), as Linux's decompressor relies on: the page
	; at 16 MiB made shared and read with C=0 (the translation cached), its PDE given the
	; C-bit again without a CR3 write, the page converted to private and validated, then
	; two reads: no #VC, no implicit conversion (the stale C=0 translation is gone) ----
	mov rsi, s_tlbpsc
	call puts
	mov eax, PAGE_16M | 0x014
	mov edx, 2 << 20              ; to shared
	call msr_req64
	call hex
	mov dword [pd + (PAGE_16M >> 21) * 8 + 4], 0
	mov rax, cr3
	mov cr3, rax
	mov rax, [PAGE_16M]           ; C=0: the shared page, translation cached
	mov eax, [cmask_hi]
	mov [pd + (PAGE_16M >> 21) * 8 + 4], eax ; C=1 again, no TLB flush
	mov eax, PAGE_16M | 0x014
	mov edx, 1 << 20              ; to private
	call msr_req64
	call hex
	mov rax, PAGE_16M
	xor ecx, ecx
	mov edx, 1
	call pv
	mov qword [vc_resume], .after_tlb
	mov rax, [PAGE_16M]           ; Linux's sev_evict_cache: first and last byte
	mov al, [PAGE_16M + 0xfff]
	mov qword [vc_resume], 0
	xor eax, eax
	jmp .tlb_read
.after_tlb:
	mov rax, [vc_err]
.tlb_read:
	call hex
	call nl

	; ---- page state change, NAE: three entries, then errors ----
	mov rsi, s_pscnae
	call puts
	mov word [ghcb_page + 0x800], 0     ; cur_entry
	mov word [ghcb_page + 0x802], 2     ; end_entry
	mov dword [ghcb_page + 0x804], 0
	mov rax, (PAGE_12M >> 12) << 12 | (2 << 52) | (1 << 56)   ; 2 MiB to shared
	mov [ghcb_page + 0x808], rax
	mov rax, (PAGE_14M >> 12) << 12 | (2 << 52)               ; 4 KiB to shared
	mov [ghcb_page + 0x810], rax
	mov rax, ((PAGE_14M >> 12) + 1) << 12 | (2 << 52)
	mov [ghcb_page + 0x818], rax
	xor ebx, ebx                  ; calls
.again:	inc ebx
	call psc_call
	cmp qword [ghcb_page + 0x3a0], 0
	jne .stop
	cmp word [ghcb_page + 0x800], 2
	jbe .again
.stop:	mov eax, ebx
	call hex
	mov rax, [ghcb_page + 0x3a0]
	call hex
	movzx eax, word [ghcb_page + 0x800]
	call hex
	movzx eax, word [ghcb_page + 0x808]
	and eax, 0xfff                ; cur_page of the 2 MiB entry: 512
	call hex
	; an unaligned 2 MiB entry
	mov word [ghcb_page + 0x800], 0
	mov word [ghcb_page + 0x802], 0
	mov rax, ((PAGE_12M >> 12) + 1) << 12 | (1 << 52) | (1 << 56)
	mov [ghcb_page + 0x808], rax
	call psc_call
	mov rax, [ghcb_page + 0x3a0]
	call hex
	; end_entry 253: more than the buffer holds
	mov word [ghcb_page + 0x800], 0
	mov word [ghcb_page + 0x802], 253
	call psc_call
	mov rax, [ghcb_page + 0x3a0]
	call hex
	; 12 MiB back to private as 2 MiB, then one 2 MiB PVALIDATE
	mov word [ghcb_page + 0x800], 0
	mov word [ghcb_page + 0x802], 0
	mov rax, (PAGE_12M >> 12) << 12 | (1 << 52) | (1 << 56)
	mov [ghcb_page + 0x808], rax
	call psc_call
	mov rax, [ghcb_page + 0x3a0]
	call hex
	mov rax, PAGE_12M
	mov ecx, 1
	mov edx, 1
	call pv
	call nl

	; ---- hypervisor features: NAE and MSR ----
	mov rsi, s_hvft
	call puts
	mov edi, 0x8000fffd
	xor esi, esi
	xor edx, edx
	call ghcb_call_raw
	mov rax, [ghcb_page + 0x3a0]
	call hex
	mov eax, 0x080
	xor edx, edx
	call msr_req64
	call hex
	call nl

	; ---- RMPADJUST: target VMPL 0, VMPL 1, VMSA, unvalidated page, 4 KiB in a 2 MiB entry,
	; 2 MiB over 4 KiB entries ----
	mov rsi, s_rmpadj
	call puts
	mov rax, PAGE_8M + 0x1000
	xor ecx, ecx
	xor edx, edx
	call rmpadj
	mov rax, PAGE_8M + 0x1000
	mov edx, 1
	call rmpadj
	mov rax, PAGE_8M + 0x1000
	mov edx, 1 | (1 << 16)
	call rmpadj
	mov rax, PAGE_4M
	mov edx, 1
	call rmpadj
	mov rax, PAGE_12M + 0x1000    ; 4 KiB inside the 2 MiB entry: split by the hypervisor
	mov edx, 1
	call rmpadj
	mov rax, PAGE_8M              ; 2 MiB over 4 KiB entries
	mov ecx, 1
	mov edx, 1
	call rmpadj
	call nl

	; ---- AP creation: what KVM refuses (needs --vcpus=2: APIC ID 2 is vCPU 1) ----
	mov rsi, s_ap
	call puts
	xor r8d, r8d                  ; RAX: not the launch SEV_FEATURES
	mov rsi, (2 << 32) | 1
	mov rdx, PAGE_8M + 0x1000
	call ap_call
	mov r8d, 1
	mov rsi, (2 << 32) | 1
	mov rdx, PAGE_6M              ; 2 MiB aligned
	call ap_call
	mov rsi, (9 << 32) | 1        ; no such APIC ID
	mov rdx, PAGE_8M + 0x1000
	call ap_call
	mov rsi, (2 << 32) | 7        ; no such request
	call ap_call
	mov rsi, (2 << 32) | 1 | (1 << 16) ; VMPL 1
	call ap_call
	mov rsi, (2 << 32) | 2        ; destroy: accepted
	call ap_call
	call nl
	cmp byte [action], 'b'
	je .ap_novmsa
	cmp byte [action], 'n'
	je .vmsa
	cmp byte [action], 'c'
	jne .done
.vmsa:
	mov rax, PAGE_8M + 0x2000
	xor ecx, ecx
	mov edx, 1
	call pv
	; a VMSA in the AP bring-up state (docs/abi.md §8.5): 32-bit flat protected mode,
	; paging off, at ap_entry; SEV_FEATURES = SNPActive, VMPL 0 (facts §7.1 offsets)
	mov rdi, PAGE_8M + 0x2000
	mov rax, 0xffffffff00000000 | (0xc9b << 16) | 0x28
	mov [rdi + 0x10], rax         ; CS: selector, attrib, limit; base 0
	mov rax, 0xffffffff00000000 | (0xc93 << 16) | 0x10
	mov [rdi + 0x00], rax         ; ES
	mov [rdi + 0x20], rax         ; SS
	mov [rdi + 0x30], rax         ; DS
	mov qword [rdi + 0x158], 0x11 ; CR0: PE, ET
	mov qword [rdi + 0xd0], 0x1000 ; EFER: SVME
	mov qword [rdi + 0x170], 2    ; RFLAGS
	mov qword [rdi + 0x178], ap_entry
	mov qword [rdi + 0x1d8], ap_stack_top
	mov qword [rdi + 0x3b0], 1
	mov rax, PAGE_8M + 0x2000
	xor ecx, ecx
	mov edx, 1 | (1 << 16)
	call rmpadj
	call nl
	jmp .create
.ap_novmsa:
	mov rax, PAGE_8M + 0x2000
	xor ecx, ecx
	mov edx, 1
	call pv
	call nl
.create:
	mov r8d, 1
	mov rsi, (2 << 32) | 1
	cmp byte [action], 'n'
	jne .req
	mov rsi, (2 << 32) | 0        ; request 0: create on INIT
.req:	mov rdx, PAGE_8M + 0x2000
	call ap_call
	call nl
	cmp byte [action], 'n'
	jne .waitup
	; n: the AP must not run before its INIT (a bounded wait: the flag stays 0), then
	; x2APIC on (GHCB MSR events: IA32_APIC_BASE |= EXTD) and INIT (assert) to APIC ID 2
	mov rsi, s_apinit
	call puts
	mov ecx, 50000                ; 200,000 instructions: 10 of the longest scheduler slices
	call wait_ap
	mov ecx, 0x1b
	mov rax, 0xfee00000 | (1 << 11) | (1 << 10) | (1 << 8)
	xor edx, edx
	call msr_write_ghcb
	mov ecx, 0x830                ; x2APIC ICR: INIT, level assert, physical, APIC ID 2
	mov eax, (5 << 8) | (1 << 14)
	mov edx, 2
	call msr_write_ghcb
	call nl
.waitup:
	mov rsi, s_apup               ; the AP says it ran (bounded wait)
	call puts
	mov ecx, 10000000
	call wait_ap
	call nl
.done:	TERM 0x7f

bits 32
; the AP created from the VMSA: its own GDT, then one write that the BSP waits for
ap_entry:
	lgdt [gdt_desc]
	jmp 0x28:.cs
.cs:	mov eax, 0x10
	mov ds, eax
	mov dword [ap_flag], 0xa9
.h:	hlt
	jmp .h
bits 64

; ---- h, i, j: validate all RAM, describe it as Linux's boot protocol does, leave the image ----
handoff:
	xor r12d, r12d                ; GPA of the 2 MiB chunk
.chunk:	mov rax, r12
	mov ecx, 1
	mov edx, 1
	PVALIDATE
	cmp eax, 6
	jne .next                     ; validated as 2 MiB (or already)
	xor r13d, r13d
.page:	lea rax, [r12 + r13]
	cmp rax, ghcb_page
	je .skip                      ; shared: validated after it is private again
	xor ecx, ecx
	mov edx, 1
	PVALIDATE
	test eax, eax
	jz .skip
	TERM 0x50
.skip:	add r13, 0x1000
	cmp r13, 0x200000
	jb .page
.next:	add r12, 0x200000
	cmp r12, 128 << 20
	jb .chunk
	cmp byte [action], 'i'
	je .params
	mov eax, ghcb_page + 0x014    ; the GHCB page private again, then validated
	mov edx, 1 << 20
	call msr_req64
	cmp rax, 0x015
	je .priv
	TERM 0x51
.priv:	mov rax, ghcb_page
	xor ecx, ecx
	mov edx, 1
	PVALIDATE
	test eax, eax
	jz .params
	TERM 0x52
.params:
	mov byte [boot_params + 0x1e8], 1             ; e820_entries
	mov qword [boot_params + 0x2d0], 0            ; RAM 0 .. 128 MiB, type 1
	mov qword [boot_params + 0x2d8], 128 << 20
	mov dword [boot_params + 0x2e0], 1
	mov qword [boot_params + 0x250], setup_node   ; hdr.setup_data
	mov qword [setup_node], 0
	mov dword [setup_node + 8], 7                 ; SETUP_CC_BLOB
	mov dword [setup_node + 12], 4
	mov dword [setup_node + 16], cc_blob
	mov dword [cc_blob], 0x45444d41               ; "AMDE"
	mov word [cc_blob + 4], 1
	mov qword [cc_blob + 8], secrets_page
	mov dword [cc_blob + 0x10], 4096
	mov qword [cc_blob + 0x18], cpuid_page
	mov dword [cc_blob + 0x20], 4096
	cmp byte [action], 'j'
	jne .go
	mov qword [cc_blob + 0x18], secrets_page
.go:	mov rsi, boot_params
	mov rax, 0x300000
	jmp rax                       ; the checker stops before the first instruction there

; rax = address, ecx = size, edx = validate: PVALIDATE; prints EAX * 16 + CF
pv:	PVALIDATE
	setc bl
	shl rax, 4
	or al, bl
	jmp hex

; rax = address, ecx = size, edx = attributes: RMPADJUST; prints EAX
rmpadj:	RMPADJUST
	jmp hex

; rsi = exit_info_1, rdx = exit_info_2, r8 = RAX; prints sw_exit_info_1 and _2
ap_call:
	push rdx
	push rsi
	mov [ghcb_page + 0x1f8], r8
	mov ecx, 63                   ; RAX valid
	call valid
	mov edi, 0x80000013
	call ghcb_call_raw
	mov rax, [ghcb_page + 0x398]
	call hex
	mov rax, [ghcb_page + 0x3a0]
	call hex
	pop rsi
	pop rdx
	ret

; wait at most ecx rounds for the AP's flag; prints it
wait_ap:
	cmp dword [ap_flag], 0
	jne .up
	pause
	loop wait_ap
.up:	mov eax, [ap_flag]
	jmp hex

; ecx = MSR, edx:eax = value: a WRMSR through the GHCB (exit 0x7C, exit_info_1 = 1);
; prints sw_exit_info_1
msr_write_ghcb:
	mov [ghcb_page + 0x308], rcx  ; RCX
	mov [ghcb_page + 0x1f8], rax  ; RAX
	mov [ghcb_page + 0x310], rdx  ; RDX
	mov ecx, 97
	call valid
	mov ecx, 63
	call valid
	mov ecx, 98
	call valid
	mov edi, 0x7c
	mov esi, 1
	xor edx, edx
	call ghcb_call_raw
	mov rax, [ghcb_page + 0x398]
	jmp hex

psc_call:
	mov rax, ghcb_page + 0x800
	mov [ghcb_page + 0x3a8], rax  ; sw_scratch
	mov ecx, 117
	call valid
	mov edi, 0x80000010
	xor esi, esi
	xor edx, edx
	jmp ghcb_call_raw

; eax/edx = the MSR-protocol request; returns the response in rax
msr_req64:
	mov ecx, MSR_GHCB
	wrmsr
	VMGEXIT
	rdmsr
	shl rdx, 32
	or rax, rdx
	ret

DEFINE_SET_GATE64 0
DEFINE_GHCB_CALLS ghcb_page, 2, 0
DEFINE_CONSOLE ghcb_page

fault64:
	TERM 0x40

; #VC: records the error code and RIP; resumes at [vc_resume] when a probe expects one
vc64:	push rax
	mov rax, [rsp + 8]
	mov [vc_err], rax
	mov rax, [rsp + 16]
	mov [vc_rip], rax
	inc qword [vc_count]
	mov rax, [vc_resume]
	test rax, rax
	jnz .go
	cmp qword [vc_err], 0x404
	jne .other
	TERM 0x31                     ; a #VC 0x404 no probe expected
.other:	TERM 0x30
.go:	mov qword [vc_resume], 0      ; each expected #VC once
	mov [rsp + 16], rax
	pop rax
	add rsp, 8
	iretq

section .data
DEFINE_GDT 0
align 8
idt_desc:
	dw 256 * 16 - 1
	dq idt
action:   db 'x'
s_pages:  db "pages", 0
s_pv4k:   db "pv4k", 0
s_pvhigh: db "pvhigh", 0
s_pv2m:   db "pv2m", 0
s_pvmix:  db "pvmix", 0
s_pvbad:  db "pvbad", 0
s_vc404:  db "vc404", 0
s_pscmsr: db "pscmsr", 0
s_tlbpsc: db "tlbpsc", 0
s_pscnae: db "pscnae", 0
s_hvft:   db "hvft", 0
s_rmpadj: db "rmpadjust", 0
s_ap:     db "apcreate", 0
s_apup:   db "apup", 0
s_apinit: db "apinit", 0

section .bss
alignb 4096
cpuid_page:   resb 4096
secrets_page: resb 4096
pml4:     resb 4096
pdpt:     resb 4096
pd:       resb 4096
pt:       resb 4096
pd_hi:    resb 4096
pd3:      resb 4096
ghcb_page: resb 4096
idt:      resb 256 * 16
alignb 4096
boot_params: resb 4096
setup_node: resb 64
cc_blob:  resb 64
alignb 8
cmask_hi: resq 1
vc_err:   resq 1
vc_rip:   resq 1
vc_count: resq 1
vc_resume: resq 1
ap_flag:  resq 1
linelen:  resq 1
linebuf:  resb 256
alignb 16
	resb 8192
stack_top:
	resb 4096
ap_stack_top:
