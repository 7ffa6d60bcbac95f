# cocoboot top-level Makefile.
#
# The guest image is built from every .c/.asm file in the guest directories; each
# other area (sim/, tests/*) adds itself through a fragment named <dir>/*.mk that
# appends to the lists below. See docs/hacking.md for the conventions.

BUILD      ?= build
V          ?= 0
Q          := $(if $(filter 1,$(V)),,@)

# ---- guest (freestanding x86-64) -------------------------------------------
CC         := gcc
NASM       := nasm
LD         := ld
OBJCOPY    := objcopy

GUEST_DIRS := boot arch/x86 lib xen ghcb smp apic payload snp
GUEST_CFLAGS := -std=c11 -O2 -g0 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-ffreestanding -fno-builtin -nostdlib -fno-pie -fno-pic -fno-stack-protector \
	-fno-asynchronous-unwind-tables -fno-unwind-tables -fno-omit-frame-pointer \
	-mno-red-zone -mgeneral-regs-only -mno-sse -mno-sse2 -mno-mmx -mno-avx \
	-mcmodel=small -fcf-protection=none -fno-common \
	-ffile-prefix-map=$(CURDIR)=. -Iinclude -I. -DCOCOBOOT_GUEST
GUEST_LDFLAGS := -nostdlib -static -no-pie --build-id=none -z max-page-size=4096 -z noexecstack \
	-T link.ld

