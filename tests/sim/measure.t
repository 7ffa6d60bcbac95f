#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Claims about measured boot in sevsim (--kernel-hashes, docs/abi.md §9):

- with --kernel-hashes cocoboot hands the unikernel (ukt) over in modes none, sev and
  sev-es, as a bundle and as kernel + initrd modules, after saying the command line
  and the modules match the table; the modules were in shared memory in sev/sev-es;
- without a table under SEV-ES the boot goes on with a warning;
- with caches not coherent across keys the modules' pages are flushed before each of
  their two C-bit changes (sevsim's cache model finds no stale line, the handoff's
  cache_flushed check holds);
- each lie ends in the GHCB termination with its reason code (set 0xC) and the run
  never reaches the payload: a module swapped after the table was filled (0x1a), a
  command line other than the one hashed (0x1c), a table entry of length 49 (0x19),
  the table overwritten by the hypervisor after launch (0x18), the initrd module
  swapped (0x1b);
- tools/cocoboot-measure prints the same launch object (digest, measured pages,
  hashes) as sevsim over a matrix of modes, vCPU counts, payloads (none too), command
  lines and --kernel-hashes on/off; and the digest moves when one byte of a measured input
  does;
- the same for the SNP launch digest (SHA-384 over PAGE_INFO), with images that name SNP
  CPUID and secrets pages (tests/sim/guest_snp.asm) and without; a launch without the CPUID
  page (lie cpuid-page-missing) has another digest than the tool expects;
- tools/cocoboot-measure equals sevsim again over the inputs the first matrices hold fixed:
  SEV features (DebugSwap, Secure AVIC through --savic), RAM sizes below, just above and
  far above the 4 GiB hole, APs in the reset state with a CPU signature (--hv=kvm
  --cpu-sig); both refuse SEV features outside sev-snp, and the tool refuses reset-state
  APs without --cpu-sig (their EDX is the CPU signature); the C-bit changes nothing measured;
- the RAM size changes no measured page but the start_info blob's (its memory map);
- with --kernel-hashes the measured pages do not depend on the payload's size;
- Debian's Linux as one bundle with --kernel-hashes in sev-es and sev-snp (sevsim-fast):
  the table holds the hashes a verifier computes from the files, cocoboot copies the
  bundle from shared memory, checks it and hands Linux over with every handoff check
  true; Linux's decompressor run into the kernel is in tests/sim/oracle.t (make oracle).
