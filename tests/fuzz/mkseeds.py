#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the hand-made seeds of the libFuzzer harnesses whose input is a binary
layout (tests/fuzz/seeds/<harness>/<name>): each seed is a meaningful case, a real
answer or structure the fuzzer then mutates. Run from the top of the tree; the
seeds are kept in git, so run it only after changing a harness's input layout.
The other seed directories (cmdline, insn, payload_*) hold files written by hand
or taken from real images."""
import os
import struct

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "seeds")


def put(harness, name, data):
    d = os.path.join(ROOT, harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


q = lambda *v: struct.pack("<%dQ" % len(v), *v)  # noqa: E731

# ---- start_info: the window starts at 0x1000 (fuzz_start_info.c) ----------------
def start_info(version=1, cmdline=b"console=e9 loglevel=debug -- root=/dev/vda quiet",
               modules=((0x3000, 0x100, b"initrd"), (0x4000, 0x2000, None)),
               memmap=((0x0, 0x8000, 1), (0x8000, 0x8000, 1), (0xf0000, 0x10000, 2))):
    buf = bytearray(0x400)
    base = 0x1000
    mod_pa, cmd_pa, map_pa, modcmd_pa = 0x1040, 0x1200, 0x1300, 0x1100
    mods = b""
    for i, (pa, size, cl) in enumerate(modules):
        cpa = 0
        if cl is not None:
            cpa = modcmd_pa + 0x40 * i
            buf[cpa - base:cpa - base + len(cl) + 1] = cl + b"\0"
        mods += q(pa, size, cpa, 0)
    buf[mod_pa - base:mod_pa - base + len(mods)] = mods
    if cmdline is not None:
        buf[cmd_pa - base:cmd_pa - base + len(cmdline) + 1] = cmdline + b"\0"
    mm = b"".join(struct.pack("<QQII", a, s, t, 0) for a, s, t in memmap)
    buf[map_pa - base:map_pa - base + len(mm)] = mm
    hdr = struct.pack("<IIIIQQQQII", 0x336ec578, version, 0, len(modules), mod_pa,
                      cmd_pa if cmdline is not None else 0, 0,
                      map_pa if version >= 1 else 0, len(memmap) if version >= 1 else 0, 0)
    buf[0:len(hdr)] = hdr
    return bytes(buf)


put("start_info", "v1-two-modules", start_info())
put("start_info", "v0-no-memmap", start_info(version=0, modules=((0x3000, 0x100, None),)))
put("start_info", "no-cmdline", start_info(cmdline=None, modules=()))
put("start_info", "module-over-image", start_info(modules=((0x8800, 0x100, None),)))
put("start_info", "long-cmdline", start_info(cmdline=b"a=1 " * 40 + b"-- x"))

# ---- ghcb_vc: header (162 bytes) then the hypervisor's answers (fuzz_ghcb_vc.c) ----
EXIT = dict(cpuid=0, ioio=1, msr=2, rdtsc=3, rdtscp=4, vmmcall=5, wbinvd=6, rdr7=7,
            wdr7=8, monitor=9, mwait=10, npf=11)
RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI = range(8)


def vc_header(flags, exit_sel, code, regs=None, rip=0x100000, raw_exit=0):
    h = bytearray(162)
    h[0] = flags
    h[1] = exit_sel
    h[2:10] = struct.pack("<Q", raw_exit)
    h[10:10 + len(code)] = code
    r = [0] * 16
    for k, v in (regs or {}).items():
        r[k] = v
    h[26:154] = struct.pack("<16Q", *r)
    h[154:162] = struct.pack("<Q", rip)
    return bytes(h)


def bit(field_off):
    return field_off // 8


B_RAX, B_RCX, B_RDX, B_RBX = bit(0x1f8), bit(0x308), bit(0x310), bit(0x318)


def answer(valid_bits=(), result=0, info2=0, rax=0, rbx=0, rcx=0, rdx=0, data=0):
    v = [0, 0]
    for b in valid_bits:
        v[b // 64] |= 1 << (b % 64)
    return q(v[0], v[1], result, info2, rax, rbx, rcx, rdx, data)


ALL4 = (B_RAX, B_RBX, B_RCX, B_RDX)
put("ghcb_vc", "cpuid-leaf0", vc_header(0, EXIT["cpuid"], b"\x0f\xa2") +
    answer(ALL4, rax=0x10, rbx=0x68747541, rdx=0x69746e65, rcx=0x444d4163))
put("ghcb_vc", "cpuid-8000001f", vc_header(0, EXIT["cpuid"], b"\x0f\xa2", {RAX: 0x8000001f}) +
    answer(ALL4, rax=0xb, rbx=47 | 1 << 6))
put("ghcb_vc", "cpuid-missing-valid", vc_header(0, EXIT["cpuid"], b"\x0f\xa2") +
    answer((B_RAX,), rax=0x10))
put("ghcb_vc", "cpuid-hv-error", vc_header(0, EXIT["cpuid"], b"\x0f\xa2") + answer(ALL4, result=2))
put("ghcb_vc", "out-e9", vc_header(0, EXIT["ioio"], b"\xe6\xe9", {RAX: 0x41}) + answer())
put("ghcb_vc", "in-dx", vc_header(0, EXIT["ioio"], b"\xec", {RDX: 0x3fd}) +
    answer((B_RAX,), rax=0x60))
put("ghcb_vc", "rep-outsb", vc_header(0, EXIT["ioio"], b"\xf3\x6e",
                                      {RCX: 3000, RSI: 0x10, RDX: 0xe9}) + answer() + answer())
put("ghcb_vc", "rep-insw-down", vc_header(2, EXIT["ioio"], b"\xf3\x66\x6d",
                                          {RCX: 8, RDI: 0x800, RDX: 0x1f0}) + answer(data=0x1234))
put("ghcb_vc", "rdmsr", vc_header(0, EXIT["msr"], b"\x0f\x32", {RCX: 0xc0000080}) +
    answer((B_RAX, B_RDX), rax=0xd01, rdx=0))
put("ghcb_vc", "wrmsr", vc_header(0, EXIT["msr"], b"\x0f\x30", {RCX: 0x1b, RAX: 1}) + answer())
put("ghcb_vc", "rdtsc", vc_header(0, EXIT["rdtsc"], b"\x0f\x31") +
    answer((B_RAX, B_RDX), rax=0x1234, rdx=5))
put("ghcb_vc", "rdtscp", vc_header(0, EXIT["rdtscp"], b"\x0f\x01\xf9") +
    answer((B_RAX, B_RDX, B_RCX), rax=1, rdx=2, rcx=3))
put("ghcb_vc", "vmmcall", vc_header(0, EXIT["vmmcall"], b"\x0f\x01\xd9", {RAX: 29}) +
    answer((B_RAX,), rax=0))
put("ghcb_vc", "wbinvd", vc_header(0, EXIT["wbinvd"], b"\x0f\x09") + answer())
put("ghcb_vc", "mov-from-dr7", vc_header(0, EXIT["rdr7"], b"\x0f\x21\xf8"))
put("ghcb_vc", "mov-to-dr7", vc_header(0, EXIT["wdr7"], b"\x0f\x23\xf8", {RAX: 0x400}) + answer())
put("ghcb_vc", "mmio-read", vc_header(4, EXIT["npf"], b"\x8b\x03", {RBX: 0xfee00020}) +
    answer(data=0x14))
put("ghcb_vc", "mmio-write-imm", vc_header(4, EXIT["npf"], b"\xc7\x00\x01\x00\x00\x00",
                                           {RAX: 0xfee000b0}) + answer())
put("ghcb_vc", "mmio-movzx-32bit", vc_header(5, EXIT["npf"], b"\x0f\xb6\x01",
                                             {RCX: 0xfed00000}) + answer(data=0xff))
put("ghcb_vc", "opcode-mismatch", vc_header(0, EXIT["cpuid"], b"\x0f\x31"))
put("ghcb_vc", "msr-protocol-cpuid-32bit", vc_header(1 | 16, EXIT["cpuid"], b"\x0f\xa2") +
    q(0x10 << 32 | 5, 0x68747541 << 32 | 1 << 30 | 5, 0x444d4163 << 32 | 2 << 30 | 5,
      0x69746e65 << 32 | 3 << 30 | 5))
put("ghcb_vc", "outs-console", vc_header(1 << 5, 0, b"", rip=0)[:2] + bytes([0, 40, 0xe9, 0]) +
    bytes(156) + answer())
put("ghcb_vc", "hypercall", vc_header(2 << 5, 29, b"") + answer((B_RAX,), rax=0))
put("ghcb_vc", "msr-cpuid-direct", bytes([3 << 5 | 16, 0]) + struct.pack("<I", 0x80000000) +
    bytes(156) + q(0x80000021 << 32 | 5, 1 << 30 | 5, 2 << 30 | 5, 3 << 30 | 5))

# ---- ghcb_check: selector word, then its operands (fuzz_ghcb_check.c) ------------
put("ghcb_check", "sev-info-ok", q(0, 2 << 48 | 1 << 32 | 47 << 24 | 1))
put("ghcb_check", "sev-info-bad-cbit", q(0, 2 << 48 | 1 << 32 | 5 << 24 | 1))
put("ghcb_check", "sev-info-no-common-version", q(0, 9 << 48 | 3 << 32 | 47 << 24 | 1))
put("ghcb_check", "msr-cpuid", q(1, 0x8000001f | 1 << 32, 0x2f << 32 | 1 << 30 | 5))
put("ghcb_check", "msr-cpuid-reserved-set", q(1, 0, 0x10 << 32 | 0x1000 | 5))
put("ghcb_check", "reg-gpa", q(2, 0x7, 0x7 << 12 | 0x13))
put("ghcb_check", "reg-gpa-other-gfn", q(2, 0x7, 0x8 << 12 | 0x13))
put("ghcb_check", "psc-hv-features-hold", q(3, 0x15, 3, 0x3 << 12 | 0x81, 3, 1 << 12 | 7))
put("ghcb_check", "encoders-cbit", q(4, 0x1_0000_0000, 0x1234 << 16 | 0xc << 8 | 47))
put("ghcb_check", "ghcb-answer-ok", q(5 | 4 << 8 | (0x3f | 0x61 << 6 | 0x62 << 12 | 0x63 << 18) << 16,
                                      1 << 63, 0xf << 33 | 1, 0, 0, 1, 2, 3, 4))
put("ghcb_check", "ghcb-answer-error", q(5, 0, 0, 2, 0x0000_0004_0000_0000, 0, 0, 0, 0))
put("ghcb_check", "cpuid-amd", q(6, 0x10, 0x68747541, 0x444d4163, 0x69746e65))
put("ghcb_check", "cpuid-hygon", q(6, 0x10, 0x6f677948, 0x656e6975, 0x6e65476e))
put("ghcb_check", "cpuid-ext-max", q(6 | 1 << 8, 0x80000021, 0, 0, 0))
put("ghcb_check", "cpuid-sev-leaf", q(6 | 2 << 8, 0xb, 47 | 1 << 6, 0, 0))
put("ghcb_check", "cpuid-high-bits", q(6 | 2 << 8, 0xb | 1 << 40, 47, 0, 0))

# ---- xen_pvcons: lines, start index, length, then text and daemon steps ----------
put("xen_pvcons", "honest-lines", bytes([3]) + struct.pack("<I", 0) + bytes([30]) +
    b"cocoboot: booting\nsecond line\n" + bytes(40))
put("xen_pvcons", "wrapping-index", bytes([1]) + struct.pack("<I", 0xfffffff0) + bytes([200]) +
    b"x" * 199 + b"\n" + bytes(20))
put("xen_pvcons", "full-ring-stalled-daemon", bytes([7]) + struct.pack("<I", 100) + bytes([255]) +
    b"y" * 255 + bytes([1, 0, 0, 0, 0]) * 4)
put("xen_pvcons", "daemon-jumps-ahead", bytes([2]) + struct.pack("<I", 5) + bytes([250]) +
    b"z\n" * 125 + bytes([2, 0xff, 0xff, 0xff, 0x7f]) * 4)

# ---- xen_cpuid: for each CPUID: a selector and four registers ----------------------
def cpuid_ans(sel, a, b, c, d):
    return struct.pack("<5I", sel, a, b, c, d)


XEN = (0x566e6558, 0x65584d4d, 0x4d4d566e)
put("xen_cpuid", "xen-at-0x40000000", cpuid_ans(0, 0, 0, 1 << 31, 0) +
    cpuid_ans(0, 0x40000005, *XEN) + cpuid_ans(0, 4 << 16 | 17, 0, 0, 0) +
    cpuid_ans(0, 1, 0x40000000, 0, 0) + cpuid_ans(0, 0x18, 0, 7, 0))
put("xen_cpuid", "viridian-first", cpuid_ans(0, 0, 0, 1 << 31, 0) +
    cpuid_ans(0, 0x40000006, 0x7263694d, 0x666f736f, 0x76482074) +
    cpuid_ans(0, 0x40000105, *XEN) + cpuid_ans(0, 4 << 16 | 19, 0, 0, 0) +
    cpuid_ans(0, 1, 0x40000000, 0, 0) + cpuid_ans(0, 0x8, 3, 0, 0))
put("xen_cpuid", "no-hypervisor-bit", cpuid_ans(0, 0, 0, 0, 0))

# ---- escape: two bytes of buffer size, then the value ------------------------------
put("escape", "ansi-clear-screen", b"\x10\x00" + b"cocoboot: \x1b[2J\x1b[Hforged line\n")
put("escape", "high-bytes-cut", b"\x00\x00" + bytes(range(0x80, 0x100)))
put("escape", "backslashes", b"\x40\x00" + b"C:\\path\\x41 not an escape")
put("escape", "marker-in-value", b"\x05\x00" + b"...[truncated 3 bytes]" * 4)

# ---- cmdline: a few whole lines (the rest of that directory came from runs) --------
put("cmdline", "hostile-control-bytes", b"console=e9 \x1b[2Jloglevel=debug \x07\xff=\x01 -- x")
put("cmdline", "thirty-three-options", b"a=1 " * 32 + b"loglevel=debug -- root=/dev/vda")
put("cmdline", "open-quote", b"loglevel=info x=\"open -- rest")
put("cmdline", "long-value", b"console=" + b"e9," * 200 + b"e9 loglevel=warn")

# ---- payload_handoff: 64-byte header (flags, "--" text, placement), then module 0 ------
def handoff(flags, module0, dashdash=b"", load=0x1000000):
    dd = dashdash.ljust(32, b"\0")
    h = bytes([flags, len(dashdash)]) + dd + q(load, 0xf59d0, 0x20000)
    return h.ljust(64, b"\0") + module0


def seed_file(harness, name):
    with open(os.path.join(ROOT, harness, name), "rb") as f:
        return f.read()


put("payload_handoff", "bundle", handoff(0, seed_file("payload_bundle", "appended")))
put("payload_handoff", "bundle-dashdash", handoff(8, seed_file("payload_bundle", "nested"),
                                                  b"console=hvc0 root=/dev/vda\n"))
put("payload_handoff", "bzimage-with-initrd", handoff(1 | 4, seed_file("payload_bzimage", "bzimage")))
put("payload_handoff", "bzimage-misaligned", handoff(1, seed_file("payload_bzimage", "bzimage"),
                                                     load=0x1000800))
put("payload_handoff", "pvh-elf-three-modules", handoff(3 | 4, seed_file("payload_elf", "elf64")))

# ---- smp_page: max vCPU, stray_vcpu after the start, then the region (fuzz_smp_page.c) ----
# The reference init code comes from the build (make build/xen/host/ap_bringup.bin).
import hashlib  # noqa: E402

BLOB = os.path.join(os.environ.get("BUILD", "build"), "xen", "host", "ap_bringup.bin")
with open(BLOB, "rb") as f:
    AP_CODE = f.read()


def ap_region(vcpus, states=None, code=AP_CODE, sha=None, pages=None):
    slot_off = (0x80 + len(code) + 127) // 128 * 128
    size = pages * 4096 if pages else (slot_off + vcpus * 128 + 4095) // 4096 * 4096
    nr = (size - slot_off) // 128 if pages else vcpus
    r = bytearray(size)
    hdr = struct.pack("<IHHIIIIII", 0x50414E58, 1, 128, size, 0x80, len(code), slot_off, 128, nr)
    hdr += sha if sha is not None else hashlib.sha256(AP_CODE).digest()
    hdr += struct.pack("<II", 0, 0x80)
    r[0:len(hdr)] = hdr
    r[0x80:0x80 + len(code)] = code
    for v, st in (states or {}).items():
        r[slot_off + v * 128:slot_off + v * 128 + 4] = struct.pack("<I", st)
    return bytes(r)


# slot states after a good start: cocoboot's online value 0x100 (smp/page_check.h)
ONLINE = {v: 0x100 for v in range(1, 4)}
put("smp_page", "three-aps-online", bytes([3, 0]) + ap_region(4, ONLINE, pages=1))
put("smp_page", "three-aps-left", bytes([3, 0]) + ap_region(4, {v: 3 for v in range(1, 4)}, pages=1))
put("smp_page", "slot-error-range", bytes([3, 0]) + ap_region(4, {**ONLINE, 2: 0xE2}, pages=1))
put("smp_page", "slot-still-armed", bytes([3, 0]) + ap_region(4, {**ONLINE, 3: 1}, pages=1))
put("smp_page", "stray-vcpu", bytes([3, 9]) + ap_region(4, ONLINE, pages=1))
put("smp_page", "255-vcpus-9-pages", bytes([254, 0]) + ap_region(255, {v: 0x100 for v in range(1, 255)}))
put("smp_page", "code-byte-changed", bytes([3, 0]) + ap_region(4, ONLINE, code=AP_CODE[:-1] + b"\x90", pages=1))
put("smp_page", "header-digest-other", bytes([3, 0]) + ap_region(4, ONLINE, sha=bytes(32), pages=1))
put("smp_page", "too-few-slots", bytes([40, 0]) + ap_region(4, ONLINE, pages=1)[:0x1c] + struct.pack("<I", 8) +
    ap_region(4, ONLINE, pages=1)[0x20:])
