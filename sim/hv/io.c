/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's devices (the legacy PIC's masks: hv/pic.c): the consoles (Xen's port 0xE9 debug console and a COM1 that
 * only transmits), QEMU's isa-debug-exit at port 0xF4 (so a guest can end a run the way
 * it ends a QEMU run), and sevsim's MMIO test device, one page at SIM_MMIO_DEV_BASE: the
 * first 8 bytes read as an identification value, the rest is scratch storage. The device
 * exists so that MMIO emulation (direct in modes none/sev, through #VC and the MMIO NAE
 * events in SEV-ES/SNP) can be tested with real data.
 */
#include <string.h>

#include "sim/sim.h"

#define PORT_E9        0xe9
#define PORT_DEBUG_EXIT 0xf4
#define COM1           0x3f8
#define MMIO_DEV_ID    0x5645445f4d495356ull /* "VSIM_DEV" */

static bool console_last_nl = true;

void sim_console_write(struct sim *s, const void *buf, size_t len)
{
	if (!len)
		return;
	fwrite(buf, 1, len, stdout);
	s->console_bytes += len;
	console_last_nl = ((const char *)buf)[len - 1] == '\n';
}

/* Called before the JSON line so it starts a line of its own. */
void sim_console_finish(struct sim *s)
{
	(void)s;
	if (!console_last_nl)
		fputc('\n', stdout);
	console_last_nl = true;
}

uint32_t sim_io_in(struct sim *s, uint16_t port, unsigned size)
{
	uint32_t ones = size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1;

	if (port == PORT_E9)
		return 0xe9; /* what Bochs/QEMU/Xen debug consoles answer */
	if (port >= COM1 && port < COM1 + 8) {
		switch (port - COM1) {
		case 3: return s->com1_lcr;
		case 5: /* LSR: transmitter empty */
			return sim_lie(s, SIM_LIE_IN_LSR_STUCK) ? 0 : 0x60;
		default: return 0;
		}
	}
	return ones; /* nothing there */
}

void sim_io_out(struct sim *s, uint16_t port, unsigned size, uint32_t val)
{
	uint8_t c = (uint8_t)val;

	(void)size;
	if (sim_pic_out(s, port, c))
		return;
	if (port == PORT_E9) {
		sim_console_write(s, &c, 1);
	} else if (port == COM1 && !(s->com1_lcr & 0x80)) {
		sim_console_write(s, &c, 1);
	} else if (port == COM1 + 3) {
		s->com1_lcr = (uint8_t)val;
	} else if (port == PORT_DEBUG_EXIT) {
		s->have_debug_exit = true;
		s->debug_exit_value = val;
		snprintf(s->shutdown_reason, sizeof(s->shutdown_reason), "debug-exit");
		sim_trace(s, "isa-debug-exit: value %#x", val);
		sim_end(s, SIM_RES_SHUTDOWN);
	}
}

uint64_t sim_mmio_read(struct sim *s, uint64_t gpa, unsigned size)
{
	uint64_t off = gpa - SIM_MMIO_DEV_BASE, val = 0;
	uint8_t *bytes = (uint8_t *)s->mmio_scratch;

	if (sim_apic_is_mmio(gpa)) /* the GHCB MMIO event of the vCPU that runs (sev-es) */
		return sim_apic_mmio_read(NULL, gpa - SIM_APIC_BASE, size, &s->vcpu[s->current]);
	if (!sim_mem_is_mmio_device(gpa))
		return ~0ull;
	for (unsigned i = 0; i < size && i < 8 && off + i < SIM_MMIO_DEV_SIZE; i++) {
		uint8_t b = off + i < 8 ? (uint8_t)(MMIO_DEV_ID >> (8 * (off + i))) : bytes[off + i];
		val |= (uint64_t)b << (8 * i);
	}
	return val;
}

void sim_mmio_write(struct sim *s, uint64_t gpa, unsigned size, uint64_t val)
{
	uint64_t off = gpa - SIM_MMIO_DEV_BASE;
	uint8_t *bytes = (uint8_t *)s->mmio_scratch;

	if (sim_apic_is_mmio(gpa)) {
		sim_apic_mmio_write(NULL, gpa - SIM_APIC_BASE, size, val, &s->vcpu[s->current]);
		return;
	}
	if (!sim_mem_is_mmio_device(gpa))
		return;
	for (unsigned i = 0; i < size && i < 8 && off + i < SIM_MMIO_DEV_SIZE; i++)
		if (off + i >= 8)
			bytes[off + i] = (uint8_t)(val >> (8 * i));
}
