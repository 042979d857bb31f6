#!/bin/sh
# make bench: fetching an organization of 50 accounts x 2 regions through
# collect_snapshot() from the emulator, which adds 50 ms to every AWS call.
#
# Prints fetch_wall_s (the collect_snapshot() call), fetch_bound_s and
# fetch_peak_rss_mib (the fetching process), and whether the target
# wall <= 1.2 x bound is met.
#
# The bound is what bounded concurrency allows, computed from the calls the
# run actually made (the emulator's request log):
#
#   bound = (org_calls + ceil(accounts / concurrency) * per_account) * latency
#
#   org_calls    the calls made before any account is fetched, one after the
#                other: sts:GetCallerIdentity and every organizations:* call;
#   per_account  the calls of one account, which are sequential in the worst
#                case: its sts:AssumeRole (none for the daemon's own account),
#                every iam:GetAccountAuthorizationDetails page and every
#                ec2:DescribeVpcEndpoints page of every region; the largest
#                over the accounts is used;
#   concurrency  collect.concurrency (8, the default).
#
# A fetch of 50 accounts that took 50x one account would be far above it.
# Measure in a build configured without --enable-sanitizers.
set -eu
: "${top_srcdir:?}" "${top_builddir:?}"
PY=${PYTHON3:-/usr/bin/python3}
ACCOUNTS=${FETCH_ACCOUNTS:-50}
CONCURRENCY=${FETCH_CONCURRENCY:-8}
LATENCY_MS=${FETCH_LATENCY_MS:-50}
REGIONS=eu-west-1,us-east-1

. "$top_srcdir/tests/emulator/emu.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/fetch-bench.XXXXXX")
cleanup() { emu_stop; rm -rf "$work"; }

"$PY" "$top_srcdir/tests/bench/fetch-scenario.py" --accounts "$ACCOUNTS" \
	--regions "$REGIONS" >"$work/org.json"
emu_start "$work/org.json" --latency-ms "$LATENCY_MS"
trap cleanup EXIT

"$top_builddir/tests/bench/fetch-run" --url "$EMU_URL" --akid AKIDEXAMPLE \
	--secret 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' --regions "$REGIONS" \
	--member-role PassroleAuditor --external-id bench-ext-id \
	--concurrency "$CONCURRENCY" --warmup >"$work/run.out"
emu_requests >"$work/requests.json"

"$PY" - "$work/run.out" "$work/requests.json" "$ACCOUNTS" "$CONCURRENCY" "$LATENCY_MS" <<'PYEOF'
import json, math, sys
from collections import Counter

run, log_path = open(sys.argv[1]).read(), sys.argv[2]
want_accounts, conc, latency = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]) / 1000.0
vals = dict(l.split(": ", 1) for l in run.splitlines() if ": " in l)
log = json.load(open(log_path))
if int(vals["accounts"]) != want_accounts or vals["complete"] != "yes":
    sys.exit(f"fetch bench: expected {want_accounts} complete accounts, got:\n{run}")
# The first call is fetch-run's untimed warm-up.
assert log[0]["operation"] == "GetCallerIdentity"
log = log[1:]
base = next(r["access_key_id"] for r in log if r["operation"] == "GetCallerIdentity")
org_calls = sum(1 for r in log if r["access_key_id"] == base
                and (r["service"] == "organizations" or r["operation"] == "GetCallerIdentity"))
per = Counter()
for r in log:
    op = r["operation"]
    if r["access_key_id"] == base and op in ("GetAccountAuthorizationDetails",
                                              "DescribeVpcEndpoints"):
        per["own"] += 1
    elif r["access_key_id"] != base:
        per[r["access_key_id"]] += 1            # a member session's calls
assumed = sum(1 for r in log if r["operation"] == "AssumeRole" and r["status"] == 200)
if assumed != len(per) - 1 or len(per) != want_accounts:
    sys.exit(f"fetch bench: {assumed} sessions for {len(per)} accounts in the request log")
for k in per:
    if k != "own":
        per[k] += 1                            # its AssumeRole
per_account = max(per.values())
bound = (org_calls + math.ceil(want_accounts / conc) * per_account) * latency
wall = float(vals["fetch_wall_s"])
print(f"fetch_calls: {len(log)}")
print(f"fetch_org_calls: {org_calls}")
print(f"fetch_calls_per_account: {per_account}")
print(f"fetch_wall_s: {wall:.3f}")
print(f"fetch_bound_s: {bound:.3f}")
print(f"fetch_wall_over_bound: {wall / bound:.2f}")
print(f"fetch_peak_rss_mib: {vals['fetch_peak_rss_mib']}")
print(f"fetch_target_met: {'yes' if wall <= 1.2 * bound else 'no'}")
PYEOF
