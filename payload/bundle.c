/* SPDX-License-Identifier: MIT */
/*
 * Bundle (cpio "newc") parser. newc member: 110-byte ASCII header ("070701"
 * or "070702", then ino mode uid gid nlink mtime filesize devmajor devminor
 * rdevmajor rdevminor namesize check, 8 hex digits each), the NUL-terminated
 * name, padding to 4, the data, padding to 4; the archive ends with a member
 * named TRAILER!!! (the format Linux's initramfs unpacker reads, init/initramfs.c).
 * The layout a bundle adds on top is in docs/payloads.md.
 */
#include "payload/bundle.h"
#include "payload/bytes.h"

#define FMT "bundle"
#define E(field, idx, val, why) payload_fail(err, FMT, field, idx, val, why)

enum { F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE, F_DEVMAJOR,
       F_DEVMINOR, F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE, F_CHECK, F_COUNT };

static const char *const field_names[F_COUNT] = {
	"c_ino", "c_mode", "c_uid", "c_gid", "c_nlink", "c_mtime", "c_filesize",
	"c_devmajor", "c_devminor", "c_rdevmajor", "c_rdevminor", "c_namesize", "c_check",
};

#define S_IFMT_  0170000u
#define S_IFREG_ 0100000u
#define S_IFDIR_ 0040000u

static bool is_magic(const uint8_t *p)
{
	return p[0] == '0' && p[1] == '7' && p[2] == '0' && p[3] == '7' && p[4] == '0' &&
	       (p[5] == '1' || p[5] == '2');
}

bool bundle_is_bundle(const void *mod, size_t size)
{
	return size >= BUNDLE_CPIO_HDR && is_magic(mod);
}

static int hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool name_is(const uint8_t *name, uint32_t len, const char *want)
{
	uint32_t i = 0;
	for (; want[i]; i++)
		if (i >= len || name[i] != (uint8_t)want[i])
			return false;
	return i == len;
}

/* Strip "./" and "/" prefixes (find . | cpio writes "./x"). */
static void strip_prefix(const uint8_t **name, uint32_t *len)
{
	for (;;) {
		if (*len >= 2 && (*name)[0] == '.' && (*name)[1] == '/') {
			*name += 2; *len -= 2;
		} else if (*len >= 1 && (*name)[0] == '/') {
			*name += 1; *len -= 1;
		} else {
			return;
		}
	}
}

struct member {
	uint32_t f[F_COUNT];
	const uint8_t *name;  /* without the NUL */
	uint32_t name_len;
	uint64_t data_off;
	uint64_t next;        /* offset of the following header */
};

static int read_member(const uint8_t *p, size_t size, uint64_t off, int idx,
		       struct member *m, struct payload_error *err)
{
	if (!payload_in_bounds(off, BUNDLE_CPIO_HDR, size))
		return E("member header", idx, off, "archive ends before TRAILER!!!");
	const uint8_t *h = p + off;
	if (!is_magic(h))
		return E("c_magic", idx, payload_rd32(h), "not a cpio newc header (070701/070702)");
	for (int k = 0; k < F_COUNT; k++) {
		uint32_t v = 0;
		for (int d = 0; d < 8; d++) {
			int x = hexval(h[6 + 8 * k + d]);
			if (x < 0)
				return E(field_names[k], idx, h[6 + 8 * k + d], "not 8 hex digits");
			v = (v << 4) | (uint32_t)x;
		}
		m->f[k] = v;
	}
	uint32_t ns = m->f[F_NAMESIZE];
	if (ns < 2)
		return E("c_namesize", idx, ns, "empty name");
	uint64_t name_off = off + BUNDLE_CPIO_HDR;
	if (!payload_in_bounds(name_off, ns, size))
		return E("c_namesize", idx, ns, "name extends past the end of the module");
	if (p[name_off + ns - 1] != 0)
		return E("c_namesize", idx, ns, "name is not NUL terminated");
	for (uint32_t i = 0; i + 1 < ns; i++)
		if (p[name_off + i] == 0)
			return E("c_namesize", idx, ns, "name contains a NUL");
	m->name = p + name_off;
	m->name_len = ns - 1;
	m->data_off = (name_off + ns + 3) & ~3ull;
	uint64_t fs = m->f[F_FILESIZE];
	if (!payload_in_bounds(m->data_off, fs, size))
		return E("c_filesize", idx, fs, "member data extends past the end of the module");
	m->next = (m->data_off + fs + 3) & ~3ull;
	return 0;
}

