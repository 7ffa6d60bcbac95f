# libFuzzer harnesses. Each tests/fuzz/fuzz_*.c names its sources like the unit
# tests do (/* SOURCES: ... */). `make fuzz` runs each for a minute; make check runs
# tests/fuzz/smoke.t, a short bounded run of every harness.

FUZZ_SRCS  := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_PROGS += $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/fuzz/%)

define fuzz_rule
$(BUILD)/fuzz/$(1): tests/fuzz/$(1).c $(call unit_sources,tests/fuzz/$(1).c) $(wildcard include/*/*.h) $(wildcard tests/fuzz/*.h)
	@mkdir -p $$(dir $$@) $(BUILD)/fuzz-corpus/$(1)
	$$(if $$(Q),@echo "  FUZZCC  $$@")
	$$(Q)$$(FUZZ_CC) $$(FUZZ_CFLAGS) -o $$@ tests/fuzz/$(1).c $(call unit_sources,tests/fuzz/$(1).c)
endef
$(foreach t,$(FUZZ_SRCS:tests/fuzz/%.c=%),$(eval $(call fuzz_rule,$(t))))

ifneq ($(FUZZ_SRCS),)
CHECK_DEPS += $(FUZZ_PROGS)
TESTS      += tests/fuzz/smoke.t
endif