# Files named *_32.c run before long mode: they are compiled for i386 together
# with the #VC core they share with 64-bit C (EARLY32_SHARED), converted to
# elf64 objects, and every symbol of that world gets the prefix early32_.
GUEST_C32  := $(sort $(foreach d,$(GUEST_DIRS),$(wildcard $(d)/*_32.c)))
EARLY32_SHARED := ghcb/vc.c ghcb/insn.c ghcb/check.c
GUEST_C    := $(filter-out $(GUEST_C32),$(sort $(foreach d,$(GUEST_DIRS),$(wildcard $(d)/*.c))))
GUEST_ASM  := $(sort $(foreach d,$(GUEST_DIRS),$(wildcard $(d)/*.asm)))
GUEST_OBJS := $(GUEST_ASM:%.asm=$(BUILD)/guest/%.o) $(GUEST_C:%.c=$(BUILD)/guest/%.o) \
	$(patsubst %.c,$(BUILD)/guest32/%.o,$(GUEST_C32) $(EARLY32_SHARED))
GUEST32_CFLAGS := $(filter-out -mcmodel=small -mno-red-zone,$(GUEST_CFLAGS)) -m32 -Os \
	-DCOCOBOOT_EARLY32

# ---- host (simulator, unit tests, tools, fuzzers) ---------------------------
HOST_CC      := gcc
HOST_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
HOST_CFLAGS  := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Wshadow -Iinclude -I. -DCOCOBOOT_HOST $(HOST_SAN)
HOST_LDFLAGS := $(HOST_SAN)
FUZZ_CC      := clang
FUZZ_CFLAGS  := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Iinclude -I. -DCOCOBOOT_HOST \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

# Lists the fragments append to.
HOST_PROGS   :=
TESTS        :=
CHECK_DEPS   :=
BENCH_DEPS   :=
BENCH_SCRIPTS :=
FUZZ_PROGS   :=

# A test or fuzz harness names the sources it links on a line /* SOURCES: a.c b.c */
unit_sources = $(shell sed -n 's|.*SOURCES:\(.*\)\*/.*|\1|p' $(1))

.PHONY: all check check-only install uninstall bench fuzz fuzz-smoke run run-stub clean deps
all: $(BUILD)/cocoboot.elf

-include $(sort $(wildcard */*.mk */*/*.mk))

$(BUILD)/cocoboot.elf: $(GUEST_OBJS) link.ld
	$(Q)$(LD) $(GUEST_LDFLAGS) -o $@ $(GUEST_OBJS)
	$(Q)tools/image-size $@

$(BUILD)/guest/%.o: %.c
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  CC      $<")
	$(Q)$(CC) $(GUEST_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/guest32/%.o: %.c
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  CC32    $<")
	$(Q)$(CC) $(GUEST32_CFLAGS) -MMD -MP -MT $@ -S $< -o $@.s
	@# Assemble the i386 code into an x86-64 object (.code32): its relocations
	@# then carry explicit addends, which objcopy's elf32->elf64 conversion loses.
	$(Q)(echo .code32; cat $@.s) | $(CC) -c -x assembler - -o $@.tmp
	$(Q)$(OBJCOPY) --prefix-symbols=early32_ $@.tmp $@

# NASM's -MD lists no %include here (NASM 2.16): every .asm depends on every .inc.
GUEST_INC  := $(sort $(foreach d,$(GUEST_DIRS),$(wildcard $(d)/*.inc)))
$(BUILD)/guest/%.o: %.asm $(GUEST_INC)
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  NASM    $<")
	$(Q)$(NASM) -f elf64 -Iinclude/ -MD $(@:.o=.d) -MP -o $@ $<

-include $(GUEST_OBJS:.o=.d)
-include $(patsubst %.o,%.o.d,$(filter $(BUILD)/guest32/%,$(GUEST_OBJS)))

# The README's two commands, `make run` and `make check`, first install what is
# missing on Debian/Ubuntu (tools/install-deps: dpkg-query only when nothing is, so
# apt is never touched then), and build afterwards in a second make.
check:
	$(Q)tools/install-deps check
	$(Q)$(MAKE) --no-print-directory check-only

# Every test is a TAP producer run by one harness (check-only: without the deps step).
# prove runs PROVE_JOBS test files at once (default: one per CPU; each test is one
# single-threaded emulator at a time); the real-Xen cases share one nested Xen set-up
# (tools/xen-prepare's cache), and the guests with many vCPUs (Linux at -smp 8, QEMU at
# -smp 64) need the host's cores: those run one after another, beside the small ones.
PROVE_JOBS ?= $(shell nproc 2>/dev/null || echo 1)
check-only: $(BUILD)/cocoboot.elf $(HOST_PROGS) $(CHECK_DEPS)
	CMOCKA_MESSAGE_OUTPUT=TAP BUILD=$(BUILD) prove --exec '' --timer -j$(PROVE_JOBS) \
		--rules='seq={tests/xen/*.t,tests/linux/linux.t,tests/qemu/smp.t}' --rules='par=**' \
		$(TESTS)

bench: $(BUILD)/cocoboot.elf $(HOST_PROGS) $(BENCH_DEPS)
	$(Q)for s in $(BENCH_SCRIPTS); do BUILD=$(BUILD) $$s || exit 1; done

# make fuzz [FUZZ_TIME=seconds] [FUZZ_RUNS=executions] [FUZZ_ONLY="cmdline insn ..."]:
# each harness in turn (one process, -jobs=1) for FUZZ_TIME seconds (60 when neither
# budget is given) or FUZZ_RUNS executions; tools/fuzz-run prints one summary line each.
fuzz: $(FUZZ_PROGS)
	$(Q)for f in $(if $(FUZZ_ONLY),$(addprefix $(BUILD)/fuzz/fuzz_,$(FUZZ_ONLY)),$(FUZZ_PROGS)); do \
		BUILD=$(BUILD) FUZZ_TIME=$(FUZZ_TIME) FUZZ_RUNS=$(FUZZ_RUNS) tools/fuzz-run $$f || exit 1; done

# make run: cocoboot hands off to the in-tree test unikernel (run-ukt,
# tests/payloads/payloads.mk), which checks what it was given and ends the run.
# make run-stub: cocoboot alone (KVM when usable, else TCG), ending "no payload".
run:
	$(Q)tools/install-deps run
	$(Q)$(MAKE) --no-print-directory run-ukt

run-stub: $(BUILD)/cocoboot.elf
	tools/qemu-run $(BUILD)/cocoboot.elf

deps:
	tools/install-deps -v all

# ---- install: where Debian's seabios and ovmf put guest firmware (share/NAME/),
# tools in bin/ with the project's prefix, man pages, docs and examples. ------------
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share
MANDIR  ?= $(DATADIR)/man
DOCDIR  ?= $(DATADIR)/doc/cocoboot
INSTALL ?= install
INSTALLED_FILES := $(DATADIR)/cocoboot/cocoboot.elf $(BINDIR)/cocoboot-mkbundle \
	$(MANDIR)/man1/cocoboot-mkbundle.1 $(MANDIR)/man7/cocoboot.7 \
	$(DOCDIR)/README.md $(addprefix $(DOCDIR)/,$(wildcard docs/*.md examples/*.md examples/*/*))

install: $(BUILD)/cocoboot.elf
	$(INSTALL) -d $(DESTDIR)$(DATADIR)/cocoboot $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(DOCDIR)/docs $(DESTDIR)$(DOCDIR)/examples/xen \
		$(DESTDIR)$(DOCDIR)/examples/qemu
	$(INSTALL) -m 644 $(BUILD)/cocoboot.elf $(DESTDIR)$(DATADIR)/cocoboot/cocoboot.elf
	$(INSTALL) -m 755 tools/mkbundle $(DESTDIR)$(BINDIR)/cocoboot-mkbundle
	$(INSTALL) -m 644 man/cocoboot-mkbundle.1 $(DESTDIR)$(MANDIR)/man1/
	$(INSTALL) -m 644 man/cocoboot.7 $(DESTDIR)$(MANDIR)/man7/
	$(INSTALL) -m 644 README.md $(DESTDIR)$(DOCDIR)/
	$(INSTALL) -m 644 docs/*.md $(DESTDIR)$(DOCDIR)/docs/
	$(INSTALL) -m 644 examples/*.md $(DESTDIR)$(DOCDIR)/examples/
	$(INSTALL) -m 644 examples/xen/*.cfg $(DESTDIR)$(DOCDIR)/examples/xen/
	$(INSTALL) -m 644 examples/qemu/common.sh $(DESTDIR)$(DOCDIR)/examples/qemu/
	$(INSTALL) -m 755 $(filter-out %/common.sh,$(wildcard examples/qemu/*.sh)) $(DESTDIR)$(DOCDIR)/examples/qemu/

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED_FILES))
	-rmdir $(addprefix $(DESTDIR),$(DOCDIR)/examples/xen $(DOCDIR)/examples/qemu $(DOCDIR)/examples \
		$(DOCDIR)/docs $(DOCDIR) $(DATADIR)/cocoboot) 2>/dev/null

clean:
	rm -rf $(BUILD)
