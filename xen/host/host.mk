# The host side of the Xen AP bring-up page (docs/abi.md section 8): the reference
# init code as a flat binary a toolstack embeds byte for byte, and the host test
# that checks it against the ABI header and the document.
AP_BLOB := $(BUILD)/xen/host/ap_bringup.bin
$(AP_BLOB): xen/host/ap_bringup.asm
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  NASM    $@")
	$(Q)$(NASM) -f bin -o $@ $<

AP_TEST := $(BUILD)/tests/xen/test_ap_bringup
$(AP_TEST): tests/xen/test_ap_bringup.c include/xen/ap_bringup.h tests/unit/unit.h $(BUILD)/sim/cpu/reset.o
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  HOSTCC  $@")
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -o $@ $< $(BUILD)/sim/cpu/reset.o $(HOST_LDFLAGS) -lcmocka -lcrypto -lunicorn
HOST_PROGS += $(AP_TEST)
CHECK_DEPS += $(AP_BLOB)
TESTS      += $(AP_TEST)
all: $(AP_BLOB)
