/* SPDX-License-Identifier: MIT */
#ifndef COCOBOOT_GHCB_XEN_CALL_H
#define COCOBOOT_GHCB_XEN_CALL_H

#include <stdint.h>

#include "ghcb/vc.h"

/*
 * A Xen hypercall through the GHCB (docs/ghcb.md "Hypercalls"): the pointer arguments of
 * console_io(write) and sched_op are bounced into the shared buffer (xen/bounce.c), then
 * the VMMCALL NAE (vc_hypercall). Returns 0 with *ret = Xen's result, or a reason code:
 * CB_TERM_VC_NESTED when the GHCB is busy (a call in flight was interrupted, e.g. by an
 * NMI): then nothing was written, neither the shared buffer nor any GHCB field.
 * args is changed (bounced pointers point into the shared buffer).
 */
int vc_xen_call(struct vc_cpu *cpu, unsigned int nr, uint64_t args[5], uint64_t *ret);

#endif
