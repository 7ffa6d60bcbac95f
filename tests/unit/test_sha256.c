/* SOURCES: lib/sha256.c */
/*
 * Claims about the guest's SHA-256 (lib/sha256.c):
 *  - it gives the FIPS 180-4 example digests ("abc", the 448-bit message, the empty
 *    message, one million 'a's);
 *  - on random data of lengths at and around the block edges, up to 1 MiB, fed whole and in
 *    random pieces, it equals the host's sha256sum (coreutils, run as a process).
 */
#include "tests/unit/unit.h"
#include "lib/sha256.h"

static void hex(const uint8_t d[32], char out[65])
{
	for (int i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static void check_hex(const void *m, size_t len, const char *want)
{
	uint8_t d[32];
	char h[65];

	sha256(m, len, d);
	hex(d, h);
	assert_string_equal(h, want);
}

static void gives_the_fips_180_4_example_digests(void **s)
{
	(void)s;
	check_hex("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	check_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	check_hex("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	struct sha256_ctx c;
	uint8_t a[1000], d[32];
	char h[65];
	memset(a, 'a', sizeof(a));
	sha256_init(&c);
	for (int i = 0; i < 1000; i++)
		sha256_update(&c, a, sizeof(a));
	sha256_final(&c, d);
	hex(d, h);
	assert_string_equal(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* The host's sha256sum of buf, through a temporary file. */
static void host_sha256sum(const uint8_t *buf, size_t len, char out[65])
{
	char path[] = "/tmp/cb-sha256-XXXXXX", cmd[64];
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "sha256sum %s", path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(out, 65, p));
	pclose(p);
	remove(path);
	out[64] = 0;
}

static void equals_the_hosts_sha256sum_on_random_data(void **s)
{
	(void)s;
	static uint8_t buf[1 << 20];
	uint64_t x = 0x9e3779b97f4a7c15ull;
	size_t lens[] = { 0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 300, 4096, 65537, sizeof(buf) };

	for (size_t i = 0; i < sizeof(buf); i++) {
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		buf[i] = (uint8_t)x;
	}
	for (size_t n = 0; n < sizeof(lens) / sizeof(lens[0]); n++) {
		size_t len = lens[n], off = 0;
		char want[65], got[65];
		uint8_t d[32];
		struct sha256_ctx c;

		host_sha256sum(buf, len, want);
		sha256(buf, len, d);
		hex(d, got);
		assert_string_equal(got, want);
		/* the same message in random pieces */
		sha256_init(&c);
		while (off < len) {
			x ^= x << 13; x ^= x >> 7; x ^= x << 17;
			size_t piece = x % 200;
			if (piece > len - off)
				piece = len - off;
			sha256_update(&c, buf + off, piece);
			off += piece;
		}
		sha256_final(&c, d);
		hex(d, got);
		assert_string_equal(got, want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(gives_the_fips_180_4_example_digests),
		cmocka_unit_test(equals_the_hosts_sha256sum_on_random_data),
	};
	return UNIT_RUN(tests);
}
