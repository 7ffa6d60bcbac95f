/* SPDX-License-Identifier: MIT */
/*
 * cocoboot bundle: one module that carries a payload kernel, an optional
 * command line and the initrd (docs/payloads.md "Bundle format"). It is a cpio
 * "newc" archive whose members are named cocoboot/kernel, cocoboot/cmdline and
 * optionally cocoboot/initrd, ended by TRAILER!!!; the initrd is whatever
 * follows that archive in the module, so the module handed to Linux as its
 * initrd is still a valid (concatenated) initramfs.
 * Pure C over an untrusted buffer; also built on the host.
 */
#ifndef COCOBOOT_PAYLOAD_BUNDLE_H
#define COCOBOOT_PAYLOAD_BUNDLE_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "payload/error.h"

#define BUNDLE_MAX_MEMBERS  4096  /* members looked at before the trailer */
#define BUNDLE_MAX_CMDLINE  4096  /* bytes of cocoboot/cmdline */
#define BUNDLE_CPIO_HDR     110   /* "070701" + 13 fields of 8 hex digits */

/* How the initrd was found (docs/payloads.md). */
enum bundle_initrd_kind {
	BUNDLE_INITRD_NONE,     /* nothing after the trailer and no cocoboot/initrd */
	BUNDLE_INITRD_APPENDED, /* the bytes after the first archive's trailer */
	BUNDLE_INITRD_NESTED,   /* the data of the cocoboot/initrd member */
	BUNDLE_INITRD_WHOLE,    /* the first archive holds other files: the whole module */
};

struct bundle_plan {
	uint64_t kernel_off, kernel_size;   /* cocoboot/kernel data, offsets in the module */
	bool has_cmdline;
	uint64_t cmdline_off, cmdline_size; /* cocoboot/cmdline data (not NUL terminated) */
	enum bundle_initrd_kind initrd_kind;
	uint64_t initrd_off, initrd_size;
	unsigned members;                   /* members before the trailer */
};

/* Starts with a cpio "newc" magic (070701 or 070702). */
bool bundle_is_bundle(const void *mod, size_t size);

/* Validate mod[0..size) as a bundle and fill *plan. Returns 0, or -1 with *err. */
int bundle_parse(const void *mod, size_t size, struct bundle_plan *plan,
		 struct payload_error *err);

#endif
