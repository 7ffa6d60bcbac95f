; SPDX-License-Identifier: MIT
; The reference init code of the Xen AP bring-up page (docs/abi.md §8.3), byte for byte
; as the build assembles xen/host/ap_bringup.asm: what sevsim's toolstack copies into
; the region (fw/bringup.c). The include path names build/xen/host.
section .rodata
global sim_ap_blob, sim_ap_blob_end
sim_ap_blob:
	incbin "ap_bringup.bin"
sim_ap_blob_end:

section .note.GNU-stack noalloc noexec nowrite progbits
