#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Claims about sevsim's handoff checker (--check-handoff, docs/sevsim.md):

- cocoboot hands the in-tree test unikernel (ukt, a PVH ELF) over in the PVH
  entry state, from a bundle (tools/mkbundle) and as plain modules, in modes
  none, sev (bundle) and sev-es: result "handoff", abi "pvh", every check true, exit 0;
- the expected command line follows docs/payloads.md (bundle, module 0,
  ` -- ` part of cocoboot's command line);
- a wrong expectation (--expect-cmdline, --expect-modules) fails exactly the
  matching check, and the exit status is 5;
- without --check-handoff nothing changes; with it, a run without a payload
  ends as before with "handoff": null;
- Debian's bzImage (when tests/linux/fetch.sh has cached it) is entered through
  the 64-bit boot protocol in modes none, sev and sev-es: abi "linux64", every check
  true (the legacy PICs masked as Linux's setup code leaves them, pic_masked),
  within a few million instructions; its vmlinux (PVH ELF) through the PVH entry;
- pic_masked can fail: a test guest entering a Linux 64-bit "kernel" with the PICs
  masked passes it, with a mask cleared again by an ICW1 or never written fails it.
"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from simtest import BUILD, CACHE, LINUX_SKIP, Run, Tap, debian_linux, guest  # noqa: E402

IMG = os.path.join(BUILD, "cocoboot.elf")
UKT = os.path.join(BUILD, "tests", "payloads", "ukt.elf")
MKBUNDLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "mkbundle")

t = Tap()


def handoff(r):
    return r["handoff"] or {}


def all_ok(r, abi):
    h = handoff(r)
    return (r.status == 0 and r["result"] == "handoff" and h.get("abi") == abi and h.get("failed") == []
            and len(h.get("checks", {})) >= 20 and all(h["checks"].values()))


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)
    return path


def mkbundle(out, kernel, cmdline=None, initrd=None):
    import subprocess
    args = [MKBUNDLE, "-k", kernel, "-o", out]
    if cmdline is not None:
        args += ["-c", cmdline]
    if initrd:
        args += ["-i", initrd]
    subprocess.run(args, check=True)
    return out


if not os.path.exists(UKT):
    print(f"1..0 # SKIP {UKT} not built")
    sys.exit(0)

