#!/bin/sh
# The fast path (eval_decide, what the audit and the benchmark use) must give
# the same answer as the explaining path (eval_run) for every request: the
# tricky cases of tests/data/policy/tricky and 2,000 generated requests of
# the benchmark's mix (policy-bench --compare checks decision, deny kind,
# layer, constraints, services, note and each layer's formulas).
set -u
: "${top_srcdir:?}" "${top_builddir:?}" "${PYTHON3:=python3}"
bin="$top_builddir/tests/bench/policy-bench"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0

# One request per line, as the batch format wants it.
"$PYTHON3" -c '
import json, sys
for path in sys.argv[1:]:
    with open(path) as f:
        case = json.load(f)
    case.pop("expect", None)
    case.setdefault("name", path.rsplit("/", 1)[-1])
    print(json.dumps(case, separators=(",", ":")))
' "$top_srcdir"/tests/data/policy/tricky/*.json >"$tmp/tricky.jsonl" || exit 1
n=$(wc -l <"$tmp/tricky.jsonl")
[ "$n" -ge 27 ] || { echo "too few tricky cases ($n)"; exit 1; }
"$bin" --compare "$tmp/tricky.jsonl" || fail=1

"$PYTHON3" "$top_srcdir/tests/bench/policy-bench-gen.py" 2000 >"$tmp/mix.jsonl" || exit 1
out=$("$bin" --compare "$tmp/mix.jsonl") || fail=1
echo "$out"
# The mix must exercise all three answers, or the comparison proves little.
case "$out" in
*"compared: 2000 requests"*) ;;
*) echo "expected 2000 requests compared"; fail=1 ;;
esac
for d in allowed denied conditional; do
	case "$out" in
	*"$d 0"*) echo "the generated mix has no $d request"; fail=1 ;;
	esac
done
exit $fail
