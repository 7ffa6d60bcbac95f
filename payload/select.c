/* SPDX-License-Identifier: MIT */
/* Payload selection from the PVH modules (docs/payloads.md). */
#include "payload/select.h"

static const char *mod_cmdline(const struct pvh_module *m)
{
	return m->cmdline_paddr && m->cmdline[0] ? m->cmdline : NULL;
}

static size_t slen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

/* A command line file usually ends with a newline: drop trailing white space. */
static size_t trim(const char *s, size_t n)
{
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n;
}

int payload_select(const struct pvh_info *info, const char *dashdash, size_t dashdash_len,
		   struct payload_sources *out, struct payload_error *err)
{
	*out = (struct payload_sources){ 0 };
	if (info->nr_modules == 0)
		return payload_fail(err, "payload", "nr_modules", -1, 0, "no module to boot");
	const struct pvh_module *m0 = &info->modules[0];
	const uint8_t *p0 = (const uint8_t *)(uintptr_t)m0->paddr;
	unsigned next = 1;

	if (bundle_is_bundle(p0, m0->size)) {
		out->bundle = true;
		if (bundle_parse(p0, m0->size, &out->bplan, err))
			return -1;
		out->kernel = (struct payload_blob){ m0->paddr + out->bplan.kernel_off,
						     out->bplan.kernel_size, NULL };
		if (out->bplan.initrd_kind != BUNDLE_INITRD_NONE) {
			out->has_initrd = true;
			out->initrd = (struct payload_blob){ m0->paddr + out->bplan.initrd_off,
							     out->bplan.initrd_size, NULL };
		}
	} else {
		out->kernel = (struct payload_blob){ m0->paddr, m0->size, NULL };
		if (info->nr_modules > 1) {
			const struct pvh_module *m1 = &info->modules[1];
			out->has_initrd = true;
			out->initrd = (struct payload_blob){ m1->paddr, m1->size, mod_cmdline(m1) };
			next = 2;
		}
	}
	for (unsigned i = next; i < info->nr_modules && out->nr_extra < PAYLOAD_MAX_MODULES; i++) {
		const struct pvh_module *m = &info->modules[i];
		out->extra[out->nr_extra++] = (struct payload_blob){ m->paddr, m->size, mod_cmdline(m) };
	}

	if (dashdash) {
		out->cmdline = dashdash;
		out->cmdline_len = trim(dashdash, dashdash_len);
		out->cmdline_source = PAYLOAD_CMDLINE_DASHDASH;
	} else if (out->bundle && out->bplan.has_cmdline) {
		out->cmdline = (const char *)p0 + out->bplan.cmdline_off;
		out->cmdline_len = trim(out->cmdline, out->bplan.cmdline_size);
		out->cmdline_source = PAYLOAD_CMDLINE_BUNDLE;
	} else if (mod_cmdline(m0)) {
		out->cmdline = m0->cmdline;
		out->cmdline_len = trim(m0->cmdline, slen(m0->cmdline));
		out->cmdline_source = PAYLOAD_CMDLINE_MODULE;
	} else {
		out->cmdline = "";
		out->cmdline_len = 0;
		out->cmdline_source = PAYLOAD_CMDLINE_NONE;
	}
	return 0;
}

const char *payload_cmdline_source_name(enum payload_cmdline_source s)
{
	switch (s) {
	case PAYLOAD_CMDLINE_DASHDASH: return "cocoboot command line after --";
	case PAYLOAD_CMDLINE_BUNDLE:   return "bundle cocoboot/cmdline";
	case PAYLOAD_CMDLINE_MODULE:   return "module 0 command line";
	default:                       return "none";
	}
}
