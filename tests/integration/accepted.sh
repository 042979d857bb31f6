#!/bin/sh
# Accepted edges (audit.accepted_file, issue 12 point 5), with --audit-now
# against the emulator and a webhook receiver:
#   malformed: a syntax error, a missing member and a bad date are config
#     errors naming FILE:LINE, from --check-config and from --audit-now;
#   matched: the accepted edge is reported as accepted (text and JSON), left
#     out of the baseline's counts, and not alerted when it is lost;
#   expired: the entry raises one accepted-expired alert, once, and the edge
#     it covered alerts again;
#   unmatched: an entry that stops matching (its edge lost) raises one
#     accepted-unmatched alert; one that never matched is warned about
#     at each run and alerted by the first run only.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
. "$top_srcdir/tests/emulator/emu.sh"
. "$top_srcdir/tests/integration/alert-lib.sh"
bin="$top_builddir/passrole-auditd"
base="$top_srcdir/tests/data/scenarios/e2e-base.json"
changed="$top_srcdir/tests/data/scenarios/e2e-changed.json"
fail() { echo "FAIL: $*"; echo "--- stderr"; cat "$tmp/err" 2>/dev/null; exit 1; }
cleanup() { emu_stop; alert_cleanup; }
emu_start "$base" || fail "emulator did not start"
trap cleanup EXIT INT TERM
recv_start W

# conf FILE ACCEPTED
conf() {
	cat >"$1" <<CONF
state_dir = "$tmp/state";
aws = {
  region = "eu-west-1";
  credentials = { source = "static"; access_key_id = "AKIAIOSFODNN7EXAMPLE";
    secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"; };
  endpoints = { sts = "$EMU_URL"; iam = "$EMU_URL"; organizations = "$EMU_URL";
    ec2 = "$EMU_URL"; };
  retry = { max_attempts = 2; base_delay_ms = 10; max_delay_ms = 20; };
};
collect = { member_role = "AuditRole"; external_id = "audit+2024/q1";
  regions = [ "eu-west-1", "us-east-1" ]; };
audit = { accepted_file = "$2"; };
alerts = {
  # One alert per change, which this test counts (alerts grouped by
  # cause are check_group's and daemon-e2e.sh's).
  group_by = "edge";
  syslog = { enabled = false; };
  webhooks = ( { name = "recv"; url = "$URL_W"; max_attempts = 1; timeout = 5; } );
};
CONF
	chmod 600 "$1"
}

# 1. Malformed files: FILE:LINE, from --check-config and --audit-now.
bad() {
	printf '%s' "$2" >"$tmp/bad.acc"
	conf "$tmp/bad.conf" "$tmp/bad.acc"
	"$bin" --check-config -c "$tmp/bad.conf" >"$tmp/out" 2>"$tmp/err" &&
		fail "--check-config accepted a malformed file ($1)"
	grep -q "$tmp/bad.acc:$3: $4" "$tmp/err" || fail "$1: wanted $tmp/bad.acc:$3: $4"
	"$bin" --audit-now -c "$tmp/bad.conf" >"$tmp/out" 2>"$tmp/err" && fail "--audit-now ran ($1)"
	grep -q "$tmp/bad.acc:$3: $4" "$tmp/err" || fail "$1 (--audit-now): wanted $tmp/bad.acc:$3"
}
bad syntax 'accepted = (
  { principal = "a";
    role = ; }
);
' 3 'syntax error'
bad missing 'accepted = (
  { principal = "a"; role = "b"; reason = "r"; expires = "2099-01-01"; },
  { principal = "a";
    role = "b"; reason = "r"; accepted_by = "me"; expires = "2099-01-01"; }
);
' 2 'accepted\[0\].accepted_by: missing'
bad date 'accepted = (
  { principal = "a"; role = "b"; reason = "r"; accepted_by = "me";
    expires = "2099-02-30"; }
);
' 3 'accepted\[0\]: expires: "2099-02-30" is not a date YYYY-MM-DD'
bad member 'accepted = (
  { principal = "a"; role = "b"; reason = "r"; accepted_by = "me";
    expires = "2099-01-01";
    service = [ "lambda.amazonaws.com" ]; }
);
' 4 'accepted\[0\]: unknown member "service"'

