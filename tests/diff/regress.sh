#!/bin/sh
# Minimal reproductions of every disagreement the differential test and the
# fuzzers found (tests/data/diff/regressions/*.json, with the AWS decision in
# "expect"): all evaluated by one pra-eval --batch run and checked. Files
# under regressions/open/ are engine bugs not fixed yet: they are run and
# reported, and the test fails if one starts passing (move it up then).
set -u
: "${top_srcdir:?}" "${top_builddir:?}" "${PYTHON3:=python3}"
dir="$top_srcdir/tests/data/diff/regressions"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
"$PYTHON3" - "$dir" "$top_builddir/tests/tools/pra-eval" "$tmp" <<'PY'
import glob, json, os, subprocess, sys
d, bin_, tmp = sys.argv[1:4]
files = sorted(glob.glob(os.path.join(d, "*.json"))) + sorted(glob.glob(os.path.join(d, "open", "*.json")))
cases = [json.load(open(f)) for f in files]
batch = os.path.join(tmp, "regressions.jsonl")
with open(batch, "w") as fp:
    for c in cases:
        fp.write(json.dumps(c) + "\n")
p = subprocess.run([bin_, "--batch", batch], capture_output=True, text=True)
results = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
if len(results) != len(cases):
    print("regress: %d cases, %d results; stderr: %s" % (len(cases), len(results), p.stderr[:500]))
    sys.exit(1)
fixed_open, failed, still_open = [], [], []
for f, c, r in zip(files, cases, results):
    exp = c["expect"]
    bad = []
    if "error" in r:
        if not exp.get("or_error"):
            bad.append("rejected: %s" % r["error"])
    else:
        for k in ("decision", "deny", "layer"):
            if k in exp and r.get(k) != exp[k]:
                bad.append("%s: expected %r, got %r" % (k, exp[k], r.get(k)))
    is_open = os.sep + "open" + os.sep in f
    if is_open:
        (still_open if bad else fixed_open).append(f)
        if bad:
            print("open  %s: %s" % (f, "; ".join(bad)))
    elif bad:
        failed.append(f)
        print("FAIL  %s: %s" % (f, "; ".join(bad)))
for f in fixed_open:
    print("FIXED %s: passes now, move it out of open/" % f)
n = len(files)
print("diff-regressions: %d cases, %d failed, %d open engine bugs" % (n, len(failed), len(still_open)))
sys.exit(1 if failed or fixed_open or n < 10 else 0)
PY
