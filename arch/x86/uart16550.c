// SPDX-License-Identifier: MIT
/*
 * 16550 UART on COM1 (0x3F8), 115200 8N1, polled. Register layout from the
 * National Semiconductor PC16550D data sheet.
 */
#include "arch/x86/devices.h"

#include "arch/x86/cpu.h"

#define COM1    0x3f8
#define UART_THR 0 /* transmit holding (DLAB=0) */
#define UART_DLL 0 /* divisor latch low (DLAB=1) */
#define UART_IER 1
#define UART_DLM 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LSR_THRE 0x20
#define LCR_DLAB 0x80
#define LCR_8N1  0x03

void uart16550_init(void)
{
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, LCR_DLAB);
	outb(COM1 + UART_DLL, 1); /* 115200 baud */
	outb(COM1 + UART_DLM, 0);
	outb(COM1 + UART_LCR, LCR_8N1);
	outb(COM1 + UART_FCR, 0x07); /* enable and clear FIFOs */
	outb(COM1 + UART_MCR, 0x03); /* DTR, RTS */
}

/* The transmitter once failed to become empty within the bound: a UART (or a hypervisor
 * answering for it) that never says "empty" is not asked again. Under SEV-ES each poll is
 * an exit, so waiting the full bound for every byte would stall the boot for good. */
static bool uart_stuck;

static void uart_putc(char c)
{
	/* Bounded wait: a missing UART reads 0xff (THRE set) and never blocks us. */
	int spin = 0;

	while (!uart_stuck && !(inb(COM1 + UART_LSR) & LSR_THRE)) {
		if (++spin == 1000)     /* ~1 ms of I/O reads: > 10 byte times at 115200 baud */
			uart_stuck = true;
		cpu_pause();
	}
	outb(COM1 + UART_THR, (uint8_t)c);
}

static void uart_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			uart_putc('\r');
		uart_putc(s[i]);
	}
}

struct console_backend uart16550_console = {
	.name = "com1",
	.alias = "ttyS0",
	.write = uart_write,
};