# 2. A valid file: ci-deployer -> app-deployer accepted; bob ->
# OrganizationAccountAccessRole accepted until a date now past; an entry
# that matches nothing.
cat >"$tmp/ok.acc" <<'ACC'
# Known and intended PassRole edges.
accepted = (
  { principal = "arn:aws:iam::111122223333:user/automation/ci-*";
    role = "app-deployer";
    reason = "CI deploys the app";
    accepted_by = "secops@example.com";
    expires = "2099-12-31"; },
  { principal = "arn:aws:iam::*:user/automation/bob";
    role = "arn:aws:iam::111122223333:role/OrganizationAccountAccessRole";
    reason = "break-glass drill";
    accepted_by = "alice";
    expires = "2020-01-31"; },
  { principal = "*:user/nobody";
    role = "*";
    reason = "left over";
    accepted_by = "bob";
    expires = "2099-12-31"; }
);
ACC
conf "$tmp/d.conf" "$tmp/ok.acc"
"$bin" --check-config -c "$tmp/d.conf" >/dev/null 2>"$tmp/err" || fail "--check-config on a valid file"
mkdir -m 700 "$tmp/state"
ACI="arn:aws:iam::111122223333:user/automation/ci-deployer"
ABOB="arn:aws:iam::111122223333:user/automation/bob"
DEP="arn:aws:iam::111122223333:role/deploy/app-deployer"
OAA="arn:aws:iam::111122223333:role/OrganizationAccountAccessRole"
run() {
	want=$1; shift
	"$bin" --audit-now -c "$tmp/d.conf" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" = "$want" ] || fail "--audit-now $*: exit $rc, wanted $want"
}
# check_alerts WANT: the receiver's deliveries, (kind, principal, role) each once.
check_alerts() {
	ctl_get "$CTL_W" /_ctl/deliveries >"$tmp/deliveries"
	"$PYTHON3" - "$1" "$tmp/deliveries" <<'PY'
import collections, json, sys
want = collections.Counter(tuple(l.split()) for l in open(sys.argv[1]) if l.strip())
dl = json.load(open(sys.argv[2]))
got = collections.Counter((d["body"]["kind"], d["body"].get("principal", "-"),
                           d["body"].get("role", "-")) for d in dl)
assert got == want, "got %s, wanted %s" % (sorted(got.items()), sorted(want.items()))
for d in dl:
    b = d["body"]
    if b["kind"] == "baseline":
        assert sum(b["counts"].values()) == 5, b["counts"]    # 6 edges, 1 accepted
        assert all(not (e["principal"].endswith("/ci-deployer") and e["role"].endswith("/app-deployer"))
                   for e in b["edges"]), b["edges"]
    if b["kind"].startswith("accepted-"):
        assert ":" in b["reason"] and "accepted by" in b["reason"], b["reason"]
PY
}

# Run 1, the baseline (JSON report).
run 0 --format json
"$PYTHON3" - "$tmp/out" "$ACI" "$DEP" "$tmp/ok.acc" <<'PY' || fail "the JSON report's accepted edge"
import json, sys
r = json.load(open(sys.argv[1]))
acc = [e for e in r["edges"] if "accepted" in e]
assert len(acc) == 1, acc
e = acc[0]
assert (e["principal_arn"], e["role_arn"]) == (sys.argv[2], sys.argv[3]), e
assert e["accepted"] == {"reason": "CI deploys the app", "accepted_by": "secops@example.com",
                         "expires": "2099-12-31", "entry": sys.argv[4], "line": 3}, e["accepted"]
PY
grep -q "$tmp/ok.acc:13: this accepted entry matches no edge" "$tmp/err" ||
	fail "no warning for the entry that matches nothing"
cat >"$tmp/want" <<W
baseline - -
accepted-expired arn:aws:iam::*:user/automation/bob $OAA
accepted-unmatched *:user/nobody *
W
check_alerts "$tmp/want" || fail "the baseline's alerts"

# Run 2: the text report marks the accepted edge; nothing changed, nothing
# alerted (the expiry and the unmatched entry were alerted once). Wide, so
# that the note is on one line.
COLUMNS=1000
export COLUMNS
run 0
unset COLUMNS
grep -q "$ACI -> $DEP: accepted by secops@example.com until 2099-12-31: CI deploys the app ($tmp/ok.acc:3)" "$tmp/out" ||
	fail "the text report does not mark the accepted edge"
check_alerts "$tmp/want" || fail "alerts repeated without a change"

# Run 3: ci-deployer loses both edges (app-deployer's is accepted: not
# alerted, but its entry now matches nothing), bob gains both (the
# OrganizationAccountAccessRole one's acceptance has expired: alerted).
emu_scenario "$changed" || fail "scenario change"
run 2
cat >>"$tmp/want" <<W
gained $ABOB $DEP
gained $ABOB $OAA
lost $ACI $OAA
accepted-unmatched arn:aws:iam::111122223333:user/automation/ci-* app-deployer
W
check_alerts "$tmp/want" || fail "the change's alerts"
run 0
check_alerts "$tmp/want" || fail "alerts repeated after the change"
echo "accepted: ok"
