#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Long runs of cocoboot's AP bring-up in sevsim, outside `make check` (docs/abi.md §11):

  smp_runs.py matrix   1, 2, 4, 64 and 255 vCPUs in modes none, sev and sev-es (sev-es with the
                       bring-up page and with the AP jump table): every AP up
  smp_runs.py sweep N  N seeds of the 4-vCPU SEV-ES bring-up: no hang, no lost AP

Uses $SEVSIM (default $BUILD/sevsim-fast). Prints one line per run and a summary; exits 1
when any run failed. No timing is asserted; the seconds are printed for information.
"""
import json
import os
import subprocess
import sys
import time

BUILD = os.environ.get("BUILD", "build")
SEVSIM = os.environ.get("SEVSIM", os.path.join(BUILD, "sevsim-fast"))
IMG = os.path.join(BUILD, "cocoboot.elf")
METHOD = os.environ.get("SMP_ES_METHOD", "")  # "--bringup-page=off" for the jump table


def run(mode, n, extra, timeout=3600):
    args = [SEVSIM, f"--mode={mode}", f"--vcpus={n}", "--cmdline=smp.timeout=60000"] + extra + [IMG]
    t0 = time.time()
    try:
        p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=timeout)
    except subprocess.TimeoutExpired:
        return False, "hang (host timeout)", time.time() - t0, {}
    lines = p.stdout.decode("utf-8", "replace").strip().split("\n")
    try:
        j = json.loads(lines[-1])
    except (ValueError, IndexError):
        return False, "no JSON", time.time() - t0, {}
    want = f"{n} of {n} CPUs up" if n > 1 else "boot CPU only"
    ok = j.get("result") == "shutdown" and any(want in x for x in lines[:-1])
    if ok and mode == "sev-es" and n > 1:
        ok = all(v["state"] == "held" for v in j["smp"]["vcpu"][1:])
    why = "" if ok else f"result {j.get('result')} reason {j.get('reason_name')} {j.get('error') or ''}"
    return ok, why, time.time() - t0, j


def main():
    what = sys.argv[1] if len(sys.argv) > 1 else "matrix"
    fails = 0
    if what == "matrix":
        es_methods = [[METHOD]] if METHOD else [[], ["--bringup-page=off"]]
        rows = [("none", ["--hv=kvm"]), ("sev", ["--hv=kvm"])] + [("sev-es", m) for m in es_methods]
        for mode, extra in rows:
            label = mode + ("/jt" if "--bringup-page=off" in extra else "/page" if mode == "sev-es" else "")
            for n in (1, 2, 4, 64, 255):
                ok, why, sec, j = run(mode, n, extra)
                fails += not ok
                print(f"{'ok  ' if ok else 'FAIL'} {label:11} {n:3} vCPUs {sec:7.1f} s "
                      f"critical path {j.get('smp', {}).get('critical_path_insns', '-')} {why}", flush=True)
    elif what == "sweep":
        count = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
        first = int(os.environ.get("SMP_SWEEP_FIRST", "0"))  # split a sweep over processes
        n = int(os.environ.get("SMP_SWEEP_VCPUS", "4"))
        worst = 0.0
        for seed in range(first, first + count):
            ok, why, sec, j = run("sev-es", n, [f"--seed={seed}"] + ([METHOD] if METHOD else []), timeout=600)
            worst = max(worst, sec)
            if not ok:
                fails += 1
                print(f"FAIL seed {seed}: {why}", flush=True)
            elif seed % 50 == 0:
                print(f"ok   seed {seed} ({sec:.1f} s)", flush=True)
        print(f"sweep: {count} seeds ({first}..{first + count - 1}) of the {n}-vCPU SEV-ES bring-up, {count - fails} with every AP "
              f"up and held, {fails} failed; slowest run {worst:.1f} s")
    else:
        sys.exit(__doc__)
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()
