/* SOURCES: payload/hashes.c lib/sha256.c sim/fw/launch_digest.c */
/*
 * Claims about the hashes table checks (payload/hashes.c, docs/abi.md §9.3), on tables
 * built by the VMM side's builder (sim/fw/launch_digest.c with sevsim's own encoding in
 * sim/fw/spec.h, not the guest's include/sev/hashes.h; OpenSSL digests):
 *  - an all-zero page is "no hashes"; a table as the VMM writes it is valid;
 *  - a wrong header GUID (as ciphertext reads), a wrong table length or a non-zero
 *    byte after the table is a bad table; an entry with another slot's GUID or a
 *    length other than 50 is a bad entry, naming the field;
 *  - the kernel/initrd hashes match exactly the bytes hashed, not one changed byte;
 *    the command line hash covers the bytes and their NUL; no command line is "".
 */
#include "tests/unit/unit.h"
#include <openssl/evp.h>
#include "payload/hashes.h"
#include "sim/fw/launch_digest.h"

static uint8_t page[COCOBOOT_HASHES_PAGE_SIZE];
static const uint8_t kernel[] = "kernel bytes", initrd[] = "initrd";

static void build(void)
{
	uint8_t k[32], i[32], c[32];
	EVP_Digest(kernel, sizeof(kernel), k, NULL, EVP_sha256(), NULL);
	EVP_Digest(initrd, sizeof(initrd), i, NULL, EVP_sha256(), NULL);
	ld_cmdline_hash("console=e9 -- quiet", c);
	ld_hashes_table(page, k, i, c);
}

static struct sev_hash_table *tab(void) { return (struct sev_hash_table *)page; }

static enum hashes_state check(struct hashes_problem *why)
{
	return hashes_table_check(page, sizeof(page), why);
}

static void empty_page_means_no_hashes_and_a_vmm_table_is_valid(void **s)
{
	(void)s;
	struct hashes_problem why;
	memset(page, 0, sizeof(page));
	assert_int_equal(check(&why), HASHES_EMPTY);
	build();
	assert_int_equal(check(&why), HASHES_VALID);
	assert_int_equal(tab()->len, 168);
	assert_int_equal(tab()->kernel.len, 50);
}

static void a_damaged_header_is_a_bad_table(void **s)
{
	(void)s;
	struct hashes_problem why;
	build();
	page[3] ^= 0x40;
	assert_int_equal(check(&why), HASHES_BAD_TABLE);
	assert_string_equal(why.field, "table.guid");
	build();
	tab()->len = 176;
	assert_int_equal(check(&why), HASHES_BAD_TABLE);
	assert_string_equal(why.field, "table.len");
	build();
	page[4095] = 1;
	assert_int_equal(check(&why), HASHES_BAD_TABLE);
	assert_int_equal(why.value, 4095);
}

static void a_bad_entry_names_its_field(void **s)
{
	(void)s;
	struct hashes_problem why;
	build();
	tab()->kernel.len = 49;
	assert_int_equal(check(&why), HASHES_BAD_ENTRY);
	assert_string_equal(why.field, "kernel.len");
	assert_int_equal(why.value, 49);
	build();
	memcpy(tab()->initrd.guid, tab()->kernel.guid, 16); /* entries swapped */
	assert_int_equal(check(&why), HASHES_BAD_ENTRY);
	assert_string_equal(why.field, "initrd.guid");
}

static void hashes_match_exactly_the_bytes_hashed(void **s)
{
	(void)s;
	uint8_t k[sizeof(kernel)];
	build();
	memcpy(k, kernel, sizeof(k));
	assert_true(hashes_entry_matches(&tab()->kernel, k, sizeof(k)));
	assert_false(hashes_entry_matches(&tab()->kernel, k, sizeof(k) - 1));
	k[5] ^= 1;
	assert_false(hashes_entry_matches(&tab()->kernel, k, sizeof(k)));
	assert_true(hashes_entry_matches(&tab()->initrd, initrd, sizeof(initrd)));
	assert_false(hashes_entry_matches(&tab()->initrd, kernel, sizeof(kernel)));
}

static void the_cmdline_hash_covers_the_bytes_and_the_nul(void **s)
{
	(void)s;
	const char *cl = "console=e9 -- quiet";
	uint8_t want[32];
	build();
	assert_true(hashes_cmdline_matches(&tab()->cmdline, cl, strlen(cl)));
	assert_false(hashes_cmdline_matches(&tab()->cmdline, cl, strlen(cl) - 1));
	EVP_Digest(cl, strlen(cl) + 1, want, NULL, EVP_sha256(), NULL);
	assert_memory_equal(tab()->cmdline.hash, want, 32);
	ld_cmdline_hash(NULL, tab()->cmdline.hash);
	assert_true(hashes_cmdline_matches(&tab()->cmdline, "", 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_page_means_no_hashes_and_a_vmm_table_is_valid),
		cmocka_unit_test(a_damaged_header_is_a_bad_table),
		cmocka_unit_test(a_bad_entry_names_its_field),
		cmocka_unit_test(hashes_match_exactly_the_bytes_hashed),
		cmocka_unit_test(the_cmdline_hash_covers_the_bytes_and_the_nul),
	};
	return UNIT_RUN(tests);
}
