/* SOURCES: payload/bzimage.c */
/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the bzImage parser. On success the protected-mode
 * image and the compressed payload lie inside the input, the alignment is a
 * power of two and init_size covers the image (payload/bzimage.c contract).
 */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include "payload/bzimage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bzimage_plan plan;
	struct payload_error err;
	if (bzimage_parse(data, size, &plan, &err) != 0) {
		if (!err.field || !err.reason)
			abort();
		return 0;
	}
	if (plan.pm_offset != plan.setup_size || plan.pm_offset >= size ||
	    plan.pm_size == 0 || plan.pm_size > size - plan.pm_offset)
		abort();
	if (plan.hdr_end > 0x290 || plan.hdr_end > plan.setup_size)
		abort();
	if (plan.kernel_alignment & (plan.kernel_alignment - 1))
		abort();
	if (plan.init_size < plan.pm_size || plan.version < 0x020c)
		abort();
	return 0;
}
