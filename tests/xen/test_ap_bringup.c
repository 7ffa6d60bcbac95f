/*
 * Claims about the Xen AP bring-up page's reference init code
 * (xen/host/ap_bringup.asm, assembled to $BUILD/xen/host/ap_bringup.bin): its
 * SHA-256 is the one include/xen/ap_bringup.h and docs/abi.md state, it fits the
 * layout the document gives, and the offsets the assembly uses, the header's
 * _Static_asserts and the document's tables are the same numbers.
 * Run from the top of the tree (make check does).
 */
#include "tests/unit/unit.h"

#include <openssl/sha.h>
#include <unicorn/unicorn.h>

#include <xen/ap_bringup.h>

static uint8_t blob[4096];
static size_t blob_len;
static char doc[200000];
static char asm_src[20000];

static size_t slurp(const char *path, void *buf, size_t max)
{
	FILE *f = fopen(path, "rb");

	if (!f)
		fail_msg("cannot open %s", path);
	size_t n = fread(buf, 1, max, f);

	fclose(f);
	return n;
}

static int setup(void **st)
{
	(void)st;
	const char *b = getenv("BUILD") ? getenv("BUILD") : "build";
	char path[512];

	snprintf(path, sizeof(path), "%s/xen/host/ap_bringup.bin", b);
	blob_len = slurp(path, blob, sizeof(blob));
	slurp("docs/abi.md", doc, sizeof(doc) - 1);
	slurp("xen/host/ap_bringup.asm", asm_src, sizeof(asm_src) - 1);
	return 0;
}

