#!/bin/sh
# The syslog sink against a unix datagram receiver (python3): one RFC 3164
# line per alert with the facility and severity in PRI, the configured
# ident, and key=value fields that parse back to the alert (quoted values
# included); a missing socket fails fast and keeps the alerts queued until
# the socket appears; a full outbox refuses new alerts and says so in
# syslog, with each refused alert's content.
set -u
. "$top_srcdir/tests/integration/alert-lib.sh"
fix="$top_srcdir/tests/data/alerts/basic.json"
sock="$tmp/log.sock"
mkdir "$tmp/s1"

# 1. No socket yet: fails at once (no blocking), everything stays queued.
start=$(date +%s)
"$TOOL" --state "$tmp/s1" --syslog-socket "$sock" --syslog-ident pra-test \
	--syslog-facility local3 run "$fix" >"$tmp/out1" 2>"$tmp/err1"
[ $? -eq 3 ] || fail "a missing socket must keep alerts queued: $(cat "$tmp/out1" "$tmp/err1")"
[ $(($(date +%s) - start)) -le 5 ] || fail "a missing socket blocked"
grep -q 'No such file or directory\|Connection refused' "$tmp/err1" || fail "error: $(cat "$tmp/err1")"
[ "$("$TOOL" --state "$tmp/s1" pending)" = 6 ] || fail "6 alerts should be pending"

# 2. The receiver appears: six lines, in order.
syslog_start "$sock" "$tmp/lines"
"$TOOL" --state "$tmp/s1" --syslog-socket "$sock" --syslog-ident pra-test \
	--syslog-facility local3 deliver >"$tmp/out2" 2>"$tmp/err2" ||
	fail "delivery to the socket: $(cat "$tmp/out2" "$tmp/err2")"
sleep 0.3
"$PYTHON3" - "$tmp/lines" <<'PY' || fail "syslog lines: $(cat "$tmp/lines")"
import re, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 6, lines
rx = re.compile(r'^<(\d+)>[A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d pra-test\[\d+\]: passrole-auditd alert: (.*)$')

def kv(s):
    out, i = {}, 0
    while i < len(s):
        j = s.index("=", i)
        k = s[i:j]
        i = j + 1
        if s[i:i + 1] == '"':
            i += 1
            v = []
            while s[i] != '"':
                if s[i] == "\\":
                    i += 1
                v.append(s[i])
                i += 1
            i += 1
            v = "".join(v)
        else:
            j = s.find(" ", i)
            j = len(s) if j < 0 else j
            v = s[i:j]
            i = j
        assert k not in out, k
        out[k] = v
        if i < len(s):
            assert s[i] == " ", s[i:]
            i += 1
    return out

recs = []
for l in lines:
    m = rx.match(l)
    assert m, l
    recs.append((int(m.group(1)), kv(m.group(2))))
kinds = [r["kind"] for _, r in recs]
assert kinds == ["gained", "lost", "changed", "privileged-added", "privileged-removed",
                 "audit-incomplete"], kinds
# Severity by risk (passrole-auditd(8), SEVERITY): gained to a privileged
# role with services, unconditionally: high; lost: info; changed with a
# condition: medium; privileged-added: low; -removed: info; incomplete:
# medium. local3 = 19: PRI = 19 * 8 + severity (error 3, warning 4,
# notice 5, info 6).
assert [r["risk"] for _, r in recs] == ["high", "info", "medium", "low", "info", "medium"], \
    [r["risk"] for _, r in recs]
