# In-tree test payloads: the PVH test unikernel (ELF32), booted by cocoboot in
# tests/payloads/*.t. Built with the guest toolchain in 32-bit mode.

UKT_CFLAGS := -m32 -std=c11 -O2 -Wall -Wextra -Werror -ffreestanding -fno-builtin -nostdlib \
	-fno-pie -fno-pic -fno-stack-protector -fno-asynchronous-unwind-tables -mno-sse -mno-mmx \
	-fcf-protection=none -Iinclude
UKT_OBJS := $(BUILD)/tests/payloads/ukt_entry.o $(BUILD)/tests/payloads/ukt_main.o
UKT      := $(BUILD)/tests/payloads/ukt.elf

$(BUILD)/tests/payloads/ukt_entry.o: tests/payloads/ukt_entry.asm
	@mkdir -p $(dir $@)
	$(Q)$(NASM) -f elf32 -o $@ $<

$(BUILD)/tests/payloads/ukt_main.o: tests/payloads/ukt_main.c include/xen/start_info.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(UKT_CFLAGS) -c $< -o $@

$(UKT): $(UKT_OBJS) tests/payloads/ukt.ld
	$(Q)$(LD) -m elf_i386 -nostdlib -static --build-id=none -z noexecstack \
		--no-warn-rwx-segments -T tests/payloads/ukt.ld -o $@ $(UKT_OBJS)

CHECK_DEPS += $(UKT)
