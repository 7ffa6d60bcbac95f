# The examples users copy (examples/): QEMU scripts run under TCG; the xl configs
# are booted by tests/xen/*.t.
TESTS += tests/examples/qemu.t
