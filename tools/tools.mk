# Host tools built by make (and make check): tools/cocoboot-measure (docs/abi.md §9.4).
MEASURE_TOOL := $(BUILD)/tools/cocoboot-measure

$(MEASURE_TOOL): tools/cocoboot-measure.c sim/fw/launch_digest.c sim/fw/launch_digest.h \
		sim/fw/fw_tables.c $(BUILD)/sim/fw/ap_blob.o \
		payload/elf.c sim/fw/spec.h $(wildcard include/*/*.h)
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  HOSTCC  $@")
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -o $@ tools/cocoboot-measure.c sim/fw/launch_digest.c \
		sim/fw/fw_tables.c $(BUILD)/sim/fw/ap_blob.o payload/elf.c $(HOST_LDFLAGS) -lcrypto

HOST_PROGS += $(MEASURE_TOOL)