int bundle_parse(const void *mod, size_t size, struct bundle_plan *plan,
		 struct payload_error *err)
{
	const uint8_t *p = mod;
	bool have_kernel = false, have_initrd = false, mixed = false;
	uint64_t off = 0;
	*plan = (struct bundle_plan){ 0 };

	if (!bundle_is_bundle(mod, size))
		return E("c_magic", 0, size >= 4 ? payload_rd32(p) : size,
			 "module is not a cpio newc archive");
	for (int idx = 0;; idx++) {
		struct member m;
		if (idx == BUNDLE_MAX_MEMBERS)
			return E("member count", idx, idx, "no TRAILER!!! within 4096 members");
		if (read_member(p, size, off, idx, &m, err))
			return -1;
		off = m.next;
		if (name_is(m.name, m.name_len, "TRAILER!!!"))
			break;
		plan->members++;
		const uint8_t *n = m.name;
		uint32_t nl = m.name_len;
		strip_prefix(&n, &nl);
		uint32_t type = m.f[F_MODE] & S_IFMT_;
		bool reg = type == S_IFREG_;
		if (nl == 0 || name_is(n, nl, ".") || (name_is(n, nl, "cocoboot") && type == S_IFDIR_))
			continue;
		if (nl > 9 && name_is(n, 9, "cocoboot/")) {
			const uint8_t *leaf = n + 9;
			uint32_t ll = nl - 9;
			if (!reg)
				return E("c_mode", idx, m.f[F_MODE], "cocoboot/ member is not a regular file");
			if (name_is(leaf, ll, "kernel")) {
				if (have_kernel)
					return E("member name", idx, idx, "second cocoboot/kernel");
				if (m.f[F_FILESIZE] == 0)
					return E("c_filesize", idx, 0, "cocoboot/kernel is empty");
				have_kernel = true;
				plan->kernel_off = m.data_off;
				plan->kernel_size = m.f[F_FILESIZE];
			} else if (name_is(leaf, ll, "cmdline")) {
				if (plan->has_cmdline)
					return E("member name", idx, idx, "second cocoboot/cmdline");
				if (m.f[F_FILESIZE] > BUNDLE_MAX_CMDLINE)
					return E("c_filesize", idx, m.f[F_FILESIZE],
						 "cocoboot/cmdline longer than 4096 bytes");
				for (uint32_t i = 0; i < m.f[F_FILESIZE]; i++)
					if (p[m.data_off + i] == 0)
						return E("cocoboot/cmdline", idx, i, "contains a NUL byte at this offset");
				plan->has_cmdline = true;
				plan->cmdline_off = m.data_off;
				plan->cmdline_size = m.f[F_FILESIZE];
			} else if (name_is(leaf, ll, "initrd")) {
				if (have_initrd)
					return E("member name", idx, idx, "second cocoboot/initrd");
				have_initrd = true;
				plan->initrd_off = m.data_off;
				plan->initrd_size = m.f[F_FILESIZE];
			} else {
				return E("member name", idx, idx,
					 "unknown cocoboot/ member (kernel, cmdline, initrd)");
			}
			continue;
		}
		mixed = true;
	}
	if (!have_kernel)
		return E("cocoboot/kernel", -1, 0, "bundle has no cocoboot/kernel member");

	/* Skip the zero padding cpio writers add after the trailer (Linux skips it too). */
	uint64_t rest = off < size ? off : size;
	while (rest < size && p[rest] == 0)
		rest++;
	rest &= ~3ull;
	if (have_initrd) {
		if (rest < size && (size - rest) >= 4)
			return E("data after TRAILER!!!", -1, rest,
				 "both cocoboot/initrd and appended data: which is the initrd?");
		if (mixed)
			return E("member name", -1, plan->members,
				 "both cocoboot/initrd and other files in the archive");
		plan->initrd_kind = plan->initrd_size ? BUNDLE_INITRD_NESTED : BUNDLE_INITRD_NONE;
	} else if (mixed) {
		plan->initrd_kind = BUNDLE_INITRD_WHOLE;
		plan->initrd_off = 0;
		plan->initrd_size = size;
	} else if (rest < size && size - rest >= 4) {
		plan->initrd_kind = BUNDLE_INITRD_APPENDED;
		plan->initrd_off = rest;
		plan->initrd_size = size - rest;
	} else {
		plan->initrd_kind = BUNDLE_INITRD_NONE;
	}
	return 0;
}
