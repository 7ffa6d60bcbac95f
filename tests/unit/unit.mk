# Host unit tests (cmocka). Each tests/unit/test_*.c names the guest sources it
# tests on a line of its own:   /* SOURCES: lib/format.c lib/string.c */
# and becomes build/tests/unit/test_* , a TAP producer (CMOCKA_MESSAGE_OUTPUT=TAP).

UNIT_SRCS  := $(sort $(wildcard tests/unit/test_*.c))
UNIT_PROGS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/unit/%)

define unit_rule
$(BUILD)/tests/unit/$(1): tests/unit/$(1).c $(call unit_sources,tests/unit/$(1).c) $(wildcard include/*/*.h) $(wildcard sim/hv/*.h) tests/unit/unit.h
	@mkdir -p $$(dir $$@)
	$$(if $$(Q),@echo "  HOSTCC  $$@")
	$$(Q)$$(HOST_CC) $$(HOST_CFLAGS) -o $$@ tests/unit/$(1).c $(call unit_sources,tests/unit/$(1).c) $$(HOST_LDFLAGS) -lcmocka
endef
$(foreach t,$(UNIT_SRCS:tests/unit/%.c=%),$(eval $(call unit_rule,$(t))))

HOST_PROGS += $(UNIT_PROGS)
TESTS      += $(UNIT_PROGS)