static void hex(const uint8_t *d, char *out)
{
	for (int i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static void blob_digest_is_the_one_the_header_and_the_doc_state(void **st)
{
	(void)st;
	uint8_t d[32];
	char h[65];

	SHA256(blob, blob_len, d);
	hex(d, h);
	assert_string_equal(h, XEN_AP_BRINGUP_REF_SHA256_HEX);
	assert_non_null(strstr(doc, h));
	char len[64];

	snprintf(len, sizeof(len), "%zu bytes", blob_len);
	assert_non_null(strstr(doc, len));
}

static void blob_fits_between_header_and_first_slot_of_a_one_page_region(void **st)
{
	(void)st;
	/* v1: code at 0x80 right after the header; slots 128-aligned after it;
	 * 16 vCPUs must fit in one page. */
	size_t slot_offset = (0x80 + blob_len + 127) & ~(size_t)127;

	assert_true(blob_len > 0 && blob_len < 1024);
	assert_true(slot_offset + 16 * XEN_AP_BRINGUP_SLOT_SIZE <= 4096);
	assert_int_equal(blob[0], 0xfa); /* cli: the entry is the first byte */
}

/* "%define NAME 0xNN" in the assembly. */
static long asm_define(const char *name)
{
	char pat[64];

	snprintf(pat, sizeof(pat), "%%define %s ", name);
	const char *p = strstr(asm_src, pat);

	if (!p)
		fail_msg("no %%define %s in xen/host/ap_bringup.asm", name);
	return strtol(p + strlen(pat), NULL, 0);
}

/* "| 0xNN | size | name |" in the document's section starting at heading. */
static long doc_offset(const char *heading, const char *name)
{
	const char *sec = strstr(doc, heading);

	if (!sec)
		fail_msg("no section '%s' in docs/abi.md", heading);
	const char *end = strstr(sec + 1, "\n### ");
	char pat[64];

	snprintf(pat, sizeof(pat), "| `%s` |", name);
	const char *p = strstr(sec, pat);

	if (!p || (end && p > end))
		fail_msg("docs/abi.md '%s' has no row for %s", heading, name);
	while (p > sec && *p != '\n')
		p--;
	return strtol(p + 3, NULL, 0); /* "\n| 0x.." */
}

#define HDR "### 8.3 "
#define SLOT "### 8.4 "
#define H(field) offsetof(struct xen_ap_bringup_header, field)
#define S(field) offsetof(struct xen_ap_bringup_slot, field)

static void header_offsets_agree_in_asm_header_and_doc(void **st)
{
	(void)st;
	assert_int_equal(asm_define("H_CODE_OFFSET"), H(code_offset));
	assert_int_equal(asm_define("H_SLOT_OFFSET"), H(slot_offset));
	assert_int_equal(asm_define("H_NR_SLOTS"), H(nr_slots));
	assert_int_equal(asm_define("H_STRAY_VCPU"), H(stray_vcpu));
	static const struct { const char *n; size_t off; } f[] = {
		{ "magic", H(magic) }, { "version", H(version) }, { "header_size", H(header_size) },
		{ "size", H(size) }, { "code_offset", H(code_offset) },
		{ "code_length", H(code_length) }, { "slot_offset", H(slot_offset) },
		{ "slot_size", H(slot_size) }, { "nr_slots", H(nr_slots) },
		{ "code_sha256", H(code_sha256) }, { "stray_vcpu", H(stray_vcpu) },
		{ "entry_offset", H(entry_offset) }, { "reserved", H(reserved) },
	};
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		assert_int_equal(doc_offset(HDR, f[i].n), f[i].off);
}

static void slot_offsets_agree_in_asm_header_and_doc(void **st)
{
	(void)st;
	static const struct { const char *asm_name, *n; size_t off; } f[] = {
		{ "S_STATE", "state", S(state) }, { "S_FLAGS", "flags", S(flags) },
		{ "S_CR3", "cr3", S(cr3) }, { "S_CR4", "cr4", S(cr4) }, { "S_EFER", "efer", S(efer) },
		{ "S_CR0", "cr0", S(cr0) }, { "S_CS", "cs", S(cs) }, { "S_DS", "ds", S(ds) },
		{ "S_GDT_LIMIT", "gdt_limit", S(gdt_limit) }, { "S_GDT_BASE", "gdt_base", S(gdt_base) },
		{ "S_RIP", "rip", S(rip) }, { "S_RSP", "rsp", S(rsp) }, { "S_RDI", "rdi", S(rdi) },
		{ "S_DETAIL", "detail", S(detail) }, { "S_FAR", "scratch", S(scratch) },
	};
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		assert_int_equal(asm_define(f[i].asm_name), f[i].off);
		assert_int_equal(doc_offset(SLOT, f[i].n), f[i].off);
	}
	assert_int_equal(1L << asm_define("SLOT_SHIFT"), XEN_AP_BRINGUP_SLOT_SIZE);
}

static void slot_states_agree_in_asm_and_header(void **st)
{
	(void)st;
	assert_int_equal(asm_define("ST_ARMED"), XEN_AP_SLOT_ARMED);
	assert_int_equal(asm_define("ST_RUNNING"), XEN_AP_SLOT_RUNNING);
	assert_int_equal(asm_define("ST_LEFT"), XEN_AP_SLOT_LEFT);
	assert_int_equal(asm_define("ST_NOT_ARMED"), XEN_AP_SLOT_ERR_NOT_ARMED);
	assert_int_equal(asm_define("ST_RANGE"), XEN_AP_SLOT_ERR_RANGE);
	assert_int_equal(asm_define("ST_FLAGS"), XEN_AP_SLOT_ERR_FLAGS);
	assert_int_equal(asm_define("F_LONG_MODE"), XEN_AP_SLOT_LONG_MODE);
}


/* ---- running the code ------------------------------------------------------------- */

#define MEM       0x200000u
#define REGION    0x10000u  /* the bring-up region */
#define GDT       0x20000u
#define PML4      0x30000u  /* identity map of the first 2 MiB */
#define TARGET    0x40000u  /* where the APs are sent: a HLT */
#define STACK     0x50000u
#define SEEN      0x60000u  /* the target stores what it got here */
#define NR_SLOTS  4

static uint8_t mem[MEM];

static struct xen_ap_bringup_header *hdr(void)
{
	return (struct xen_ap_bringup_header *)(mem + REGION);
}

static struct xen_ap_bringup_slot *slot(unsigned v)
{
	return (struct xen_ap_bringup_slot *)(mem + REGION + hdr()->slot_offset + v * 128u);
}

/* What section 8.8 asks of a toolstack, plus a guest GDT and page tables. */
static void build_region(void)
{
	memset(mem, 0, sizeof(mem));
	struct xen_ap_bringup_header *h = hdr();
	uint32_t code_offset = XEN_AP_BRINGUP_HDR_SIZE;

	h->magic = XEN_AP_BRINGUP_MAGIC;
	h->version = XEN_AP_BRINGUP_VERSION;
	h->header_size = XEN_AP_BRINGUP_HDR_SIZE;
	h->code_offset = code_offset;
	h->code_length = (uint32_t)blob_len;
	h->slot_offset = (uint32_t)((code_offset + blob_len + 127) & ~(size_t)127);
	h->slot_size = XEN_AP_BRINGUP_SLOT_SIZE;
	h->nr_slots = NR_SLOTS;
	h->size = (h->slot_offset + NR_SLOTS * 128 + 4095) & ~4095u;
	h->entry_offset = code_offset;
	SHA256(blob, blob_len, h->code_sha256);
	memcpy(mem + REGION + code_offset, blob, blob_len);

	static const uint64_t gdt[] = { 0, 0x00cf9b000000ffffull, 0x00cf93000000ffffull,
					0x00af9b000000ffffull };
	memcpy(mem + GDT, gdt, sizeof(gdt));
	uint64_t pml4e = (PML4 + 0x1000) | 3, pdpte = (PML4 + 0x2000) | 3, pde = 0x83;

	memcpy(mem + PML4, &pml4e, 8);
	memcpy(mem + PML4 + 0x1000, &pdpte, 8);
	memcpy(mem + PML4 + 0x2000, &pde, 8);
}

/* Target code: store RDI, RSI, RSP, RBX and CS at SEEN, then HLT. */
static void target64(void)
{
	static const uint8_t code[] = {
		0x48, 0x89, 0x3c, 0x25, 0x00, 0x00, 0x06, 0x00, /* mov [0x60000], rdi */
		0x48, 0x89, 0x34, 0x25, 0x08, 0x00, 0x06, 0x00, /* mov [0x60008], rsi */
		0x48, 0x89, 0x24, 0x25, 0x10, 0x00, 0x06, 0x00, /* mov [0x60010], rsp */
		0x48, 0x89, 0x1c, 0x25, 0x18, 0x00, 0x06, 0x00, /* mov [0x60018], rbx */
		0x8c, 0x0c, 0x25, 0x20, 0x00, 0x06, 0x00,       /* mov [0x60020], cs */
		0xf4,                                           /* hlt */
	};
	memcpy(mem + TARGET, code, sizeof(code));
}

static void target32(void)
{
	static const uint8_t code[] = {
		0x89, 0x3d, 0x00, 0x00, 0x06, 0x00, /* mov [0x60000], edi */
		0x89, 0x35, 0x08, 0x00, 0x06, 0x00, /* mov [0x60008], esi */
		0x89, 0x25, 0x10, 0x00, 0x06, 0x00, /* mov [0x60010], esp */
		0x89, 0x1d, 0x18, 0x00, 0x06, 0x00, /* mov [0x60018], ebx */
		0x8c, 0x0d, 0x20, 0x00, 0x06, 0x00, /* mov [0x60020], cs */
		0xf4,
	};
	memcpy(mem + TARGET, code, sizeof(code));
}

static uint64_t seen(unsigned i)
{
	uint64_t v;

	memcpy(&v, mem + SEEN + 8 * i, 8);
	return v;
}

/* The guest's part of a 64-bit start: every field, then ARMED. */
static void arm_long(unsigned v)
{
	struct xen_ap_bringup_slot *s = slot(v);

	*s = (struct xen_ap_bringup_slot){
		.flags = XEN_AP_SLOT_LONG_MODE, .cr3 = PML4, .cr4 = 0x20 /* PAE */,
		.efer = 0x100 /* LME */, .cr0 = 0x80000011 /* PG ET PE */, .cs = 0x18, .ds = 0x10,
		.gdt_limit = 4 * 8 - 1, .gdt_base = GDT, .rip = TARGET, .rsp = STACK - v * 0x1000,
		.rdi = 0xc0c0b007ull << 8 | v,
	};
	s->state = XEN_AP_SLOT_ARMED;
}

/* sevsim's reset stub (sim/cpu/reset.asm) takes a fresh Unicorn 2.0.1 64-bit
 * engine, which starts in long mode with paging off, to 32-bit protected mode
 * with paging and LME off: the launch state of section 8.5. (A 32-bit engine
 * cannot be used: it ignores EFER.LME.) It runs from the special pages at
 * 0xFEFF8000 with its page tables behind it, as sim/cpu/vcpu.c sets them up. */
extern const uint8_t sim_reset_stub[], sim_reset_stub_end[], sim_reset_stub_done[];
#define STUB_BASE 0xfeff8000ull
static uint8_t stub_mem[0x8000];

static void reset_to_launch_state(uc_engine *uc)
{
	uint64_t *pml4 = (uint64_t *)(stub_mem + 0x1000), *pdpt = (uint64_t *)(stub_mem + 0x2000);
	uint64_t *pd = (uint64_t *)(stub_mem + 0x3000), rsp = STUB_BASE + 0x5000;

	memset(stub_mem, 0, sizeof(stub_mem));
	memcpy(stub_mem, sim_reset_stub, (size_t)(sim_reset_stub_end - sim_reset_stub));
	pml4[0] = (STUB_BASE + 0x2000) | 3;
	pdpt[3] = (STUB_BASE + 0x3000) | 3;
	pd[(STUB_BASE >> 21) & 0x1ff] = (STUB_BASE & ~0x1fffffull) | 0x83;
	assert_int_equal(uc_mem_map_ptr(uc, STUB_BASE, sizeof(stub_mem), UC_PROT_ALL, stub_mem),
			 UC_ERR_OK);
	uc_reg_write(uc, UC_X86_REG_RSP, &rsp);
	assert_int_equal(uc_emu_start(uc, STUB_BASE, STUB_BASE + (uint64_t)(sim_reset_stub_done -
								      sim_reset_stub), 0, 0),
			 UC_ERR_OK);
}

/* One AP from the launch state of section 8.5: EBX = region, ESI = v, the rest 0.
 * Afterwards the slot and what the target stored at SEEN say what happened. */
static void run_ap(unsigned v)
{
	uc_engine *uc;
	uint64_t eip = REGION + hdr()->entry_offset, rbx = REGION, rsi = v, zero = 0;

	memset(mem + SEEN, 0, 64);
	assert_int_equal(uc_open(UC_ARCH_X86, UC_MODE_64, &uc), UC_ERR_OK);
	assert_int_equal(uc_mem_map_ptr(uc, 0, MEM, UC_PROT_ALL, mem), UC_ERR_OK);
	reset_to_launch_state(uc);
	uc_reg_write(uc, UC_X86_REG_RBX, &rbx);
	uc_reg_write(uc, UC_X86_REG_RSI, &rsi);
	uc_reg_write(uc, UC_X86_REG_RSP, &zero);
	uc_emu_start(uc, eip, 0, 0, 2000); /* ends at a HLT (target or error path) */
	uc_close(uc);
}

static void aps_reach_the_64bit_target_in_the_state_their_slots_ask_for(void **st)
{
	(void)st;
	build_region();
	target64();
	for (unsigned v = 1; v < NR_SLOTS; v++) /* all armed at once: parallel start */
		arm_long(v);
	for (unsigned v = 1; v < NR_SLOTS; v++) {
		run_ap(v);
		assert_int_equal(seen(0), 0xc0c0b007ull << 8 | v);  /* RDI = slot.rdi, 64 bits */
		assert_int_equal(seen(1), v);                        /* RSI = vCPU id */
		assert_int_equal(seen(2), STACK - v * 0x1000);       /* RSP = slot.rsp */
		assert_int_equal(seen(3), REGION);                   /* RBX = the region */
		assert_int_equal(seen(4) & 0xffff, 0x18);            /* CS = slot.cs, 64-bit code */
		assert_int_equal(slot(v)->state, XEN_AP_SLOT_LEFT);
	}
	assert_int_equal(slot(0)->state, XEN_AP_SLOT_EMPTY);
	assert_int_equal(hdr()->stray_vcpu, 0);
}

static void an_ap_reaches_a_32bit_target_with_paging_off(void **st)
{
	(void)st;
	build_region();
	target32();
	struct xen_ap_bringup_slot *s = slot(2);

	*s = (struct xen_ap_bringup_slot){ .cr0 = 0x11, .cs = 0x08, .ds = 0x10, .gdt_limit = 31,
					   .gdt_base = GDT, .rip = TARGET, .rsp = STACK, .rdi = 77 };
	s->state = XEN_AP_SLOT_ARMED;
	run_ap(2);
	assert_int_equal(seen(0), 77);
	assert_int_equal(seen(1), 2);
	assert_int_equal(seen(2), STACK);
	assert_int_equal(seen(3), REGION);
	assert_int_equal(seen(4) & 0xffff, 0x08);
	assert_int_equal(s->state, XEN_AP_SLOT_LEFT);
}

static void each_error_path_reports_state_and_detail(void **st)
{
	(void)st;
	build_region();
	target64();
	run_ap(1); /* never armed */
	assert_int_equal(slot(1)->state, XEN_AP_SLOT_ERR_NOT_ARMED);
	assert_int_equal(slot(1)->detail, XEN_AP_SLOT_EMPTY);

	run_ap(NR_SLOTS + 2); /* a vCPU without a slot */
	assert_int_equal(hdr()->stray_vcpu, NR_SLOTS + 3);

	arm_long(2);
	slot(2)->cr3 = 0x100000000ull; /* a CR3 a 32-bit MOV cannot load */
	run_ap(2);
	assert_int_equal(slot(2)->state, XEN_AP_SLOT_ERR_RANGE);
	assert_int_equal(slot(2)->detail, offsetof(struct xen_ap_bringup_slot, cr3));

	arm_long(3);
	slot(3)->flags |= 0x80;
	run_ap(3);
	assert_int_equal(slot(3)->state, XEN_AP_SLOT_ERR_FLAGS);
	assert_int_equal(slot(3)->detail, XEN_AP_SLOT_LONG_MODE | 0x80);
	assert_int_equal(seen(1), 0); /* no error path reached the target */

	build_region();
	slot(1)->rip = 0x100000000ull; /* 32-bit target above 4 GiB */
	slot(1)->state = XEN_AP_SLOT_ARMED;
	run_ap(1);
	assert_int_equal(slot(1)->state, XEN_AP_SLOT_ERR_RANGE);
	assert_int_equal(slot(1)->detail, offsetof(struct xen_ap_bringup_slot, rip));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(blob_digest_is_the_one_the_header_and_the_doc_state),
		cmocka_unit_test(blob_fits_between_header_and_first_slot_of_a_one_page_region),
		cmocka_unit_test(header_offsets_agree_in_asm_header_and_doc),
		cmocka_unit_test(slot_offsets_agree_in_asm_header_and_doc),
		cmocka_unit_test(slot_states_agree_in_asm_and_header),
		cmocka_unit_test(aps_reach_the_64bit_target_in_the_state_their_slots_ask_for),
		cmocka_unit_test(an_ap_reaches_a_32bit_target_with_paging_off),
		cmocka_unit_test(each_error_path_reports_state_and_detail),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
