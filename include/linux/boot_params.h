/* SPDX-License-Identifier: MIT */
/*
 * Linux x86 boot protocol: setup_header, boot_params ("zero page"), E820 entry,
 * setup_data. Offsets are the absolute offsets inside boot_params (and inside the
 * bzImage file, for the header) given by xen-pvh-linux-boot-facts.md §4.2/§4.3,
 * each checked below with a static assert.
 * Sources named there: Documentation/arch/x86/boot.rst, zero-page.rst,
 * arch/x86/include/uapi/asm/bootparam.h.
 */
#ifndef COCOBOOT_LINUX_BOOT_PARAMS_H
#define COCOBOOT_LINUX_BOOT_PARAMS_H

#include <stdint.h>
#include <stddef.h>

#define BOOT_FLAG_MAGIC        0xaa55u      /* setup_header.boot_flag (§4.2) */
#define BOOT_HDRS_MAGIC        0x53726448u  /* "HdrS", setup_header.header (§4.2) */
#define BOOT_JUMP_OPCODE       0xebu        /* first byte of setup_header.jump */
#define BOOT_SETUP_SECTS_DEF   4            /* setup_sects 0 means 4 (§4.2) */
#define BOOT_SECTOR_SIZE       512
#define BOOT_HDR_OFFSET        0x1f1        /* setup_header in the file and in boot_params */
#define BOOT_HDR_LEN_BYTE      0x201        /* header ends at 0x202 + byte[0x201] (§4.2) */
#define BOOT_ENTRY64_OFFSET    0x200        /* 64-bit entry = load address + 0x200 (§4.6) */
#define BOOT_PROTO_MIN_64BIT   0x020c       /* 2.12: xloadflags, ext_* fields (§4.1) */

/* loadflags (§4.4) */
#define LOADFLAG_LOADED_HIGH   (1u << 0)
#define LOADFLAG_KASLR         (1u << 1)
#define LOADFLAG_QUIET         (1u << 5)
#define LOADFLAG_KEEP_SEGMENTS (1u << 6)
#define LOADFLAG_CAN_USE_HEAP  (1u << 7)

/* xloadflags (§4.4) */
#define XLF_KERNEL_64               (1u << 0)
#define XLF_CAN_BE_LOADED_ABOVE_4G  (1u << 1)
#define XLF_EFI_HANDOVER_32         (1u << 2)
#define XLF_EFI_HANDOVER_64         (1u << 3)
#define XLF_EFI_KEXEC               (1u << 4)
#define XLF_5LEVEL                  (1u << 5)
#define XLF_5LEVEL_ENABLED          (1u << 6)

/* type_of_loader: 0xTV, T = 9 is Xen (§4.2, §5). */
#define BOOT_LOADER_TYPE_XEN   0x90u

/* E820 types (§4.5); equal to the Xen memmap types. */
#define E820_TYPE_RAM          1
#define E820_TYPE_RESERVED     2
#define E820_TYPE_ACPI         3
#define E820_TYPE_NVS          4
#define E820_TYPE_UNUSABLE     5
#define E820_TYPE_PMEM         7
#define E820_MAX_ENTRIES_ZEROPAGE 128

/* setup_data types (§4.8) */
#define SETUP_NONE             0
#define SETUP_E820_EXT         1
#define SETUP_CC_BLOB          7
#define SETUP_INDIRECT         (1u << 31)

/* Boot GDT selectors the 64-bit entry expects (§4.9). */
#define BOOT_CS                0x10
#define BOOT_DS                0x18

struct setup_header {
	uint8_t  setup_sects;           /* 0x1f1 */
	uint16_t root_flags;            /* 0x1f2 */
	uint32_t syssize;               /* 0x1f4 */
	uint16_t ram_size;              /* 0x1f8 */
	uint16_t vid_mode;              /* 0x1fa */
	uint16_t root_dev;              /* 0x1fc */
	uint16_t boot_flag;             /* 0x1fe */
	uint16_t jump;                  /* 0x200 */
	uint32_t header;                /* 0x202 */
	uint16_t version;               /* 0x206 */
	uint32_t realmode_swtch;        /* 0x208 */
	uint16_t start_sys_seg;         /* 0x20c */
	uint16_t kernel_version;        /* 0x20e */
	uint8_t  type_of_loader;        /* 0x210 */
	uint8_t  loadflags;             /* 0x211 */
	uint16_t setup_move_size;       /* 0x212 */
	uint32_t code32_start;          /* 0x214 */
	uint32_t ramdisk_image;         /* 0x218 */
	uint32_t ramdisk_size;          /* 0x21c */
	uint32_t bootsect_kludge;       /* 0x220 */
	uint16_t heap_end_ptr;          /* 0x224 */
	uint8_t  ext_loader_ver;        /* 0x226 */
	uint8_t  ext_loader_type;       /* 0x227 */
	uint32_t cmd_line_ptr;          /* 0x228 */
	uint32_t initrd_addr_max;       /* 0x22c */
	uint32_t kernel_alignment;      /* 0x230 */
	uint8_t  relocatable_kernel;    /* 0x234 */
	uint8_t  min_alignment;         /* 0x235 */
	uint16_t xloadflags;            /* 0x236 */
	uint32_t cmdline_size;          /* 0x238 */
	uint32_t hardware_subarch;      /* 0x23c */
	uint64_t hardware_subarch_data; /* 0x240 */
	uint32_t payload_offset;        /* 0x248 */
	uint32_t payload_length;        /* 0x24c */
	uint64_t setup_data;            /* 0x250 */
	uint64_t pref_address;          /* 0x258 */
	uint32_t init_size;             /* 0x260 */
	uint32_t handover_offset;       /* 0x264 */
	uint32_t kernel_info_offset;    /* 0x268 */
} __attribute__((packed));

