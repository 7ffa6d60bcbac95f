// SPDX-License-Identifier: MIT
/*
 * GDT, 64-bit TSS with IST stacks, and the IDT for the 32 exception vectors.
 * Formats: AMD APM vol. 2, 4.8 (descriptors), 12.2.5 (TSS), 8.9 (IDT gates).
 */
#include "arch/x86/desc.h"

#include <stddef.h>

struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

_Static_assert(sizeof(struct tss64) == 104, "64-bit TSS is 104 bytes");
_Static_assert(offsetof(struct tss64, ist) == 0x24, "TSS IST1 at 0x24");

struct idt_gate {
	uint16_t off_lo;
	uint16_t sel;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t off_mid;
	uint32_t off_hi;
	uint32_t reserved;
} __attribute__((packed));

_Static_assert(sizeof(struct idt_gate) == 16, "64-bit IDT gate is 16 bytes");

struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

static uint64_t gdt[6] __attribute__((aligned(16)));
static struct tss64 tss __attribute__((aligned(16)));
static struct idt_gate idt[VEC_IRQ_LAST + 1] __attribute__((aligned(16)));
static uint8_t ist_stacks[4][IST_STACK_SIZE] __attribute__((aligned(16)));
static trap_handler_t handlers[VEC_IRQ_LAST + 1];
static const struct trap_nest_hook *nest_hook;

extern const uint8_t trap_stubs[];
extern const uint8_t irq_stubs[]; /* VEC_IRQ_FIRST.. (traps.asm) */
#define TRAP_STUB_SIZE 16

static uint64_t seg_desc(uint32_t flags_type)
{
	/* base 0, limit 0xfffff, G=1; flags_type holds the access byte and flags */
	return 0x000f00000000ffffull | ((uint64_t)flags_type << 40);
}

/* g has 6 entries; t is this CPU's TSS. */
static void gdt_init(uint64_t *g, struct tss64 *t)
{
	uint64_t base = (uint64_t)(uintptr_t)t;
	uint64_t limit = sizeof(*t) - 1;

	g[0] = 0;
	g[SEL_CODE32 / 8] = seg_desc(0xc09b); /* 32-bit code, D=1 G=1 */
	g[SEL_DATA / 8] = seg_desc(0xc093);   /* data, writable */
	g[SEL_CODE64 / 8] = seg_desc(0xa09b); /* 64-bit code, L=1 */
	/* 16-byte available 64-bit TSS descriptor (type 9) */
	g[SEL_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
			   (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	g[SEL_TSS / 8 + 1] = base >> 32;

	struct desc_ptr p = { sizeof(gdt) - 1, (uint64_t)(uintptr_t)g };

	__asm__ volatile("lgdt %0\n\t"
			 "pushq %1\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movl %2, %%eax\n\t"
			 "movl %%eax, %%ds\n\t"
			 "movl %%eax, %%es\n\t"
			 "movl %%eax, %%ss\n\t"
			 "xorl %%eax, %%eax\n\t"
			 "movl %%eax, %%fs\n\t"
			 "movl %%eax, %%gs\n\t"
			 : : "m"(p), "i"(SEL_CODE64), "i"(SEL_DATA) : "rax", "memory");
}

static void tss_init(struct tss64 *t, const uint64_t ist_top[4])
{
	for (int i = 0; i < 4; i++)
		t->ist[i] = ist_top[i];
	t->iomap_base = sizeof(*t); /* no I/O permission bitmap */
	__asm__ volatile("ltr %w0" : : "r"(SEL_TSS));
}

static uint8_t ist_for(unsigned v)
{
	switch (v) {
	case VEC_DF:
		return IST_DF;
	case VEC_NMI:
		return IST_NMI;
	case VEC_MC:
		return IST_MC;
	case VEC_VC:
		return IST_VC;
	default:
		return 0;
	}
}

static void idt_load(void)
{
	struct desc_ptr p = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };

	__asm__ volatile("lidt %0" : : "m"(p));
}

static void idt_init(void)
{
	for (unsigned v = 0; v <= VEC_IRQ_LAST; v++) {
		uint64_t off = (uint64_t)(uintptr_t)(trap_stubs + v * TRAP_STUB_SIZE);

		if (v >= NR_EXCEPTIONS && v < VEC_IRQ_FIRST)
			continue; /* not present: such a vector is a #GP (a crash report) */
		if (v >= VEC_IRQ_FIRST)
			off = (uint64_t)(uintptr_t)(irq_stubs + (v - VEC_IRQ_FIRST) * TRAP_STUB_SIZE);

		idt[v] = (struct idt_gate){
			.off_lo = off & 0xffff,
			.sel = SEL_CODE64,
			.ist = ist_for(v),
			.type_attr = 0x8e, /* present, DPL 0, 64-bit interrupt gate: IF cleared */
			.off_mid = (off >> 16) & 0xffff,
			.off_hi = off >> 32,
		};
	}
	idt_load();
}

void desc_init_bsp(void)
{
	uint64_t ist_top[4];

	for (int i = 0; i < 4; i++)
		ist_top[i] = (uint64_t)(uintptr_t)(ist_stacks[i] + IST_STACK_SIZE);
	gdt_init(gdt, &tss);
	tss_init(&tss, ist_top);
	idt_init();
}

_Static_assert(sizeof(((struct desc_cpu *)0)->gdt) == sizeof(gdt), "an AP's GDT is the BSP's");
_Static_assert(sizeof(((struct desc_cpu *)0)->tss) == sizeof(struct tss64), "desc_cpu.tss");

void desc_init_ap(struct desc_cpu *d, const uint64_t ist_top[4])
{
	struct tss64 *t = (struct tss64 *)d->tss;

	gdt_init(d->gdt, t);
	tss_init(t, ist_top);
	idt_load();
}

void desc_set_ist(unsigned ist, uint64_t top)
{
	desc_tss_set_ist(NULL, ist, top);
}

void desc_tss_set_ist(void *tss_bytes, unsigned ist, uint64_t top)
{
	struct tss64 *t = tss_bytes ? (struct tss64 *)tss_bytes : &tss;

	if (ist >= 1 && ist <= 7)
		t->ist[ist - 1] = top;
	__asm__ volatile("" ::: "memory"); /* in the TSS before the next event can come */
}

void trap_set_handler(unsigned vector, trap_handler_t h)
{
	if (vector <= VEC_IRQ_LAST)
		handlers[vector] = h;
}

void trap_set_nest_hook(const struct trap_nest_hook *hook)
{
	nest_hook = hook;
}

void trap_dispatch(struct trap_frame *f);
void trap_dispatch(struct trap_frame *f)
{
	trap_handler_t h = f->vector <= VEC_IRQ_LAST ? handlers[f->vector] : NULL;
	const struct trap_nest_hook *nest = nest_hook;
	uint64_t saved = nest ? nest->enter(f) : 0;

	if (h)
		h(f);
	else
		trap_crash(f, "unexpected exception");
	if (nest)
		nest->leave(saved);
}
