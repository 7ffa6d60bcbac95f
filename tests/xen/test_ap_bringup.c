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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(blob_digest_is_the_one_the_header_and_the_doc_state),
		cmocka_unit_test(blob_fits_between_header_and_first_slot_of_a_one_page_region),
		cmocka_unit_test(header_offsets_agree_in_asm_header_and_doc),
		cmocka_unit_test(slot_offsets_agree_in_asm_header_and_doc),
		cmocka_unit_test(slot_states_agree_in_asm_and_header),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