struct boot_e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
} __attribute__((packed));

struct setup_data {
	uint64_t next;                  /* GPA of the next node, 0 ends the list */
	uint32_t type;
	uint32_t len;
	uint8_t  data[];
};

struct boot_params {
	uint8_t  screen_info[0x40];             /* 0x000 */
	uint8_t  apm_bios_info[0x14];           /* 0x040 */
	uint8_t  _pad2[4];                      /* 0x054 */
	uint64_t tboot_addr;                    /* 0x058 */
	uint8_t  ist_info[0x10];                /* 0x060 */
	uint64_t acpi_rsdp_addr;                /* 0x070 */
	uint8_t  _pad3[8];                      /* 0x078 */
	uint8_t  hd0_info[16];                  /* 0x080 */
	uint8_t  hd1_info[16];                  /* 0x090 */
	uint8_t  sys_desc_table[0x10];          /* 0x0a0 */
	uint8_t  olpc_ofw_header[0x10];         /* 0x0b0 */
	uint32_t ext_ramdisk_image;             /* 0x0c0 */
	uint32_t ext_ramdisk_size;              /* 0x0c4 */
	uint32_t ext_cmd_line_ptr;              /* 0x0c8 */
	uint8_t  _pad4[112];                    /* 0x0cc */
	uint32_t cc_blob_address;               /* 0x13c */
	uint8_t  edid_info[0x80];               /* 0x140 */
	uint8_t  efi_info[0x20];                /* 0x1c0 */
	uint32_t alt_mem_k;                     /* 0x1e0 */
	uint32_t scratch;                       /* 0x1e4 */
	uint8_t  e820_entries;                  /* 0x1e8 */
	uint8_t  eddbuf_entries;                /* 0x1e9 */
	uint8_t  edd_mbr_sig_buf_entries;       /* 0x1ea */
	uint8_t  kbd_status;                    /* 0x1eb */
	uint8_t  secure_boot;                   /* 0x1ec */
	uint8_t  _pad5[2];                      /* 0x1ed */
	uint8_t  sentinel;                      /* 0x1ef */
	uint8_t  _pad6[1];                      /* 0x1f0 */
	struct setup_header hdr;                /* 0x1f1 */
	uint8_t  _pad7[0x290 - 0x1f1 - sizeof(struct setup_header)];
	uint32_t edd_mbr_sig_buffer[16];        /* 0x290 */
	struct boot_e820_entry e820_table[E820_MAX_ENTRIES_ZEROPAGE]; /* 0x2d0 */
	uint8_t  _pad8[48];                     /* 0xcd0 */
	uint8_t  eddbuf[0x1ec];                 /* 0xd00 */
	uint8_t  _pad9[276];                    /* 0xeec */
} __attribute__((packed));

