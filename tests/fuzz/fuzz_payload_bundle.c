/* SOURCES: payload/bundle.c */
/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the bundle (cpio newc) parser. On success the kernel,
 * command line and initrd ranges lie inside the input and the kernel is not
 * empty (payload/bundle.c contract).
 */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include "payload/bundle.h"

static void in(uint64_t off, uint64_t len, size_t size)
{
	if (off > size || len > size - off)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bundle_plan plan;
	struct payload_error err;
	if (bundle_parse(data, size, &plan, &err) != 0) {
		if (!err.field || !err.reason)
			abort();
		return 0;
	}
	if (plan.kernel_size == 0)
		abort();
	in(plan.kernel_off, plan.kernel_size, size);
	if (plan.has_cmdline) {
		in(plan.cmdline_off, plan.cmdline_size, size);
		if (plan.cmdline_size > BUNDLE_MAX_CMDLINE)
			abort();
	}
	in(plan.initrd_off, plan.initrd_size, size);
	if ((plan.initrd_kind == BUNDLE_INITRD_NONE) != (plan.initrd_size == 0))
		abort();
	return 0;
}
