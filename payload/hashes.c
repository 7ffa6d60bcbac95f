// SPDX-License-Identifier: MIT
/* The SEV hashes table's checks (docs/abi.md §9.3). */
#include "payload/hashes.h"

#include "lib/sha256.h"
#include "lib/string.h"

static const uint8_t table_guid[16] = SEV_HASH_TABLE_GUID;

static bool entry_ok(const struct sev_hash_entry *e, const uint8_t guid[16], const char *gfield,
		     const char *lfield, struct hashes_problem *why)
{
	if (memcmp(e->guid, guid, 16) != 0) {
		*why = (struct hashes_problem){ gfield, e->guid[0] | (uint64_t)e->guid[1] << 8 |
						(uint64_t)e->guid[2] << 16 | (uint64_t)e->guid[3] << 24,
						"not the GUID this slot holds (QEMU SevHashTable order)" };
		return false;
	}
	if (e->len != sizeof(*e)) {
		*why = (struct hashes_problem){ lfield, e->len, "entry length must be 50" };
		return false;
	}
	return true;
}

enum hashes_state hashes_table_check(const uint8_t *page, size_t size, struct hashes_problem *why)
{
	static const uint8_t cmdline_guid[16] = SEV_HASH_CMDLINE_GUID;
	static const uint8_t initrd_guid[16] = SEV_HASH_INITRD_GUID;
	static const uint8_t kernel_guid[16] = SEV_HASH_KERNEL_GUID;
	const struct sev_hash_table *t = (const struct sev_hash_table *)page;
	size_t nonzero = size;

	for (size_t i = 0; i < size; i++)
		if (page[i]) {
			nonzero = i;
			break;
		}
	if (nonzero == size)
		return HASHES_EMPTY;
	if (memcmp(t->guid, table_guid, 16) != 0) {
		*why = (struct hashes_problem){ "table.guid", t->guid[0] | (uint64_t)t->guid[1] << 8,
						"not the hashes-table GUID (overwritten, or ciphertext)" };
		return HASHES_BAD_TABLE;
	}
	if (t->len != sizeof(*t)) {
		*why = (struct hashes_problem){ "table.len", t->len, "table length must be 168" };
		return HASHES_BAD_TABLE;
	}
	for (size_t i = sizeof(*t); i < size; i++)
		if (page[i]) {
			*why = (struct hashes_problem){ "table page offset", i,
							"non-zero byte after the table" };
			return HASHES_BAD_TABLE;
		}
	if (!entry_ok(&t->cmdline, cmdline_guid, "cmdline.guid", "cmdline.len", why) ||
	    !entry_ok(&t->initrd, initrd_guid, "initrd.guid", "initrd.len", why) ||
	    !entry_ok(&t->kernel, kernel_guid, "kernel.guid", "kernel.len", why))
		return HASHES_BAD_ENTRY;
	return HASHES_VALID;
}

bool hashes_entry_matches(const struct sev_hash_entry *e, const void *data, size_t len)
{
	uint8_t d[SHA256_DIGEST_SIZE];

	sha256(data, len, d);
	return memcmp(d, e->hash, sizeof(d)) == 0;
}

bool hashes_cmdline_matches(const struct sev_hash_entry *e, const char *cmdline, size_t len)
{
	struct sha256_ctx c;
	uint8_t d[SHA256_DIGEST_SIZE];

	sha256_init(&c);
	sha256_update(&c, cmdline, len);
	sha256_update(&c, "", 1);
	sha256_final(&c, d);
	return memcmp(d, e->hash, sizeof(d)) == 0;
}
