# Real QEMU boots of the image (TCG always, KVM when tools/kvm-usable says so).
TESTS += tests/qemu/boot.t tests/qemu/smp.t tests/qemu/cmdline.t
