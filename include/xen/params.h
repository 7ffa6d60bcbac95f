/* SPDX-License-Identifier: MIT */
/*
 * HVM parameters: HVMOP_get_param / HVMOP_set_param and the parameter numbers.
 * Source: xen/include/public/hvm/hvm_op.h (struct xen_hvm_param), xen/include/public/
 * hvm/params.h (HVM_PARAM_*), xen/include/public/xen.h (DOMID_SELF); facts §2.4, §3.2.
 * A PVH guest may read CONSOLE_PFN/EVTCHN and STORE_PFN/EVTCHN of itself; most others
 * return -EPERM (hvm.c hvm_allow_get_param).
 */
#ifndef COCOBOOT_XEN_PARAMS_H
#define COCOBOOT_XEN_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#define HVMOP_set_param 0
#define HVMOP_get_param 1

#define DOMID_SELF 0x7ff0u

#define HVM_PARAM_CALLBACK_IRQ   0
#define HVM_PARAM_STORE_PFN      1
#define HVM_PARAM_STORE_EVTCHN   2
#define HVM_PARAM_CONSOLE_PFN    17
#define HVM_PARAM_CONSOLE_EVTCHN 18

struct xen_hvm_param {
	uint16_t domid;  /* 0x00: DOMID_SELF */
	uint16_t pad;
	uint32_t index;  /* 0x04: HVM_PARAM_* */
	uint64_t value;  /* 0x08 */
};

_Static_assert(offsetof(struct xen_hvm_param, domid) == 0x00, "hvm_op.h");
_Static_assert(offsetof(struct xen_hvm_param, index) == 0x04, "hvm_op.h");
_Static_assert(offsetof(struct xen_hvm_param, value) == 0x08, "hvm_op.h");
_Static_assert(sizeof(struct xen_hvm_param) == 16, "hvm_op.h");

#endif
