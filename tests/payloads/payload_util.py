# SPDX-License-Identifier: MIT
"""Helpers for the payload tests: paths, bundles, mml archives, synthetic and
patched images (the malformed-payload cases)."""
import os
import struct
import subprocess
import tempfile

BUILD = os.environ.get("BUILD", "build")
COCOBOOT = os.path.join(BUILD, "cocoboot.elf")
UKT = os.path.join(BUILD, "tests", "payloads", "ukt.elf")
MML = os.path.join(BUILD, "tests", "payloads", "mml.elf")


def mkbundle(out, kernel, cmdline=None, initrd=None, nested=None):
    args = ["tools/mkbundle", "-k", kernel, "-o", out]
    if cmdline is not None:
        args += ["-c", cmdline]
    if initrd:
        args += ["-i", initrd]
    if nested:
        args += ["-n", nested]
    subprocess.run(args, check=True)
    return out


def mkmml(out, kernel, modules, xl_layout=False):
    """modules: list of (path, cmdline or None). xl_layout packs them right
    after the kernel image, as libxenguest does."""
    args = ["tests/payloads/mkmml.sh", out, kernel]
    for i, (path, cl) in enumerate(modules):
        if i:
            args.append("--")
        args.append(path)
        if cl is not None:
            args.append(cl)
    subprocess.run(args, check=True, env={**os.environ, "MML_XL_LAYOUT": "1" if xl_layout else "0"})
    return out


def cpio(members):
    """A cpio newc archive of (name, mode, data) members plus the trailer."""
    out = bytearray()
    for name, mode, data in list(members) + [("TRAILER!!!", 0, b"")]:
        nb = name.encode() + b"\0"
        out += b"070701" + b"".join(b"%08X" % v for v in
                                    (1, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(nb), 0))
        out += nb
        out += b"\0" * (-len(out) % 4)
        out += data + b"\0" * (-len(data) % 4)
    return bytes(out)


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)
    return path


def bzimage(version=0x020F, xloadflags=0x3, cmdline_size=2047, init_size=0x400000,
            pref=0x1000000, pm_size=4096):
    """A synthetic bzImage whose header passes cocoboot's checks (the field
    values of tests/unit/test_payload_fixtures.h) unless told otherwise."""
    b = bytearray(5 * 512 + pm_size)
    b[0x1F1] = 4
    struct.pack_into("<I", b, 0x1F4, pm_size // 16)
    struct.pack_into("<H", b, 0x1FE, 0xAA55)
    b[0x200], b[0x201] = 0xEB, 0x6A
    struct.pack_into("<I", b, 0x202, 0x53726448)
    struct.pack_into("<H", b, 0x206, version)
    b[0x211] = 1
    struct.pack_into("<I", b, 0x22C, 0x7FFFFFFF)
    struct.pack_into("<I", b, 0x230, 0x200000)
    b[0x234], b[0x235] = 1, 21
    struct.pack_into("<H", b, 0x236, xloadflags)
    struct.pack_into("<I", b, 0x238, cmdline_size)
    struct.pack_into("<II", b, 0x248, 0x100, 0x200)
    struct.pack_into("<Q", b, 0x258, pref)
    struct.pack_into("<I", b, 0x260, init_size)
    return bytes(b)


def elf32_patch(data, paddr=None, entry=None, note_type=None):
    """Patch the first PT_LOAD's p_paddr/p_vaddr, and the PHYS32_ENTRY note
    (value or type), of an ELF32 image like ukt.elf."""
    b = bytearray(data)
    phoff, = struct.unpack_from("<I", b, 28)
    phnum, = struct.unpack_from("<H", b, 44)
    for i in range(phnum):
        o = phoff + 32 * i
        ptype, poff, pva, ppa, pfsz = struct.unpack_from("<IIIII", b, o)
        if ptype == 1 and paddr is not None:
            struct.pack_into("<II", b, o + 8, paddr, paddr)
            paddr = None
        if ptype == 4:
            n = poff
            if note_type is not None:
                struct.pack_into("<I", b, n + 8, note_type)
            if entry is not None:
                struct.pack_into("<I", b, n + 16, entry)
    return bytes(b)


def tmpdir():
    return tempfile.TemporaryDirectory(prefix="cocoboot-payload-")
