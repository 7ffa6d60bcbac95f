#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""An independent check of the launch digests of sevsim and tools/cocoboot-measure.

Both are built from sim/fw/launch_digest.c, so "tool == sevsim" (tests/sim/measure.t) shows
they agree, not that they are right. This file computes both digests again in Python with
hashlib, from the rules as the specifications state them, not from our C:

- SEV/SEV-ES (GCTX.LD): SHA-256 over the plaintext of every LAUNCH_UPDATE_DATA page, then
  every LAUNCH_UPDATE_VMSA page, in launch order (docs/abi.md §9.4);
- SEV-SNP (the MEASUREMENT of an attestation report): per SNP_LAUNCH_UPDATE page, the new
  digest is SHA-384 of the 0x70-byte PAGE_INFO of the SNP firmware ABI (AMD 56860 §8.17.2,
  "Layout of the PAGE_INFO structure", as virtee/sev-snp-measure's gctx.py implements it):
  the digest so far, SHA-384 of the page (NORMAL, VMSA) or zeros (CPUID, SECRETS), length
  0x70, page type, IMI 0, VMPL permissions 0, the GPA (VMSAs at 0xFFFFFFFFF000).

The pages come from `--dump-pages` (docs/abi.md §9.4 "Checking a digest"). Each dump is
checked before it is hashed, against what this file derives itself from the input files:

- the image pages are the ELF's PT_LOAD bytes (parsed here) and zeros, page by page, the
  hashes table page (QEMU's SevHashTable, §9.2) holding hashlib's SHA-256 of the modules
  and of the command line with its NUL; the modules (when measured) follow, page aligned;
- the start_info blob holds hvm_start_info (Xen's public start_info.h layout) with the
  command line and module list given and the memory map for the RAM size: below 4 GiB
  up to 0xFC000000, the rest from 4 GiB (as xl and sevsim place it);
- with more than one vCPU, the block below 0xFEFF8000 holds an ACPI RSDP, XSDT and MADT
  whose checksums hold and which list every vCPU (APIC ID 2v), and the AP bring-up region
  (docs/abi.md §8.3) whose header names its code by a SHA-256 that hashlib confirms;
- SNP: the CPUID and secrets pages at the GPAs cocoboot's ELF notes 0x101/0x102 name;
- the VMSAs (offsets: amd-sev-facts.md §7.1) carry the fields the ABI fixes: vCPU 0 at the
  PVH entry (32-bit flat protected mode, RIP = the PHYS32_ENTRY note, RBX = start_info),
  APs at the bring-up region (RIP region + 0x80, RBX region, RSI the vCPU) or in the reset
  state (CS 0xF000 base 0xFFFF0000, RIP 0xFFF0, real mode, RDX = the CPU signature encoded
  from family/model/stepping as AMD's CPUID specification 25481 does); EFER.SVME, RFLAGS 2,
  DR6/DR7, PAT, XCR0 as amd-sev-facts.md §1/§7.2; SEV_FEATURES = SNPActive | the features;
  with Secure AVIC vintr_ctrl V_GIF | V_NMI_ENABLE (facts §7.2).

Over six launches (SEV-ES and SNP, 1 and 4 vCPUs, with and without --kernel-hashes,
bring-up region and reset-state APs, Secure AVIC, RAM above 4 GiB) the Python digest equals
sevsim's and the tool's, from either dump.
"""
import hashlib
import json
import os
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from simtest import BUILD, Run, Tap  # noqa: E402

IMG = os.path.join(BUILD, "cocoboot.elf")
UKT = os.path.join(BUILD, "tests", "payloads", "ukt.elf")
TOOL = os.path.join(BUILD, "tools", "cocoboot-measure")
PAGE = 4096

# ---- the ABIs' constants (sources in the docstring) ----
SNP_NORMAL, SNP_VMSA, SNP_SECRETS, SNP_CPUID = 1, 2, 5, 6
SNP_VMSA_GPA = 0xFFFFFFFFF000
SPECIAL_BASE, SPECIAL_SIZE = 0xFEFF8000, 0x8000    # Xen's HVM special pages
LOWMEM_MAX, HIGH_BASE = 0xFC000000, 1 << 32
START_MAGIC, SIF_HVM_GHCB = 0x336EC578, 1 << 5
MM_RAM, MM_RESERVED, MM_ACPI, MM_AP_BRINGUP = 1, 2, 3, 0xF0000010
NOTE_HASHES, NOTE_SNP_CPUID, NOTE_SNP_SECRETS, XEN_PHYS32_ENTRY = 0x100, 0x101, 0x102, 18
GUIDS = {  # QEMU target/i386/sev.c, EFI byte order (docs/abi.md §9.2)
    "table": "9438d606-4f22-4cc9-b479-a793d411fd21", "cmdline": "97d02dd8-bd20-4c94-aa78-e7714d36ab2a",
    "initrd": "44baf731-3a2f-4bd7-9af1-41e29169781d", "kernel": "4de79437-abd2-427f-b835-d5b172d2045b"}
# VMSA offsets, amd-sev-facts.md §7.1
V = dict(es=0x00, cs=0x10, ss=0x20, ds=0x30, fs=0x40, gs=0x50, gdtr=0x60, ldtr=0x70, idtr=0x80, tr=0x90,
         efer=0xD0, cr4=0x148, cr0=0x158, dr7=0x160,
         dr6=0x168, rflags=0x170, rip=0x178, g_pat=0x268, rdx=0x310, rbx=0x318, rsi=0x330,
         sev_features=0x3B0, vintr_ctrl=0x3B8, xcr0=0x3E8)
V_GIF, V_NMI_ENABLE, SF_SECURE_AVIC = 1 << 9, 1 << 26, 1 << 16

t = Tap()


def u(fmt, b, off=0):
    return struct.unpack_from("<" + fmt, b, off)


def pdown(a):
    return a & ~(PAGE - 1)


def pup(a):
    return (a + PAGE - 1) & ~(PAGE - 1)


def guid(s):  # EFI byte order: the first three fields little endian
    h = bytes.fromhex(s.replace("-", ""))
    return h[3::-1] + h[5:3:-1] + h[7:5:-1] + h[8:]


def cpu_sig(family, model, stepping):  # AMD CPUID spec 25481, Fn0000_0001 EAX
    base_f, ext_f = (family, 0) if family < 0xF else (0xF, family - 0xF)
    return ext_f << 20 | (model >> 4) << 16 | base_f << 8 | (model & 0xF) << 4 | stepping


def elf(path):
    """The PT_LOAD image (base, bytes), the PHYS32 entry and cocoboot's notes."""
    f = open(path, "rb").read()
    phoff, = u("Q", f, 32)
    phentsize, phnum = u("HH", f, 54)
    loads, notes, entry = [], {}, None
    for i in range(phnum):
        typ, _, off, _, paddr, filesz, memsz, _ = u("IIQQQQQQ", f, phoff + i * phentsize)
        if typ == 1:
            loads.append((paddr, f[off:off + filesz], memsz))
        elif typ == 4:
            at = off
            while at + 12 <= off + filesz:
                namesz, descsz, ntype = u("III", f, at)
                name = f[at + 12:at + 12 + namesz].rstrip(b"\0")
                desc = f[at + 12 + pup4(namesz):at + 12 + pup4(namesz) + descsz]
                if name == b"Xen" and ntype == XEN_PHYS32_ENTRY:
                    entry = int.from_bytes(desc, "little")
                elif name == b"cocoboot":
                    notes[ntype] = u("Q", desc)[0]
                at += 12 + pup4(namesz) + pup4(descsz)
    base = pdown(min(p for p, _, _ in loads))
    img = bytearray(pup(max(p + m for p, _, m in loads)) - base)
    for p, data, _ in loads:
        img[p - base:p - base + len(data)] = data
    return base, img, entry, notes


def pup4(n):
    return (n + 3) & ~3


def read_dump(path):
    d = open(path, "rb").read()
    assert len(d) % (16 + PAGE) == 0
    return [(u("Q", d, i)[0], u("I", d, i + 8)[0], d[i + 16:i + 16 + PAGE]) for i in range(0, len(d), 16 + PAGE)]


def digest(mode, pages):
    """The launch digest, from the specification's rule, over the dumped pages."""
    if mode != "sev-snp":
        return hashlib.sha256(b"".join(p for _, _, p in pages)).hexdigest()
    ld = bytes(48)
    for gpa, typ, page in pages:
        contents = hashlib.sha384(page).digest() if typ in (SNP_NORMAL, SNP_VMSA) else bytes(48)
        info = ld + contents + struct.pack("<HBBBBBBQ", 0x70, typ, 0, 0, 0, 0, 0, gpa)
        assert len(info) == 0x70
        ld = hashlib.sha384(info).digest()
    return ld.hex()


def checksum_ok(b):
    return sum(b) & 0xFF == 0


def acpi_apic_ids(mem, rsdp):
    """APIC IDs the MADT lists, after checking RSDP, XSDT and MADT (ACPI 6: checksums)."""
    r = mem(rsdp, 36)
    if r[:8] != b"RSD PTR " or r[15] != 2 or not checksum_ok(r[:20]) or not checksum_ok(r):
        return None
    xsdt, = u("Q", r, 24)
    xl, = u("I", mem(xsdt, 8), 4)
    x = mem(xsdt, xl)
    if x[:4] != b"XSDT" or not checksum_ok(x):
        return None
    for i in range(36, xl, 8):
        tab, = u("Q", x, i)
        ml, = u("I", mem(tab, 8), 4)
        m = mem(tab, ml)
        if m[:4] != b"APIC":
            continue
        if not checksum_ok(m):
            return None
        ids, at = [], 44
        while at + 2 <= ml:
            typ, ln = m[at], m[at + 1]
            if typ == 0:
                ids.append(m[at + 3])
            elif typ == 9:
                ids.append(u("I", m, at + 4)[0])
            at += ln
        return ids
    return None


def check_pages(mode, pages, launch, want):
    """Every claim of the docstring's list about one dump; a list of what is wrong."""
    bad = []
    base, img, entry, notes = elf(IMG)
    snp = mode == "sev-snp"
    mods = [open(m, "rb").read() for m in want["modules"]]
    cmd = want["cmdline"]
    if want["kernel_hashes"]:
        e = hashlib.sha256(b"").digest()
        h = {"kernel": hashlib.sha256(mods[0]).digest() if mods else e,
             "initrd": hashlib.sha256(mods[1]).digest() if len(mods) > 1 else e,
             "cmdline": hashlib.sha256((cmd or "").encode() + b"\0").digest()}
        table = guid(GUIDS["table"]) + struct.pack("<H", 168)
        for k in ("cmdline", "initrd", "kernel"):
            table += guid(GUIDS[k]) + struct.pack("<H", 50) + h[k]
        at = notes[NOTE_HASHES] - base
        img[at:at + PAGE] = table + bytes(PAGE - len(table))
        if launch.get("hashes") != {k: v.hex() for k, v in h.items()}:
            bad.append("hashes in the launch object")
    # the expected list of (gpa, type, page or None: checked below)
    exp = []
    special = (notes.get(NOTE_SNP_CPUID), notes.get(NOTE_SNP_SECRETS)) if snp else ()
    for off in range(0, len(img), PAGE):
        if base + off not in special:
            exp.append((base + off, 1, bytes(img[off:off + PAGE])))
    cur = base + len(img)
    for m in mods:
        if not want["kernel_hashes"]:
            padded = m + bytes(pup(len(m)) - len(m))
            exp += [(cur + o, 1, padded[o:o + PAGE]) for o in range(0, len(padded), PAGE)]
        cur = pup(cur + len(m))
    si_gpa = cur
    # the blob: the NORMAL/DATA pages from si_gpa up, below the ACPI/bring-up block (its
    # length is the domain builder's; abi.md §10.2 bounds it to 64 KiB)
    n_si = [p for p in pages if si_gpa <= p[0] < SPECIAL_BASE - 0x100000 and p[1] == 1]
    if not 0 < len(n_si) <= 16:
        return [f"start_info blob of {len(n_si)} pages"]
    blob = b"".join(p for _, _, p in n_si)
    exp += [(si_gpa + i * PAGE, 1, None) for i in range(len(n_si))]

    def mem(a, n):  # launch memory from the dump, by GPA
        out = b""
        while n:
            pg = next((p for g, ty, p in pages if g == pdown(a) and ty == 1), None)
            if pg is None:
                raise KeyError(hex(a))
            k = min(n, PAGE - (a & (PAGE - 1)))
            out += pg[a & (PAGE - 1):(a & (PAGE - 1)) + k]
            a, n = a + k, n - k
        return out

    magic, version, flags, nr, modlist, cmdline_pa, rsdp, mm_pa, mm_n, _ = u("IIIIQQQQII", blob)
    if (magic, version, flags & SIF_HVM_GHCB, nr) != (START_MAGIC, 1, SIF_HVM_GHCB if mode != "sev" else 0,
                                                       len(mods)):
        bad.append("start_info header")
    if cmd and mem(cmdline_pa, len(cmd) + 1) != cmd.encode() + b"\0":
        bad.append("command line")
    cur = base + len(img)
    for i, m in enumerate(mods):
        pa, size, _, _ = u("QQQQ", mem(modlist + 32 * i, 32))
        if (pa, size) != (cur, len(m)):
            bad.append(f"module {i} entry")
        cur = pup(cur + len(m))
    mm = [u("QQII", mem(mm_pa + 24 * i, 24))[:3] for i in range(mm_n)]
    ram = want["mem"]
    want_mm = [(0, min(ram, LOWMEM_MAX), MM_RAM), (SPECIAL_BASE, SPECIAL_SIZE, MM_RESERVED)]
    if ram > LOWMEM_MAX:
        want_mm.append((HIGH_BASE, ram - LOWMEM_MAX, MM_RAM))
    fw = [e for e in mm if e[2] in (MM_ACPI, MM_AP_BRINGUP)]
    if mm[:len(want_mm)] != want_mm or len(mm) != len(want_mm) + len(fw):
        bad.append(f"memory map {[(hex(a), hex(s), t) for a, s, t in mm]}")
    region = None
    if want["vcpus"] > 1:
        fw_lo = min(a for a, _, _ in fw) if fw else SPECIAL_BASE
        if not fw or max(a + s for a, s, _ in fw) != SPECIAL_BASE:
            bad.append("ACPI/bring-up block does not end at the special pages")
        exp += [(g, 1, None) for g in range(fw_lo, SPECIAL_BASE, PAGE)]
        ids = acpi_apic_ids(mem, rsdp) if rsdp else None
        if ids != [2 * v for v in range(want["vcpus"])]:
            bad.append(f"ACPI tables (APIC IDs {ids})")
        br = [e for e in fw if e[2] == MM_AP_BRINGUP]
        if br:
            region, size = br[0][:2]
            h = mem(region, 128)
            mg, ver, _, sz, code_off, code_len, _, _, nslots = u("IHHIIIIII", h)
            if (mg, ver, sz, nslots) != (0x50414E58, 1, size, want["vcpus"]) or \
                    hashlib.sha256(mem(region + code_off, code_len)).digest() != h[0x20:0x40]:
                bad.append("AP bring-up region header")
        if bool(br) != want["bringup"]:
            bad.append("bring-up region offered or not")
    if snp:
        exp += [(notes[NOTE_SNP_CPUID], SNP_CPUID, bytes(PAGE))] if NOTE_SNP_CPUID in notes else []
        exp += [(notes[NOTE_SNP_SECRETS], SNP_SECRETS, bytes(PAGE))] if NOTE_SNP_SECRETS in notes else []
    if mode != "sev":
        exp += [(SNP_VMSA_GPA if snp else 0, 2, None)] * want["vcpus"]
    got = [(g, ty) for g, ty, _ in pages]
    if got != [(g, ty) for g, ty, _ in exp]:
        bad.append("page list (GPA, type) differs from abi.md §9.4's order")
    elif any(p is not None and p != pages[i][2] for i, (_, _, p) in enumerate(exp)):
        bad.append("page contents (image, table, modules)")
    # the VMSAs
    feats = (1 if snp else 0) | want["sev_features"]
    for v, (_, _, p) in enumerate([q for q in pages if q[1] == 2] if mode != "sev" else []):
        q = {k: u("Q", p, o)[0] for k, o in V.items()}
        seg = {k: u("HHIQ", p, V[k]) for k in ("cs", "ds", "es", "ss", "fs", "gs", "gdtr", "ldtr", "idtr", "tr")}
        ok = (q["efer"] & 0x1000 and q["rflags"] == 2 and q["dr7"] == 0x400 and q["dr6"] == 0xFFFF0FF0
              and q["g_pat"] == 0x0007040600070406 and q["xcr0"] == 1 and q["sev_features"] == feats
              and q["vintr_ctrl"] == (V_GIF | V_NMI_ENABLE if feats & SF_SECURE_AVIC else 0))
        if v == 0 or region is not None:  # 32-bit flat protected mode, paging off (PVH, §8.5)
            ok = ok and q["cr0"] & 1 and not q["cr0"] >> 31 & 1 and seg["cs"][1:] == (0xC9B, 0xFFFFFFFF, 0) \
                and all(seg[s][1:] == (0xC93, 0xFFFFFFFF, 0) for s in ("ds", "es", "ss", "fs", "gs"))
            if v == 0:
                ok = ok and q["rip"] == entry and q["rbx"] == si_gpa
            else:
                ok = ok and q["rip"] == region + 0x80 and q["rbx"] == region and q["rsi"] == v
        else:  # the reset state (APM vol. 2 §14.1.3; QEMU x86_cpu_reset, KVM kvm_vcpu_reset):
            # as virtee/sev-snp-measure's QEMU AP VMSA has it, KVM's VMCB values: CR0 0x10
            # (CD/NW cleared), CR4 0x40 (MCE), GDTR/IDTR/LDTR limit 0xFFFF, TR 0x8B
            ok = ok and q["cr0"] == 0x10 and q["cr4"] == 0x40 and seg["cs"] == (0xF000, 0x9B, 0xFFFF, 0xFFFF0000) \
                and all(seg[s] == (0, 0x93, 0xFFFF, 0) for s in ("ds", "es", "ss", "fs", "gs")) \
                and seg["gdtr"] == seg["idtr"] == (0, 0, 0xFFFF, 0) and seg["ldtr"] == (0, 0x82, 0xFFFF, 0) \
                and seg["tr"] == (0, 0x8B, 0xFFFF, 0) and q["rip"] == 0xFFF0 and q["rdx"] == want["cpu_sig"]
        if not ok:
            bad.append(f"VMSA {v}: {({k: hex(x) for k, x in q.items()})}")
    return bad


for f in (UKT, TOOL, IMG):
    if not os.path.exists(f):
        print(f"1..0 # SKIP {f} not built")
        sys.exit(0)

with tempfile.TemporaryDirectory(prefix="sevsim-digest-") as d:
    data = os.path.join(d, "data")
    with open(data, "wb") as f:
        f.write(os.urandom(2 * PAGE + 77))
    launches = [  # (mode, vcpus, kernel hashes, modules, cmdline, mem, extra options, cpu signature)
        ("sev-es", 1, False, [UKT], "a b", 128 << 20, [], None),
        ("sev-es", 4, True, [UKT, data], "loglevel=debug -- x", 128 << 20, ["--hv=kvm"], (25, 1, 1)),
        ("sev-es", 4, False, [], None, 8 << 30, [], None),
        ("sev-snp", 1, True, [UKT], "a", 6 << 30, [], None),
        ("sev-snp", 4, False, [UKT, data], "b", 128 << 20, ["--savic"], None),
        ("sev-snp", 4, True, [UKT], None, 128 << 20, ["--bringup-page=off", "--sev-features=0x20"], (26, 17, 2)),
    ]
    for mode, vcpus, kh, mods, cmd, ram, extra, fms in launches:
        args = [f"--mode={mode}", f"--vcpus={vcpus}", f"--mem={ram}"] + (["--kernel-hashes"] if kh else []) \
            + [f"--module={m}" for m in mods] + ([f"--cmdline={cmd}"] if cmd else []) + extra \
            + ([f"--cpu-sig={fms[0]}/{fms[1]}/{fms[2]}"] if fms else [])
        feats = sum(int(a.split("=")[1], 0) for a in extra if a.startswith("--sev-features="))
        feats |= SF_SECURE_AVIC if "--savic" in extra else 0
        bringup = vcpus > 1 and "--hv=kvm" not in extra and "--bringup-page=off" not in extra
        want = dict(modules=mods, cmdline=cmd, kernel_hashes=kh, mem=ram, vcpus=vcpus, sev_features=feats,
                    bringup=bringup, cpu_sig=cpu_sig(*fms) if fms else None)
        r = Run(args + ["--max-insns=1", f"--dump-pages={d}/sim.dump", IMG])
        p = subprocess.run([TOOL] + args + [f"--dump-pages={d}/tool.dump", IMG], stdout=subprocess.PIPE)
        tool = json.loads(p.stdout) if p.returncode == 0 else {}
        key = "snp_digest" if mode == "sev-snp" else "digest"
        name = f"{mode}, {vcpus} vCPU(s), {'kernel hashes' if kh else f'{len(mods)} measured module(s)'}, " \
            f"{ram >> 20} MiB{', ' + ' '.join(extra) if extra else ''}{', cpu %d/%d/%d' % fms if fms else ''}"
        sim_pages = read_dump(f"{d}/sim.dump") if os.path.exists(f"{d}/sim.dump") else []
        tool_pages = read_dump(f"{d}/tool.dump") if os.path.exists(f"{d}/tool.dump") else []
        bad = check_pages(mode, sim_pages, r["launch"] or {}, want) if sim_pages else ["no dump"]
        t.ok(not bad, f"{name}: sevsim's {len(sim_pages)} measured pages are the ELF's, the modules', start_info "
             f"(memory map for the RAM), ACPI and bring-up tables and VMSAs as abi.md §9.4 and the facts fix "
             f"{bad[:3] if bad else ''}", r)
        mine = digest(mode, sim_pages)
        t.ok(sim_pages and mine == (r["launch"] or {}).get(key) == tool.get(key) == digest(mode, tool_pages),
             f"{name}: the digest hashlib computes by the specification's rule equals sevsim's and the tool's "
             f"({mine[:16]}...)", r)
        for f in ("sim.dump", "tool.dump"):
            if os.path.exists(f"{d}/{f}"):
                os.unlink(f"{d}/{f}")

    # the digest covers what it claims: one byte of a measured page, or the CPU signature, moves it
    r = Run(["--mode=sev-es", "--vcpus=2", "--hv=kvm", "--cpu-sig=0xA00F11", "--max-insns=1",
             f"--dump-pages={d}/a.dump", IMG])
    pages = read_dump(f"{d}/a.dump")
    g, ty, pg = pages[0]
    flipped = [(g, ty, bytes([pg[0] ^ 1]) + pg[1:])] + pages[1:]
    other = Run(["--mode=sev-es", "--vcpus=2", "--hv=kvm", "--cpu-sig=25/1/2", "--max-insns=1", IMG])
    t.ok(digest("sev-es", pages) == r["launch"]["digest"] != digest("sev-es", flipped)
         and other["launch"]["digest"] != r["launch"]["digest"]
         and u("Q", pages[-1][2], V["rdx"])[0] == 0xA00F11 == cpu_sig(25, 1, 1),
         "the Python digest moves with one byte of the first page; another CPU signature (stepping 2) gives "
         "another digest; 0xA00F11 is family 25 model 1 stepping 1 (EPYC-Milan) by the CPUID rule", r)

print(f"1..{t.n}")
sys.exit(1 if t.failed else 0)
