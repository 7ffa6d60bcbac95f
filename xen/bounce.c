// SPDX-License-Identifier: MIT
/*
 * Hypercall arguments for a hypervisor that cannot read private memory (SEV):
 * Xen reads pointer arguments through the guest's addresses (facts §2.2), which
 * under SEV yields ciphertext, so the arguments of the calls cocoboot makes
 * before a payload runs are copied into a shared page and passed by its address.
 */
#include "xen/bounce.h"

#include "lib/string.h"
#include "xen/hypercall.h"

#define CONSOLEIO_write 0

size_t xen_bounce_args(unsigned int nr, uint64_t args[5], void *buf, uint64_t buf_gpa,
		       size_t size)
{
	size_t n = 0;

	if (nr == __HYPERVISOR_console_io && args[0] == CONSOLEIO_write) {
		n = args[1] < size ? (size_t)args[1] : size;
		memcpy(buf, (const void *)(uintptr_t)args[2], n);
		args[1] = n;
		args[2] = buf_gpa;
	} else if (nr == __HYPERVISOR_sched_op && args[1]) {
		n = 16 < size ? 16 : size; /* sched_shutdown and friends are <= 16 bytes */
		memcpy(buf, (const void *)(uintptr_t)args[1], n);
		args[1] = buf_gpa;
	}
	return n;
}
