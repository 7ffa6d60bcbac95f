"""docs/lies.md as data: the attack table the lie tests and the sweep are generated from.

Each row: name, clock, run (sevsim options), expect (parsed), todo (reason or None).
outcome(run) classifies a finished sevsim run the way the table's "expect" column spells it.
"""
import os
import re
import shlex

HERE = os.path.dirname(os.path.abspath(__file__))
DOC = os.path.join(HERE, "..", "..", "docs", "lies.md")
CB_TERM_SET = 0xC


class Row:
    def __init__(self, cells):
        self.name = cells[0].strip("` ")
        self.clock = cells[1].split()[0]
        self.swept = self.clock in ("vmgexit", "vc") and "not swept" not in cells[1]
        self.attack = cells[2]
        self.run = shlex.split(cells[4].strip("` "))
        exp = cells[5].strip()
        self.todo = None
        if exp.startswith("todo "):
            exp, _, why = exp[5:].partition(" -- ")
            self.todo = why.strip() or "not defended yet"
        self.expect = exp.strip()

    def args(self):
        """sevsim options: the row's, with mode sev-es unless it names one."""
        a = list(self.run)
        if not any(x.startswith("--mode=") for x in a):
            a.insert(0, "--mode=sev-es")
        return a


class Hang:
    """Stands for a run the harness had to kill (its wall-clock limit): a hang."""
    status = None
    console = ""
    args = ()

    def __getitem__(self, k):
        return {"result": "timeout", "lie_hits": {}}.get(k)


def run(args, img, timeout=600):
    """sevsim with a bounded number of instructions; a run that still does not end is a hang.
    A "guest:NAME" option runs sevsim's test guest tests/sim/NAME.asm instead of img (rows
    for machine features cocoboot cannot use in sevsim yet, e.g. Secure AVIC under SNP)."""
    from simtest import Run, guest
    import subprocess
    for a in args:
        if a.startswith("guest:"):
            img = guest(a[6:])
    args = [a for a in args if not a.startswith("guest:")]
    try:
        return Run(["--max-insns=10000000"] + list(args) + [img], timeout=timeout)
    except subprocess.TimeoutExpired:
        return Hang()


def rows(doc=DOC):
    out = []
    in_table = False
    with open(doc, encoding="utf-8") as f:
        for line in f:
            if line.startswith("## "):
                in_table = line.strip() == "## Attacks"
                continue
            if in_table and line.startswith("| `"):
                cells = [c.strip() for c in line.strip().strip("|").split("|")]
                if len(cells) != 6:
                    raise ValueError("docs/lies.md: row needs 6 cells: " + line)
                out.append(Row(cells))
    return out


def outcome(r):
    """Short code of how a run ended (docs/lies.md "The sweep")."""
    res = r["result"]
    if res == "terminated" and r["terminated_by"] == "guest":
        return "T%02x" % r["reason_code"] if r["reason_set"] == CB_TERM_SET else \
            "T%d:%d" % (r["reason_set"], r["reason_code"])
    if res == "halt" and r["reason_set"] is not None:
        return "H%02x" % r["reason_code"] if r["reason_set"] == CB_TERM_SET else "H?"
    if res == "shutdown" and r["shutdown_reason"] == "poweroff":
        return "ok"
    if res == "shutdown" and r["debug_exit"] is not None:
        return "X%02x" % r["debug_exit"]
    return {"timeout": "HANG", "triple-fault": "3F", "error": "ERR"}.get(res, res or "ERR")


def expect_code(exp):
    """The outcome code an "expect" cell stands for."""
    m = re.fullmatch(r"term C:0x([0-9a-f]+)", exp)
    if m:
        return "T%02x" % int(m.group(1), 16)
    m = re.fullmatch(r"term (\d+):(\d+)", exp)
    if m:
        return "T%d:%d" % (int(m.group(1)), int(m.group(2)))
    m = re.fullmatch(r"halt C:0x([0-9a-f]+)", exp)
    if m:
        return "H%02x" % int(m.group(1), 16)
    m = re.fullmatch(r"exit 0x([0-9a-f]+)", exp)
    if m:
        return "X%02x" % int(m.group(1), 16)
    if exp == "shutdown":
        return "ok"
    raise ValueError("docs/lies.md: unknown expect '%s'" % exp)


def documented(code, names):
    """A sweep outcome the ABI documents: names = the reason codes of docs/abi.md."""
    if code in ("ok", "X10", "X11", "T0:1"):
        return True
    if code[0] in "TH" and len(code) == 3:
        return int(code[1:], 16) in names
    return False


def abi_codes(doc=os.path.join(HERE, "..", "..", "docs", "abi.md")):
    """Reason codes listed in docs/abi.md section 4 (ranges a-b expanded)."""
    codes = set()
    with open(doc, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"\| (0x[0-9a-f]+)(?:-(0x[0-9a-f]+))? \|", line)
            if m:
                lo = int(m.group(1), 16)
                hi = int(m.group(2), 16) if m.group(2) else lo
                codes.update(range(lo, hi + 1))
    return codes


def sweep_args(row, n, debug=True):
    """The row's options with its swept lie striking at position n (None: not swept)."""
    if not row.swept:
        return None
    out = []
    for a in row.args():
        if a.startswith("--lie="):
            lies = a[6:].split(",")
            if any("@" in x for x in lies):
                lies = [x.split("@")[0] + "@%d" % n if "@" in x else x for x in lies]
            else:
                lies = [x + "@%d" % n if x == row.name else x for x in lies]
            a = "--lie=" + ",".join(lies)
        out.append(a)
    if debug:
        cl = [a for a in out if a.startswith("--cmdline=")]
        if cl:
            out[out.index(cl[0])] = cl[0] + " loglevel=debug"
        else:
            out.append("--cmdline=loglevel=debug")
    return out


def clean_args(row, debug=True):
    """The row's boot without the swept lie: its strike points are counted there."""
    out = []
    for a in sweep_args(row, 1, debug):
        if a.startswith("--lie="):
            rest = [x for x in a[6:].split(",") if "@" not in x]
            if rest:
                out.append("--lie=" + ",".join(rest))
            continue
        out.append(a)
    return out


def swept_name(row):
    """The lie a row's sweep moves: the one with @N in its options, else the row's."""
    for a in row.run:
        if a.startswith("--lie="):
            for x in a[6:].split(","):
                if "@" in x:
                    return x.split("@")[0]
    return row.name