with tempfile.TemporaryDirectory(prefix="sevsim-handoff-") as d:
    data = write(os.path.join(d, "data"), b"handoff-module\n")
    data2 = write(os.path.join(d, "data2"), b"second\n")
    cl = "ukt.modules=1 ukt.mod0=handoff-module"
    bundle = mkbundle(os.path.join(d, "b"), UKT, cmdline=cl, initrd=data)

    pvh_checks = None
    for mode in ("none", "sev", "sev-es"):
        r = Run([f"--mode={mode}", "--check-handoff", f"--module={bundle}", IMG])
        t.ok(all_ok(r, "pvh") and handoff(r)["checks"].get("entry") and handoff(r)["entry"] == 0x400000,
             f"mode {mode}: cocoboot -> ukt bundle: result handoff at ukt's PHYS32_ENTRY, every PVH check true", r)
        pvh_checks = set(handoff(r).get("checks", {}))
        t.ok(r["vcpu_rip"] == [0x400000] and "ukt:" not in r.console,
             f"mode {mode}: the run stopped before the payload's first instruction", r)
        if mode == "sev-es":
            t.ok(handoff(r).get("ghcb_msr") is not None and handoff(r)["checks"].get("start_info_flags"),
                 "sev-es: the payload's start_info keeps SIF_HVM_GHCB; the GHCB MSR is reported", r)
    want = {"entry", "payload_image", "cr0", "cr4", "efer", "eflags", "cs", "ds", "es", "ss", "tr",
            "start_info_magic",
            "start_info_version", "memmap_present", "memmap_sane", "memmap_ram_in_ram", "memmap_payload_ram",
            "cmdline_terminated",
            "cmdline_expected", "modules_count", "modules_contents", "boot_data_in_ram",
            "boot_data_outside_payload"}
    t.ok(pvh_checks is not None and want <= pvh_checks,
         "the PVH check list covers mode, control registers, segments, start_info, memmap, cmdline, modules, "
         "placement (missing: %s)" % sorted(want - (pvh_checks or set())))

    # Caches without coherency across encryption keys (mem/cache.c): the GHCB page
    # changes its C-bit twice (private -> shared at setup, shared -> private at the
    # handoff); unflushed, stale lines of the old key would be written back later.
    for mode in ("sev", "sev-es"):
        r = Run([f"--mode={mode}", "--cache=incoherent", "--check-handoff", f"--module={bundle}", IMG])
        t.ok(all_ok(r, "pvh") and handoff(r)["checks"].get("cache_flushed") and r["cache_stale_pages"] == 0
             and r["cache_flushes"] >= 128,
             f"mode {mode}, incoherent caches: every C-bit change of the GHCB page is flushed first "
             f"(cache_flushed true, {r['cache_flushes']} CLFLUSHes), every PVH check true", r)

    mods = "ukt.modules=2 ukt.mod0=handoff-module ukt.mod0.cmdline=first ukt.mod1=second ukt.mod1.cmdline=two"
    for mode in ("none", "sev-es"):
        r = Run([f"--mode={mode}", "--check-handoff", f"--module={UKT},{mods}", f"--module={data},first",
                 f"--module={data2},two", IMG])
        t.ok(all_ok(r, "pvh") and handoff(r)["checks"].get("modules_contents"),
             f"mode {mode}: ukt as plain module 0 + two modules with command lines: every check true", r)

    r = Run(["--check-handoff", "--cmdline=loglevel=info -- from dashdash", f"--module={bundle}", IMG])
    t.ok(all_ok(r, "pvh"), "the expected command line is the part after ' -- ' when given", r)

    r = Run(["--check-handoff", "--expect-cmdline=other", f"--module={bundle}", IMG])
    t.ok(r.status == 5 and r["result"] == "handoff" and handoff(r).get("failed") == ["cmdline_expected"]
         and "other" in handoff(r).get("details", {}).get("cmdline_expected", ""),
         "--expect-cmdline=other: cmdline_expected false (only it), exit 5", r)
    r = Run(["--mode=sev-es", "--expect-modules=3", f"--module={bundle}", IMG])
    t.ok(r.status == 5 and handoff(r).get("failed") == ["modules_count"],
         "--expect-modules=3 (implies --check-handoff): modules_count false, exit 5", r)
    # The CPU-state checks bite: a guest that leaves its image in a broken PVH state.
    r = Run(["--check-handoff", guest("guest_badhandoff")])
    h = handoff(r)
    t.ok(r.status == 5 and h.get("entry") == 0x300000 and h.get("abi") == "pvh"
         and set(h.get("failed", [])) == {"entry", "payload_image", "cr4", "eflags", "ds", "es", "ss", "start_info_magic"}
         and all(h["checks"].get(k) for k in ("cr0", "efer", "cs", "tr")),
         "a handoff with CR4.PGE, IF=1, 256-byte DS/ES/SS and EBX=0 fails exactly those checks, exit 5", r)

    # pic_masked bites: a guest that enters a Linux 64-bit "kernel" itself (tests/sim/guest_linux64.asm)
    # with the PICs masked, masked and then re-initialised, or never touched.
    for act, want, what in (("m", True, "masked as Linux's setup does: pic_masked true"),
                            ("r", False, "masked, then an ICW1 to the primary (mask cleared): pic_masked false"),
                            ("u", False, "left alone (sevsim has no PIC, but never written is unmasked): "
                                         "pic_masked false")):
        r = Run(["--check-handoff", f"--cmdline={act}", guest("guest_linux64")])
        h = handoff(r)
        t.ok(r.status == 5 and h.get("abi") == "linux64" and h.get("entry") == 0x300000
             and h["checks"].get("pic_masked") is want and h["checks"].get("long_mode")
             and h["checks"].get("eflags") and h["checks"].get("cs"),
             f"linux64 handoff with the legacy PICs {what}", r)

    r = Run([f"--module={bundle}", IMG])
    t.ok("handoff" not in r.json and r["result"] in ("shutdown", "triple-fault") and "ukt: RESULT PASS" in r.console,
         "without --check-handoff the payload runs and no handoff object is printed", r)
    r = Run(["--check-handoff", IMG])
    t.ok(r.status == 0 and r["result"] == "shutdown" and "handoff" in r.json and r["handoff"] is None,
         "--check-handoff without a payload: cocoboot ends as before, handoff null", r)

    deb = debian_linux()
    if not deb:
        t.skip(LINUX_SKIP)
    else:
        bz, initrd = deb
        lcl = "console=ttyS0 quiet"
        lb = mkbundle(os.path.join(d, "lb"), bz, cmdline=lcl, initrd=initrd)
        for mode in ("none", "sev", "sev-es"):
            r = Run([f"--mode={mode}", "--mem=512M", "--max-insns=100000000", "--check-handoff",
                     f"--module={lb}", IMG], timeout=120)
            h = handoff(r)
            t.ok(all_ok(r, "linux64") and h["checks"].get("kernel_image") and h["checks"].get("ramdisk_expected")
                 and h["checks"].get("identity_kernel") and (mode == "none" or h["checks"].get("sev_private"))
                 and h["checks"].get("pic_masked"),
                 f"mode {mode}: cocoboot -> Debian bzImage bundle: linux64 handoff, every check true, PICs masked "
                 f"({r['instructions']} instructions, {r['seconds']} s)", r)
        r = Run(["--mem=512M", "--check-handoff", f"--module={bz},{lcl}", f"--module={initrd}", IMG], timeout=120)
        t.ok(all_ok(r, "linux64"), "bzImage and initrd as two plain modules: every check true", r)
        r = Run(["--mode=sev-es", "--cache=incoherent", "--mem=512M", "--max-insns=100000000",
                 "--check-handoff", f"--module={lb}", IMG], timeout=120)
        t.ok(all_ok(r, "linux64") and handoff(r)["checks"].get("cache_flushed") and handoff(r)["checks"].get("sev_private"),
             "sev-es, incoherent caches -> Debian bzImage: the GHCB page is flushed and private again at "
             "the handoff, every check true", r)
        vml = os.path.join(CACHE, "vmlinux")
        if os.path.exists(vml):
            vb = mkbundle(os.path.join(d, "vb"), vml, cmdline="console=hvc0", initrd=initrd)
            for mode in ("none", "sev-es"):
                r = Run([f"--mode={mode}", "--mem=512M", "--max-insns=200000000", "--check-handoff",
                         f"--module={vb}", IMG], timeout=180)
                t.ok(all_ok(r, "pvh") and handoff(r)["checks"].get("modules_contents"),
                     f"mode {mode}: cocoboot -> Debian vmlinux (PVH ELF) bundle: pvh handoff at its "
                     f"PHYS32_ENTRY, every check true ({r['instructions']} instructions, {r['seconds']} s)", r)
        r = Run(["--mem=512M", "--expect-cmdline=quiet", f"--module={lb}", IMG], timeout=120)
        t.ok(r.status == 5 and handoff(r).get("failed") == ["cmdline_expected"],
             "linux64, --expect-cmdline=quiet: cmdline_expected false, exit 5", r)
t.done()