assert [p for p, _ in recs] == [155, 158, 156, 157, 158, 156], [p for p, _ in recs]
g = recs[0][1]
assert g["severity"] == "error"
assert g["principal"] == "arn:aws:iam::111111111111:user/alice"
assert g["services"] == "cloudformation.amazonaws.com,lambda.amazonaws.com"
assert g["path"] == "direct"
assert g["reason"] == "allowed by DevOps (managed, Sid PassDeploy); limited by boundary DevBoundary"
assert len(g["id"]) == 64
c = recs[2][1]
assert c["reason"] == 'allowed by Data (managed) "v2"', c["reason"]
assert c["conditions"] == "aws:RequestedRegion StringEquals eu-west-1"
assert c["change"].startswith("services +lambda.amazonaws.com")
assert recs[1][1]["path"] == "assume arn:aws:iam::222222222222:role/Bridge"
assert recs[5][1]["not_audited"] == "444444444444"
assert len({r["id"] for _, r in recs}) == 6
PY
[ "$("$TOOL" --state "$tmp/s1" --syslog-socket "$sock" pending)" = 0 ] || fail "outbox not empty"

# 3. outbox_max 3 with the receiver gone: the three oldest stay queued, the
# three newer ones are refused and each is alerted to syslog (when the
# socket is back) and to the tool's log.
syslog_stop
mkdir "$tmp/s2"
"$TOOL" --state "$tmp/s2" --syslog-socket "$sock" --outbox-max 3 enqueue "$fix" \
	>"$tmp/out3" 2>"$tmp/err3" || fail "enqueue with a full outbox: $(cat "$tmp/err3")"
grep -q 'queued=3 already=0 refused=3' "$tmp/out3" || fail "refusal count: $(cat "$tmp/out3")"
[ "$(grep -c 'kind=outbox-overflow' "$tmp/err3")" = 3 ] || fail "overflow not in the log: $(cat "$tmp/err3")"
syslog_start "$sock" "$tmp/lines2"
mkdir "$tmp/s3"
"$TOOL" --state "$tmp/s3" --syslog-socket "$sock" --outbox-max 3 --no-syslog enqueue "$fix" \
	>/dev/null 2>&1 || fail "enqueue without syslog"
"$TOOL" --state "$tmp/s3" --syslog-socket "$sock" --outbox-max 3 enqueue "$top_srcdir/tests/data/alerts/failed.json" \
	>"$tmp/out4" 2>/dev/null || fail "enqueue into a full outbox"
grep -q 'queued=0 already=0 refused=1' "$tmp/out4" || fail "refusal: $(cat "$tmp/out4")"
sleep 0.3
grep -q 'kind=outbox-overflow severity=error queued=no max=3 pending=3 .* kind=audit-failed ' "$tmp/lines2" ||
	fail "overflow line: $(cat "$tmp/lines2")"
grep -q '^<83>' "$tmp/lines2" || fail "overflow at error severity: $(cat "$tmp/lines2")"
# The kept ones are the oldest three.
"$TOOL" --state "$tmp/s2" --syslog-socket "$sock" deliver >/dev/null 2>&1 || fail "deliver s2"
sleep 0.3
grep 'passrole-auditd alert: kind=' "$tmp/lines2" | grep -v outbox-overflow >"$tmp/kept-lines"
[ "$(wc -l <"$tmp/kept-lines")" = 3 ] || fail "3 kept: $(cat "$tmp/lines2")"
sed 's/.*alert: kind=\([a-z-]*\) .*/\1/' "$tmp/kept-lines" | tr '\n' ' ' >"$tmp/kept"
[ "$(cat "$tmp/kept")" = "gained lost changed " ] || fail "kept: $(cat "$tmp/kept")"
# 4. The documented filter (passrole-auditd(8), ALERTS IN THE LOG): the
# default ident, passrole-auditd-alert, is carried by every alert line and
# by nothing the program logs itself (journalctl -t passrole-auditd-alert;
# rsyslog: :programname, isequal, "passrole-auditd-alert").
"$PYTHON3" - "$tmp/lines2" <<'PY' || fail "the alert ident filter: $(cat "$tmp/lines2")"
import re, sys
lines = open(sys.argv[1]).read().splitlines()
ident = lambda l: re.match(r"^<\d+>[A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d ([^\[:]+)\[\d+\]: ", l).group(1)
sel = [l for l in lines if ident(l) == "passrole-auditd-alert"]
assert sel and sel == [l for l in lines if " passrole-auditd alert: " in l], lines
PY
echo "syslog-sink: ok"