"""
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from simtest import BUILD, CACHE, Run, Tap, debian_linux  # noqa: E402

IMG = os.path.join(BUILD, "cocoboot.elf")
UKT = os.path.join(BUILD, "tests", "payloads", "ukt.elf")
GSNP = os.path.join(BUILD, "tests", "sim", "guest_snp.elf")
TOOL = os.path.join(BUILD, "tools", "cocoboot-measure")
FAST = os.path.join(BUILD, "sevsim-fast")
MKBUNDLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "mkbundle")
SET = 0xC

t = Tap()


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)
    return path


def handoff_ok(r):
    h = r["handoff"] or {}
    return r.status == 0 and r["result"] == "handoff" and h.get("abi") == "pvh" and h.get("failed") == []


def tool(args):
    p = subprocess.run([TOOL] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return json.loads(p.stdout) if p.returncode == 0 else {"error": p.stderr.decode()}


for f in (UKT, TOOL):
    if not os.path.exists(f):
        print(f"1..0 # SKIP {f} not built")
        sys.exit(0)

with tempfile.TemporaryDirectory(prefix="sevsim-measure-") as d:
    data = write(os.path.join(d, "data"), b"handoff-module\n")
    cl = "ukt.modules=1 ukt.mod0=handoff-module"
    bundle = os.path.join(d, "b")
    subprocess.run([MKBUNDLE, "-k", UKT, "-o", bundle, "-c", cl, "-i", data], check=True)

    for mode in ("none", "sev", "sev-es"):
        r = Run([f"--mode={mode}", "--kernel-hashes", "--check-handoff", f"--module={bundle}", IMG])
        t.ok(handoff_ok(r) and "the command line matches its hash" in r.console
             and "1 modules match the hashes table" in r.console and r["launch"]["kernel_hashes"],
             f"mode {mode}: --kernel-hashes, ukt bundle: cmdline and module checked, PVH handoff, every check true", r)
    r = Run(["--mode=sev-es", "--kernel-hashes", "--check-handoff", "--cmdline=loglevel=debug",
             f"--module={UKT}", f"--module={data}", IMG])
    t.ok(handoff_ok(r) and "2 modules match the hashes table" in r.console
         and r.console.count("copied from shared memory") == 2,
         "sev-es: ukt + initrd as two modules, read from shared memory into private copies, hashed, handed over", r)
    # Caches not coherent across keys: the modules' pages change their C-bit twice
    # (private -> shared to read the VMM's bytes, shared -> private after the copy); each
    # change is flushed first, as the GHCB page's (issue 9), so no stale line lands.
    for mode in ("sev", "sev-es"):
        r = Run([f"--mode={mode}", "--kernel-hashes", "--check-handoff", "--cache=incoherent",
                 f"--module={UKT}", f"--module={data}", IMG])
        t.ok(handoff_ok(r) and r["cache_stale_pages"] == 0 and (r["handoff"]["checks"] or {}).get("cache_flushed"),
             f"{mode}, --kernel-hashes, incoherent caches: both modules' pages flushed before each C-bit change "
             f"(no stale page, {r['cache_flushes']} CLFLUSHes), the handoff checks hold", r)
    r = Run(["--mode=sev-es", "--check-handoff", f"--module={bundle}", IMG])
    t.ok(handoff_ok(r) and "the hashes table is empty" in r.console,
         "sev-es without --kernel-hashes: boot goes on, with a warning that nothing is verified", r)

    lies = [("module-swap", 0x1a, [f"--module={bundle}"]),
            ("cmdline-changed", 0x1c, [f"--module={bundle}"]),
            ("hash-entry-len", 0x19, [f"--module={bundle}"]),
            ("hashes-overwritten", 0x18, [f"--module={bundle}"])]
    for lie, code, mods in lies:
        r = Run(["--mode=sev-es", "--kernel-hashes", "--check-handoff", f"--lie={lie}"] + mods + [IMG])
        t.ok(r["result"] == "terminated" and r["reason_set"] == SET and r["reason_code"] == code
             and r["handoff"] is None and "ukt:" not in r.console,
             f"lie {lie}: GHCB termination, set 0xC code {code:#x}, the payload never ran", r)
    # module-swap changes the last module: with kernel + initrd that is the initrd
    r = Run(["--mode=sev-es", "--kernel-hashes", "--check-handoff", f"--module={UKT}", f"--module={data}",
             "--lie=module-swap", IMG])
    t.ok(r["result"] == "terminated" and r["reason_set"] == SET and r["reason_code"] == 0x1b
         and r["handoff"] is None and "ukt:" not in r.console,
         "lie module-swap on the initrd module: set 0xC code 0x1b, the payload never ran", r)

    # tools/cocoboot-measure against sevsim
    big = write(os.path.join(d, "big"), os.urandom(3 * 4096 + 5))
    n = same = 0
    for mode in ("sev", "sev-es"):
        for vcpus in (1, 3):
            for kh in (True, False):
                for mods in ([bundle], [UKT, big], []):
                    for cmd in (None, "loglevel=debug -- x y"):
                        args = [f"--mode={mode}", f"--vcpus={vcpus}"] + (["--kernel-hashes"] if kh else []) \
                            + [f"--module={m}" for m in mods] + ([f"--cmdline={cmd}"] if cmd else [])
                        r = Run(args + ["--max-insns=1", IMG])
                        want = tool(args + [IMG])
                        n += 1
                        if r["launch"] == want:
                            same += 1
                        else:
                            print(f"# differs for {args}: sevsim {r['launch']} tool {want}")
    t.ok(n == 48 and same == n, f"cocoboot-measure equals sevsim's launch object in {same} of {n} launches "
         "(sev, sev-es; without modules too)")

    # the SNP launch digest
    n = same = 0
    snp_runs = {}
    for img in (IMG, GSNP):
        for vcpus in (1, 3):
            for kh in ((False, True) if img == IMG else (False,)):
                for mods in ([], [UKT, big]):
                    args = ["--mode=sev-snp", f"--vcpus={vcpus}", "--cmdline=a b"] + \
                        (["--kernel-hashes"] if kh else []) + [f"--module={m}" for m in mods]
                    r = Run(args + ["--max-insns=1", img])
                    want = tool(args + [img])
                    snp_runs[(img, vcpus, kh, len(mods))] = want
                    n += 1
                    if r["launch"] == want and len(want.get("snp_digest") or "") == 96:
                        same += 1
                    else:
                        print(f"# differs for {args} {img}: sevsim {r['launch']} tool {want}")
    t.ok(n == 12 and same == n, f"cocoboot-measure's SNP digest equals sevsim's in {same} of {n} launches")
    a, b = snp_runs[(GSNP, 1, False, 0)], snp_runs[(GSNP, 3, False, 0)]
    # more than one vCPU adds the VMSAs and the ACPI/bring-up block, as in the SEV-ES digest
    es1, es3 = (tool(["--mode=sev-es", f"--vcpus={v}", "--cmdline=a b", GSNP]) for v in (1, 3))
    fw = es3["measured_pages"] - es1["measured_pages"] - 2
    t.ok(a["cpuid_page_gpa"] and a["secrets_page_gpa"] and a["snp_vmsas"] == 1 and b["snp_vmsas"] == 3
         and fw > 0 and b["snp_pages"] == a["snp_pages"] + 2 + fw and a["snp_digest"] != b["snp_digest"],
         "sev-snp: the CPUID and secrets pages the notes name are measured; one VMSA per vCPU; "
         f"with 3 vCPUs the {fw} pages of ACPI tables and bring-up region too")
    c, e = snp_runs[(IMG, 1, True, 0)], snp_runs[(IMG, 1, True, 2)]
    f, g = snp_runs[(IMG, 1, False, 0)], snp_runs[(IMG, 1, False, 2)]
    t.ok(c["snp_pages"] == e["snp_pages"] and g["snp_pages"] > f["snp_pages"] and c["snp_digest"] != e["snp_digest"],
         "sev-snp with --kernel-hashes: the measured pages do not grow with the payload; without, they do")
    r = Run(["--mode=sev-snp", "--lie=cpuid-page-missing", "--max-insns=1", GSNP])
    want = tool(["--mode=sev-snp", GSNP])
    t.ok(r["launch"]["snp_digest"] != want["snp_digest"] and r["launch"]["snp_pages"] == want["snp_pages"]
         and r["lie_hits"].get("cpuid-page-missing") == 1,
         "a launch without the CPUID page (measured as a normal zero page) has another SNP digest "
         "than a verifier expects", r)

    # the inputs the matrices above hold fixed: SEV features, RAM size, reset-state APs
    n = same = 0
    for mode in ("sev-es", "sev-snp"):
        for mem in (128 << 20, 0xFC001000, 6 << 30):  # below the hole, one page above it, far above
            for vcpus, extra in ((1, []), (3, ["--hv=kvm", "--cpu-sig=0x830F10"])):
                feats = [] if mode == "sev-es" else [["--sev-features=0x20"], ["--savic"]][n % 2]
                args = [f"--mode={mode}", f"--vcpus={vcpus}", f"--mem={mem}", "--cmdline=c",
                        f"--module={UKT}"] + extra + feats
                r = Run(args + ["--max-insns=1", IMG])
                want = tool(args + [IMG])
                n += 1
                if r["launch"] == want and (want.get("digest") or want.get("snp_digest")):
                    same += 1
                else:
                    print(f"# differs for {args}: sevsim {r['launch']} tool {want}")
    t.ok(n == 12 and same == n, f"cocoboot-measure equals sevsim in {same} of {n} launches over SEV features "
         "(0x20, --savic), RAM below / just above / far above the 4 GiB hole, reset-state APs with --cpu-sig")
    r = Run(["--mode=sev-es", "--sev-features=0x20", IMG])
    e1 = tool(["--mode=sev-es", "--sev-features=0x20", IMG])
    e2 = tool(["--mode=sev-es", "--savic", IMG])
    e3 = tool(["--mode=sev-es", "--vcpus=2", "--hv=kvm", IMG])
    t.ok(r.status == 1 and "needs --mode=sev-snp" in (r["error"] or "") and "sev-snp" in e1.get("error", "")
         and "sev-snp" in e2.get("error", "") and "--cpu-sig" in e3.get("error", ""),
         "SEV features outside sev-snp are refused by sevsim and the tool alike; reset-state APs without "
         "--cpu-sig are refused by the tool (no silent EDX)", r)
    # the C-bit is in no measured byte (not in a VMSA; SNP measures the CPUID page, whose leaf
    # 0x8000001F names it, by type without contents): launches that differ only in it agree
    c47, c51 = (Run(["--mode=sev-snp", "--vcpus=2", f"--cbit={c}", "--max-insns=1", GSNP]) for c in (47, 51))
    t.ok(c47["cbit"] == 47 and c51["cbit"] == 51 and c47["launch"] == c51["launch"]
         == tool(["--mode=sev-snp", "--vcpus=2", GSNP]),
         "sev-snp launches with the C-bit at 47 and at 51 have the same launch object, the tool's "
         "(the C-bit is no input of the digest)", c51)
    dumps = {}
    for mem in (128 << 20, 6 << 30):
        tool(["--mode=sev-snp", "--vcpus=2", f"--mem={mem}", f"--dump-pages={d}/{mem}.dump", GSNP])
        with open(f"{d}/{mem}.dump", "rb") as f:
            raw = f.read()
        dumps[mem] = [raw[i:i + 4112] for i in range(0, len(raw), 4112)]
    lo, hi = dumps[128 << 20], dumps[6 << 30]
    differ = [i for i in range(len(lo)) if lo[i] != hi[i]]
    si = tool(["--mode=sev-snp", "--vcpus=2", GSNP])
    t.ok(len(lo) == len(hi) == si["snp_pages"] and [x[:16] for x in lo] == [x[:16] for x in hi]
         and len(differ) == 1 and lo[differ[0]][16:16 + 4] == b"\x78\xc5\x6e\x33",
         "the RAM size changes one measured page only: the start_info page with the memory map "
         f"(page {differ[:3]} of {len(lo)}); GPAs and page types stay")

    a = tool(["--mode=sev-es", "--kernel-hashes", f"--module={UKT}", IMG])
    b = tool(["--mode=sev-es", "--kernel-hashes", f"--module={UKT}", f"--module={big}", IMG])
    c = tool(["--mode=sev-es", f"--module={UKT}", IMG])
    e = tool(["--mode=sev-es", f"--module={UKT}", f"--module={big}", IMG])
    t.ok(a["measured_pages"] == b["measured_pages"] and e["measured_pages"] == c["measured_pages"] + 4
         and a["digest"] != b["digest"],
         "with --kernel-hashes the measured pages do not grow with the payload (the digest still "
         "changes through the table); without, they grow by the module's pages")
    flip = bytearray(open(big, "rb").read())
    flip[100] ^= 1
    big2 = write(os.path.join(d, "big2"), bytes(flip))
    f1 = tool(["--mode=sev-es", f"--module={UKT}", f"--module={big2}", IMG])
    f2 = tool(["--mode=sev-es", "--kernel-hashes", f"--module={UKT}", f"--module={big2}", IMG])
    t.ok(f1["digest"] != e["digest"] and f2["digest"] != b["digest"]
         and f2["hashes"]["initrd"] != b["hashes"]["initrd"] and f2["hashes"]["kernel"] == b["hashes"]["kernel"],
         "one byte changed in a module moves the digest, measured or hashed; only its own table entry changes")
    v1 = tool(["--mode=sev-es", "--vcpus=1", IMG])
    v2 = tool(["--mode=sev-es", "--vcpus=2", IMG])
    s1 = tool(["--mode=sev", "--vcpus=2", IMG])
    t.ok(v2["vmsas"] == 2 and v1["vmsas"] == 1 and v2["digest"] != v1["digest"] and s1["vmsas"] == 0,
         "sev-es measures one VMSA per vCPU; plain sev none")

    # Debian's Linux (bzImage + initramfs in one bundle) with --kernel-hashes in sev-es and
    # sev-snp, to the handoff (sevsim-fast; ~730 M instructions each, most of them the
    # guest's SHA-256 over 10 MB): the table sevsim fills holds the hashes a verifier
    # computes from the files, the bundle lies in shared memory, cocoboot copies it into
    # private pages, checks it and hands Linux over with every handoff check true. Linux's
    # decompressor run on to its kernel entry is in `make oracle` (tests/sim/oracle.t).
    deb = debian_linux()
    if not (deb and os.path.exists(FAST)):
        t.skip(f"Debian's kernel not cached in {CACHE} or {FAST} not built", 2)
    else:
        bz, initrd = deb
        lb = os.path.join(d, "linux.bundle")
        subprocess.run([MKBUNDLE, "-k", bz, "-i", initrd, "-c", "console=ttyS0 nokaslr", "-o", lb], check=True)
        cl = "loglevel=debug"
        with open(lb, "rb") as f:
            want_k = hashlib.sha256(f.read()).hexdigest()
        with ThreadPoolExecutor(2) as ex:
            runs = list(ex.map(lambda m: Run([f"--mode={m}", "--mem=512M", "--kernel-hashes", "--check-handoff",
                                              f"--cmdline={cl}", "--max-insns=2000000000", f"--module={lb}", IMG],
                                             timeout=600, sevsim=FAST), ["sev-es", "sev-snp"]))
        for mode, r in zip(["sev-es", "sev-snp"], runs):
            la = r["launch"] or {}
            hs = la.get("hashes") or {}
            h = r["handoff"] or {}
            copied = re.search(r"modules\[0\] 0x[0-9a-f]+\+0x%x copied from shared memory" % os.path.getsize(lb),
                               r.console)
            t.ok(la.get("kernel_hashes") and hs.get("kernel") == want_k
                 and hs.get("initrd") == hashlib.sha256(b"").hexdigest()
                 and hs.get("cmdline") == hashlib.sha256(cl.encode() + b"\0").hexdigest()
                 and "the command line matches its hash" in r.console and copied
                 and "1 modules match the hashes table" in r.console
                 and r.status == 0 and r["result"] == "handoff" and h.get("abi") == "linux64"
                 and h.get("failed") == [] and len(h.get("checks") or {}) >= 30,
                 "Debian's bundle, %s, --kernel-hashes: the table holds sha256 of the 10 MB bundle file, of no "
                 "initrd and of the command line with its NUL; cocoboot copies the bundle from shared memory, "
                 "finds it and the command line match, and hands Linux over with all %d handoff checks true"
                 % (mode, len(h.get("checks") or {})), r)

print(f"1..{t.n}")
sys.exit(1 if t.failed else 0)
