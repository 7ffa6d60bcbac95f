/* SPDX-License-Identifier: MIT */
#ifndef COCOBOOT_XEN_BOUNCE_H
#define COCOBOOT_XEN_BOUNCE_H

#include <stddef.h>
#include <stdint.h>

/* Copy the pointer arguments of console_io(write) and sched_op into buf (shared
 * memory at guest-physical buf_gpa, size bytes) and point args there. Other
 * hypercalls are left alone: their callers must pass shared addresses. Returns
 * the bytes copied. */
size_t xen_bounce_args(unsigned int nr, uint64_t args[5], void *buf, uint64_t buf_gpa,
		       size_t size);

#endif
