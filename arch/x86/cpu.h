/* SPDX-License-Identifier: MIT */
/* CPU primitives: port I/O, MSRs, CPUID, control registers. */
#ifndef COCOBOOT_ARCH_X86_CPU_H
#define COCOBOOT_ARCH_X86_CPU_H

#include <stdbool.h>
#include <stdint.h>

#define MSR_EFER        0xc0000080u
#define MSR_GS_BASE     0xc0000101u
#define EFER_SCE        (1u << 0)
#define EFER_LME        (1u << 8)
#define EFER_LMA        (1u << 10)
#define EFER_NXE        (1u << 11)

#define CR0_PE          (1ul << 0)
#define CR0_WP          (1ul << 16)
#define CR0_PG          (1ul << 31)
#define CR4_PAE         (1ul << 5)
#define CR4_PGE         (1ul << 7)

/* CPUID Fn8000_0001 EDX (AMD APM vol. 3, E.4.2; Intel SDM vol. 2A CPUID). */
#define CPUID_80000001_EDX_NX      (1u << 20)
#define CPUID_80000001_EDX_PAGE1GB (1u << 26)

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* Set when a string OUT must be done byte by byte: a hypervisor that emulates
 * OUTS reads the buffer with its own view of guest memory, and under plain SEV
 * (memory encrypted, I/O intercepted without #VC) that view is ciphertext. Linux
 * does the same (CC_ATTR_GUEST_UNROLL_STRING_IO: SEV without SEV-ES). */
extern bool cpu_unroll_string_io;

static inline void outsb(uint16_t port, const void *buf, uint64_t n)
{
	if (cpu_unroll_string_io) {
		for (const uint8_t *p = buf; n; n--, p++)
			outb(port, *p);
		return;
	}
	__asm__ volatile("rep outsb" : "+S"(buf), "+c"(n) : "d"(port) : "memory");
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

static inline struct cpuid_regs cpuid_count(uint32_t leaf, uint32_t sub)
{
	struct cpuid_regs r;

	__asm__ volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			 : "a"(leaf), "c"(sub));
	return r;
}

static inline struct cpuid_regs cpuid(uint32_t leaf)
{
	return cpuid_count(leaf, 0);
}

#define DEFINE_CR(n)                                                        \
	static inline uint64_t read_cr##n(void)                             \
	{                                                                   \
		uint64_t v;                                                 \
		__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));           \
		return v;                                                   \
	}                                                                   \
	static inline void write_cr##n(uint64_t v)                          \
	{                                                                   \
		__asm__ volatile("mov %0, %%cr" #n : : "r"(v) : "memory");  \
	}
DEFINE_CR(0)
DEFINE_CR(2)
DEFINE_CR(3)
DEFINE_CR(4)
#undef DEFINE_CR

/*
 * Write back and invalidate every cache line of [p, p + len) (CLFLUSH, AMD APM vol. 3),
 * fenced on both sides like Linux's clflush_cache_range. The stride is 64 bytes, the
 * line size of every x86-64 part with memory encryption (CPUID Fn0000_0001 EBX[15:8] = 8);
 * a hypervisor-supplied larger size is not trusted, since it would skip lines.
 */
#define CPU_CACHE_LINE 64u

static inline void cpu_clflush_range(const volatile void *p, uint64_t len)
{
	uintptr_t a = (uintptr_t)p & ~(uintptr_t)(CPU_CACHE_LINE - 1), end = (uintptr_t)p + len;

	__asm__ volatile("mfence" ::: "memory");
	for (; a < end; a += CPU_CACHE_LINE)
		__asm__ volatile("clflush (%0)" : : "r"(a) : "memory");
	__asm__ volatile("mfence" ::: "memory");
}

static inline void cpu_cli(void)
{
	__asm__ volatile("cli" ::: "memory");
}

static inline void cpu_hlt(void)
{
	__asm__ volatile("hlt" ::: "memory");
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline void cpu_pause(void)
{
	__asm__ volatile("pause" ::: "memory");
}

/* CPUID feature bits the boot cares about, read once on the BSP. */
struct cpu_features {
	uint32_t max_ext_leaf;
	int nx;
	int page1gb;
};

extern struct cpu_features cpu_features;
void cpu_features_init(void);

#endif
