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

# xenpage: the dom0 helper of the Xen AP bring-up page (docs/xen.md), built here too so
# make keeps it warning-free (tools/xen-prepare --bringup-page builds the copy dom0 runs).
# Needs libxen-dev; skipped without it. -iquote, not -I: xenctrl.h's <xen/...> headers
# must not find cocoboot's include/xen/.
AP_PAGE_TOOL := $(BUILD)/tools/xen-ap-page
ifneq ($(wildcard /usr/include/xenctrl.h),)
$(BUILD)/tools/ap_blob.h: $(BUILD)/xen/host/ap_bringup.bin   # AP_BLOB: xen/host/host.mk is read later
	@mkdir -p $(dir $@)
	$(Q){ echo "static const unsigned char ap_blob[] = {"; \
	  od -An -v -tx1 $< | sed 's/ \([0-9a-f][0-9a-f]\)/0x\1,/g'; echo "};"; \
	  echo "static const char ap_blob_sha256_hex[] = \"$$(sha256sum $< | cut -c1-64)\";"; } >$@
$(AP_PAGE_TOOL): tools/xen-ap-page.c xen/host/ap_page.c xen/host/ap_page.h include/xen/ap_bringup.h \
		$(BUILD)/tools/ap_blob.h
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  HOSTCC  $@")
	$(Q)$(HOST_CC) $(filter-out -I%,$(HOST_CFLAGS)) -iquote include -iquote . -I$(BUILD)/tools \
		-o $@ tools/xen-ap-page.c xen/host/ap_page.c $(HOST_LDFLAGS) -lxenctrl -lxenforeignmemory
HOST_PROGS += $(AP_PAGE_TOOL)
endif