#define BP_OFF(f) offsetof(struct boot_params, f)
/* setup_header, absolute offsets (§4.2) */
_Static_assert(BP_OFF(hdr) == 0x1f1, "hdr");
_Static_assert(BP_OFF(hdr.setup_sects) == 0x1f1, "setup_sects");
_Static_assert(BP_OFF(hdr.root_flags) == 0x1f2, "root_flags");
_Static_assert(BP_OFF(hdr.syssize) == 0x1f4, "syssize");
_Static_assert(BP_OFF(hdr.ram_size) == 0x1f8, "ram_size");
_Static_assert(BP_OFF(hdr.vid_mode) == 0x1fa, "vid_mode");
_Static_assert(BP_OFF(hdr.root_dev) == 0x1fc, "root_dev");
_Static_assert(BP_OFF(hdr.boot_flag) == 0x1fe, "boot_flag");
_Static_assert(BP_OFF(hdr.jump) == 0x200, "jump");
_Static_assert(BP_OFF(hdr.header) == 0x202, "header");
_Static_assert(BP_OFF(hdr.version) == 0x206, "version");
_Static_assert(BP_OFF(hdr.realmode_swtch) == 0x208, "realmode_swtch");
_Static_assert(BP_OFF(hdr.start_sys_seg) == 0x20c, "start_sys_seg");
_Static_assert(BP_OFF(hdr.kernel_version) == 0x20e, "kernel_version");
_Static_assert(BP_OFF(hdr.type_of_loader) == 0x210, "type_of_loader");
_Static_assert(BP_OFF(hdr.loadflags) == 0x211, "loadflags");
_Static_assert(BP_OFF(hdr.setup_move_size) == 0x212, "setup_move_size");
_Static_assert(BP_OFF(hdr.code32_start) == 0x214, "code32_start");
_Static_assert(BP_OFF(hdr.ramdisk_image) == 0x218, "ramdisk_image");
_Static_assert(BP_OFF(hdr.ramdisk_size) == 0x21c, "ramdisk_size");
_Static_assert(BP_OFF(hdr.bootsect_kludge) == 0x220, "bootsect_kludge");
_Static_assert(BP_OFF(hdr.heap_end_ptr) == 0x224, "heap_end_ptr");
_Static_assert(BP_OFF(hdr.ext_loader_ver) == 0x226, "ext_loader_ver");
_Static_assert(BP_OFF(hdr.ext_loader_type) == 0x227, "ext_loader_type");
_Static_assert(BP_OFF(hdr.cmd_line_ptr) == 0x228, "cmd_line_ptr");
_Static_assert(BP_OFF(hdr.initrd_addr_max) == 0x22c, "initrd_addr_max");
_Static_assert(BP_OFF(hdr.kernel_alignment) == 0x230, "kernel_alignment");
_Static_assert(BP_OFF(hdr.relocatable_kernel) == 0x234, "relocatable_kernel");
_Static_assert(BP_OFF(hdr.min_alignment) == 0x235, "min_alignment");
_Static_assert(BP_OFF(hdr.xloadflags) == 0x236, "xloadflags");
_Static_assert(BP_OFF(hdr.cmdline_size) == 0x238, "cmdline_size");
_Static_assert(BP_OFF(hdr.hardware_subarch) == 0x23c, "hardware_subarch");
_Static_assert(BP_OFF(hdr.hardware_subarch_data) == 0x240, "hardware_subarch_data");
_Static_assert(BP_OFF(hdr.payload_offset) == 0x248, "payload_offset");
_Static_assert(BP_OFF(hdr.payload_length) == 0x24c, "payload_length");
_Static_assert(BP_OFF(hdr.setup_data) == 0x250, "setup_data");
_Static_assert(BP_OFF(hdr.pref_address) == 0x258, "pref_address");
_Static_assert(BP_OFF(hdr.init_size) == 0x260, "init_size");
_Static_assert(BP_OFF(hdr.handover_offset) == 0x264, "handover_offset");
_Static_assert(BP_OFF(hdr.kernel_info_offset) == 0x268, "kernel_info_offset");
_Static_assert(sizeof(struct setup_header) == 123, "setup_header size (ends at 0x26c)");
/* boot_params (§4.3) */
_Static_assert(BP_OFF(screen_info) == 0x000, "screen_info");
_Static_assert(BP_OFF(apm_bios_info) == 0x040, "apm_bios_info");
_Static_assert(BP_OFF(tboot_addr) == 0x058, "tboot_addr");
_Static_assert(BP_OFF(ist_info) == 0x060, "ist_info");
_Static_assert(BP_OFF(acpi_rsdp_addr) == 0x070, "acpi_rsdp_addr");
_Static_assert(BP_OFF(ext_ramdisk_image) == 0x0c0, "ext_ramdisk_image");
_Static_assert(BP_OFF(ext_ramdisk_size) == 0x0c4, "ext_ramdisk_size");
_Static_assert(BP_OFF(ext_cmd_line_ptr) == 0x0c8, "ext_cmd_line_ptr");
_Static_assert(BP_OFF(cc_blob_address) == 0x13c, "cc_blob_address");
_Static_assert(BP_OFF(edid_info) == 0x140, "edid_info");
_Static_assert(BP_OFF(efi_info) == 0x1c0, "efi_info");
_Static_assert(BP_OFF(alt_mem_k) == 0x1e0, "alt_mem_k");
_Static_assert(BP_OFF(scratch) == 0x1e4, "scratch");
_Static_assert(BP_OFF(e820_entries) == 0x1e8, "e820_entries");
_Static_assert(BP_OFF(eddbuf_entries) == 0x1e9, "eddbuf_entries");
_Static_assert(BP_OFF(edd_mbr_sig_buf_entries) == 0x1ea, "edd_mbr_sig_buf_entries");
_Static_assert(BP_OFF(kbd_status) == 0x1eb, "kbd_status");
_Static_assert(BP_OFF(secure_boot) == 0x1ec, "secure_boot");
_Static_assert(BP_OFF(sentinel) == 0x1ef, "sentinel");
_Static_assert(BP_OFF(edd_mbr_sig_buffer) == 0x290, "edd_mbr_sig_buffer");
_Static_assert(BP_OFF(e820_table) == 0x2d0, "e820_table");
_Static_assert(BP_OFF(eddbuf) == 0xd00, "eddbuf");
_Static_assert(sizeof(struct boot_e820_entry) == 20, "boot_e820_entry is 20 packed bytes");
_Static_assert(sizeof(struct boot_params) == 4096, "boot_params is one page");
_Static_assert(offsetof(struct setup_data, data) == 16, "setup_data header");
#undef BP_OFF

#endif
