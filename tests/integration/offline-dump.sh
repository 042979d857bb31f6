#!/bin/sh
# scripts/aws-dump with Debian's AWS CLI against the emulator, then
# offline_load (tests/tools/snapshot-tool) on the dump: the snapshot must hold
# what the scenario holds (expectations computed from the scenario JSON here,
# not from emulator code), with completeness flags where calls failed; and the
# snapshot must round-trip through its saved JSON form byte for byte.
#
#  1. basic.json, management account, member role AuditRole with its
#     ExternalId: the org tree, SCPs/RCPs with targets, IAM and endpoints of two
#     accounts in two regions; two member accounts refuse AssumeRole.
#  2. basic.json with a member account's key: Organizations answers
#     DescribeOrganization but denies the rest: org present, incomplete.
#  3. standalone.json: not in an organization (SNAP_ORG_NONE), and
#     ec2:DescribeVpcEndpoints denied (that region incomplete).
# And the live IAM and EC2 collectors (snapshot-tool live) give the same model
# as the dump for the management account.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
PYTHON3=${PYTHON3:-/usr/bin/python3}
AWS=/usr/bin/aws
[ -x "$AWS" ] || AWS=$(command -v aws) || { echo "SKIP: no aws CLI"; exit 77; }
export AWS
tool="$top_builddir/tests/tools/snapshot-tool"
dump="$top_srcdir/scripts/aws-dump"
scen="$top_srcdir/tests/data/scenarios"

# shellcheck source=../emulator/emu.sh
. "$top_srcdir/tests/emulator/emu.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/offline-dump.XXXXXX") || exit 1
# shellcheck disable=SC2317
cleanup() { emu_stop; rm -rf "$work"; }
emu_start "$scen/basic.json" || exit 1
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM

# The CLI must see only the scenario's keys and the emulator.
for v in $(env | sed -n 's/^\(AWS_[A-Z_]*\)=.*/\1/p'); do unset "$v"; done
export HOME="$work/home" AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
	AWS_EC2_METADATA_DISABLED=true AWS_MAX_ATTEMPTS=1
mkdir -p "$HOME"
fail=0

check() {	# check DUMP SNAPSHOT CASE: the Python expectations below
	"$PYTHON3" - "$1" "$2" "$3" "$scen" <<'EOF'
import json, os, sys

dump, snap_path, case, scen_dir = sys.argv[1:5]
snap = json.load(open(snap_path))
problems = []

def check(cond, what):
    if not cond:
        problems.append(what)

def eq(got, want, what):
    if got != want:
        problems.append("%s: got %r, want %r" % (what, got, want))

def doc(v):
    """A scenario or snapshot document as a Python value."""
    return v if isinstance(v, dict) else json.loads(v)

def account(aid):
    for a in snap["accounts"]:
        if a["id"] == aid:
            return a
    problems.append("account %s missing" % aid)
    return None

def region(a, name):
    for r in a["regions"]:
        if r["name"] == name:
            return r
    problems.append("account %s: region %s missing" % (a["id"], name))
    return None

def check_iam(a, sc_acct, sc):
    """The account's IAM against the scenario (basic.json semantics)."""
    aid = a["id"]
    part = sc.get("partition", "aws")
    iam = sc_acct.get("iam", {})
    eq(a["iam"]["complete"], True, aid + " iam complete")
    def arn(kind, e):
        return "arn:%s:iam::%s:%s%s%s" % (part, aid, kind, e.get("path", "/"), e["name"])
    # kind: "user", "group", "role" (the path supplies the slashes)
    users = {u["arn"]: u for u in a["iam"]["users"]}
    eq(sorted(users), sorted(arn("user", u) for u in iam.get("users", [])), aid + " user ARNs")
    for su in iam.get("users", []):
        u = users.get(arn("user", su))
        if u is None:
            continue
        w = aid + " user " + su["name"]
        eq(u["groups"], su.get("groups", []), w + " groups")
        eq(u["attached"], su.get("attached_policies", []), w + " attached")
        eq(u["boundary_arn"], su.get("permissions_boundary"), w + " boundary")
        eq({t["key"]: t["value"] for t in u["tags"]}, su.get("tags", {}), w + " tags")
        eq({p["name"]: doc(p["document"]) for p in u["inline_policies"]},
           {k: doc(v) for k, v in su.get("inline_policies", {}).items()}, w + " inline")
        if "id" in su:
            eq(u["id"], su["id"], w + " id")
    groups = {g["arn"]: g for g in a["iam"]["groups"]}
    eq(sorted(groups), sorted(arn("group", g) for g in iam.get("groups", [])), aid + " groups")
    for sg in iam.get("groups", []):
        g = groups.get(arn("group", sg))
        if g is not None:
            eq(g["attached"], sg.get("attached_policies", []), aid + " group attached")
            eq({p["name"]: doc(p["document"]) for p in g["inline_policies"]},
               {k: doc(v) for k, v in sg.get("inline_policies", {}).items()},
               aid + " group inline")
    roles = {r["arn"]: r for r in a["iam"]["roles"]}
    eq(sorted(roles), sorted(arn("role", r) for r in iam.get("roles", [])), aid + " roles")
    for sr in iam.get("roles", []):
        r = roles.get(arn("role", sr))
        if r is None:
            continue
        w = aid + " role " + sr["name"]
        eq(doc(r["trust_policy"]), doc(sr["trust_policy"]), w + " trust policy")
        eq(r["attached"], sr.get("attached_policies", []), w + " attached")
        eq(r["boundary_arn"], sr.get("permissions_boundary"), w + " boundary")
        eq(r["instance_profiles"],
           ["arn:%s:iam::%s:instance-profile%s%s" % (part, aid, p.get("path", "/"), p["name"])
            for p in sr.get("instance_profiles", [])], w + " instance profiles")
        lu = sr.get("last_used") or {}
        eq(r["last_used"], lu.get("date"), w + " last used")
        eq(r["last_used_region"], lu.get("region"), w + " last used region")
        eq(r["service_linked"], sr.get("path", "/").startswith("/aws-service-role/"),
           w + " service linked")
        eq({p["name"]: doc(p["document"]) for p in r["inline_policies"]},
           {k: doc(v) for k, v in sr.get("inline_policies", {}).items()}, w + " inline")
    # Managed policies: the account's own, and the AWS managed ones it uses
    # (attached or as a boundary), each with its default version's document.
    entities = iam.get("users", []) + iam.get("groups", []) + iam.get("roles", [])
    used = set()
    for ent in entities:
        used.update(ent.get("attached_policies", []))
        if ent.get("permissions_boundary"):
            used.add(ent["permissions_boundary"])
    want = {}
    for p in iam.get("policies", []):
        want["arn:%s:iam::%s:policy%s%s" % (part, aid, p.get("path", "/"), p["name"])] = (p, False)
    for p in sc.get("aws_managed_policies", []):
        parn = "arn:%s:iam::aws:policy%s%s" % (part, p.get("path", "/"), p["name"])
        if parn in used:
            want[parn] = (p, True)
    got = {p["arn"]: p for p in a["iam"]["policies"]}
    eq(sorted(got), sorted(want), aid + " managed policy ARNs")
    for parn, (sp, aws_managed) in want.items():
        p = got.get(parn)
        if p is None:
            continue
        if "versions" in sp:
            dv = [v for v in sp["versions"] if v.get("default")][0]
            eq(p["default_version"], dv["id"], parn + " default version")
            eq(doc(p["document"]), doc(dv["document"]), parn + " document")
        else:
            eq(p["default_version"], "v1", parn + " default version")
            eq(doc(p["document"]), doc(sp["document"]), parn + " document")
        eq(p["aws_managed"], aws_managed, parn + " aws_managed")
        eq(p["attachment_count"],
           sum(1 for ent in entities if parn in ent.get("attached_policies", [])),
           parn + " attachment count")

def check_endpoints(a, sc_acct, regions):
    for rname in regions:
        r = region(a, rname)
        if r is None:
            continue
        eq(r["complete"], True, "%s %s complete" % (a["id"], rname))
        want = {e["id"]: e for e in sc_acct.get("vpc_endpoints", {}).get(rname, [])}
        got = {e["id"]: e for e in r["endpoints"]}
        eq(sorted(got), sorted(want), "%s %s endpoint ids" % (a["id"], rname))
        for eid, se in want.items():
            e = got.get(eid)
            if e is None:
                continue
            eq(e["type"], se.get("type", "Gateway"), eid + " type")
            eq(e["service_name"], se.get("service_name"), eid + " service")
            eq(e["vpc_id"], se.get("vpc_id"), eid + " vpc")
            eq(e["state"], se.get("state", "available"), eid + " state")
            if se.get("policy") is None:
                eq(e["policy"], None, eid + " policy")
            else:
                eq(doc(e["policy"]), doc(se["policy"]), eid + " policy")

def check_refused(a, what):
    """An account the dump could not enter: every part incomplete, saying why."""
    check(not a["access"]["complete"], a["id"] + " access should be incomplete")
    why = a["access"].get("why") or ""
    check("AccessDenied" in why and "AssumeRole" in why and
          os.path.join(dump, a["id"], "access.error") in why,
          "%s access why: %r" % (a["id"], why))
    check(not a["iam"]["complete"] and "could not be entered" in (a["iam"].get("why") or ""),
          a["id"] + " iam should be incomplete: " + repr(a["iam"]))
    eq(sorted(r["name"] for r in a["regions"]), sorted(what), a["id"] + " regions")
    for r in a["regions"]:
        check(not r["complete"] and "could not be entered" in (r.get("why") or ""),
              "%s %s should be incomplete" % (a["id"], r["name"]))

if case == "basic":
    sc = json.load(open(os.path.join(scen_dir, "basic.json")))
    org = sc["organization"]
    o = snap["org"]
    eq(o["mode"], "present", "org mode")
    eq(o["complete"], True, "org complete (why: %r)" % o.get("why"))
    eq(o["id"], org["id"], "org id")
    eq(o["management_account"], org["management_account"], "management account")
    eq(o["root_id"], org["root"]["id"], "root id")
    enabled = {t["type"] for t in org["root"]["policy_types"] if t["status"] == "ENABLED"}
    eq(o["scp_enabled"], "SERVICE_CONTROL_POLICY" in enabled, "scp enabled")
    eq(o["rcp_enabled"], "RESOURCE_CONTROL_POLICY" in enabled, "rcp enabled")
    eq({u["id"]: (u["name"], u["parent_id"]) for u in o["ous"]},
       {u["id"]: (u["name"], u.get("parent", org["root"]["id"])) for u in org["ous"]}, "OUs")
    want_pol = {p["id"]: p for p in org["policies"]
                if p["type"] in ("SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY")}
    got_pol = {p["id"]: p for p in o["policies"]}
    eq(sorted(got_pol), sorted(want_pol), "org policy ids")
    for pid, sp in want_pol.items():
        p = got_pol.get(pid)
        if p is None:
            continue
        eq((p["name"], p["type"], p["aws_managed"]),
           (sp["name"], sp["type"], sp.get("aws_managed", False)), pid)
        eq(doc(p["content"]), doc(sp["content"]), pid + " content")
        eq(sorted(p["targets"]), sorted(sp["targets"]), pid + " targets")
    eq(sorted(a["id"] for a in snap["accounts"]), sorted(a["id"] for a in org["accounts"]),
       "account ids")
    for sa in org["accounts"]:
        a = account(sa["id"])
        if a is None:
            continue
        eq((a["name"], a["email"], a["status"], a["parent_id"], a["is_management"]),
           (sa["name"], sa["email"], sa.get("status", "ACTIVE"),
            sa.get("parent", org["root"]["id"]), sa["id"] == org["management_account"]),
           sa["id"] + " org fields")
    regions = ["eu-west-1", "us-east-1"]
    for aid in ("111122223333", "444455556666"):
        a = account(aid)
        if a is None:
            continue
        eq(a["access"]["complete"], True, aid + " access")
        check_iam(a, sc["accounts"][aid], sc)
        check_endpoints(a, sc["accounts"][aid], regions)
        eq(sorted(r["name"] for r in a["regions"]), regions, aid + " regions")
    for aid in ("123456789012", "777788889999"):
        a = account(aid)
        if a is not None:
            check_refused(a, regions)
    eq(snap["partition"], "aws", "partition")
    eq(snap["source"], "offline:" + dump, "source")
elif case == "member":
    o = snap["org"]
    eq(o["mode"], "present", "org mode")
    eq(o["id"], "o-a1b2c3d4e5", "org id from DescribeOrganization")
    check(not o["complete"], "org should be incomplete")
    check("list-roots.error" in (o.get("why") or "") and
          "AccessDenied" in (o.get("why") or ""), "org why: %r" % o.get("why"))
    eq([a["id"] for a in snap["accounts"]], ["123456789012"], "accounts")
    a = account("123456789012")
    if a is not None:
        eq((a["access"]["complete"], a["iam"]["complete"]), (True, True), "member parts")
        eq(a["iam"]["users"], [], "member has no IAM users in the scenario")
        eq([r["name"] for r in a["regions"]], ["eu-west-1"], "member regions")
elif case == "standalone":
    sc = json.load(open(os.path.join(scen_dir, "standalone.json")))
    o = snap["org"]
    eq((o["mode"], o["complete"], o.get("why")), ("none", True, None), "org")
    eq([a["id"] for a in snap["accounts"]], ["555566667777"], "accounts")
    a = account("555566667777")
    if a is not None:
        check_iam(a, sc["accounts"]["555566667777"], sc)
        r = region(a, "eu-west-1")
        if r is not None:
            check(not r["complete"], "eu-west-1 should be incomplete (denied)")
            why = r.get("why") or ""
            check("UnauthorizedOperation" in why and "vpc-endpoints/eu-west-1.error" in why,
                  "eu-west-1 why: %r" % why)
            eq(r["endpoints"], [], "no endpoints for an unknown region")
for p in problems:
    print("FAIL [%s]: %s" % (case, p))
print("%s: %d problems" % (case, len(problems)))
sys.exit(1 if problems else 0)
EOF
}

# load DUMP CASE: offline_load, the expectations, then save → load → print
# must give the same bytes.
load() {
	if ! "$tool" offline "$1" >"$1.snap.json" 2>"$1.err"; then
		echo "FAIL [$2]: offline_load: $(cat "$1.err")"
		fail=1
		return
	fi
	check "$1" "$1.snap.json" "$2" || fail=1
	if ! "$tool" save "$1" "$1.saved.json" 2>"$1.err" ||
		! "$tool" roundtrip "$1.saved.json" >"$1.again.json" 2>>"$1.err"; then
		echo "FAIL [$2]: save/load: $(cat "$1.err")"
		fail=1
	elif ! cmp -s "$1.snap.json" "$1.again.json" || ! cmp -s "$1.snap.json" "$1.saved.json"; then
		echo "FAIL [$2]: the snapshot does not round-trip through its JSON file"
		diff "$1.snap.json" "$1.again.json" | head -20
		fail=1
	fi
}

# dump_case CASE KEY SECRET EXPECTED_STATUS aws-dump-args...: dump, then load.
dump_case() {
	_c=$1 _k=$2 _s=$3 _st=$4
	shift 4
	AWS_ACCESS_KEY_ID=$_k AWS_SECRET_ACCESS_KEY=$_s sh "$dump" -o "$work/$_c" -j 4 \
		--endpoint-url "$EMU_URL" "$@" >"$work/$_c.out" 2>&1
	_rc=$?
	if [ "$_rc" -ne "$_st" ]; then
		echo "FAIL [$_c]: aws-dump exit $_rc, want $_st"
		cat "$work/$_c.out"
		fail=1
	fi
	if [ -n "$(find "$work/$_c" -name '*.tmp')" ]; then
		echo "FAIL [$_c]: aws-dump left temporary files"
		fail=1
	fi
	load "$work/$_c" "$_c"
}

# 1. Two member accounts refuse AuditRole: exit 2, their access.error kept.
dump_case basic AKIDEXAMPLE 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' 2 \
	-r eu-west-1,us-east-1 -m AuditRole -x 'audit+2024/q1'
grep -q '"regions": \["eu-west-1", "us-east-1"\]' "$work/basic/aws-dump.json" ||
	{ echo "FAIL [basic]: aws-dump.json"; cat "$work/basic/aws-dump.json"; fail=1; }
# No secret of the scenario may be in the dump (assumed-role keys included).
if grep -rq -e 'wJalrXUtnFEMI' -e 'ASIA' "$work/basic"; then
	echo "FAIL [basic]: a secret or session key is in the dump"
	fail=1
fi

# The live IAM and EC2 collectors on the same account give the same model
# (documents compared as JSON: the CLI reprints them, the APIs send text).
if ! AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY='wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' \
	"$tool" live "$EMU_URL" 111122223333 eu-west-1 us-east-1 >"$work/live.json" 2>"$work/live.err"; then
	echo "FAIL [live]: $(cat "$work/live.err")"
	fail=1
elif ! "$PYTHON3" - "$work/live.json" "$work/basic.snap.json" <<'EOF'
import json, sys
live = json.load(open(sys.argv[1]))["accounts"][0]
off = [a for a in json.load(open(sys.argv[2]))["accounts"] if a["id"] == "111122223333"][0]
DOCS = ("document", "trust_policy", "policy", "content")
def norm(x, key=None):
    if isinstance(x, dict):
        return {k: norm(v, k) for k, v in x.items()}
    if isinstance(x, list):
        return [norm(v) for v in x]
    if isinstance(x, str) and key in DOCS:
        return json.loads(x)
    return x
bad = [k for k in ("access", "iam", "regions") if norm(live[k]) != norm(off[k])]
for k in bad:
    print("FAIL [live]: offline and live differ in %s" % k)
    print(" live:   ", json.dumps(norm(live[k]), sort_keys=True)[:1500])
    print(" offline:", json.dumps(norm(off[k]), sort_keys=True)[:1500])
n = len(live["iam"]["users"]) + len(live["iam"]["roles"]) + len(live["iam"]["policies"])
print("live vs offline: %d entities, %d regions, %s" % (n, len(live["regions"]),
      "same" if not bad else "different"))
sys.exit(1 if bad or n == 0 else 0)
EOF
then
	fail=1
fi

# 2. A member account's key: Organizations denies all but DescribeOrganization.
dump_case member AKIDMEMBEREXAMPLE memberSecretKeyEXAMPLEEXAMPLEEXAMPLE1234 2 -r eu-west-1

# 3. Outside any organization; DescribeVpcEndpoints denied by the scenario.
emu_scenario "$scen/standalone.json" || exit 1
dump_case standalone AKIDSTANDALONE standaloneSecretKeyEXAMPLEEXAMPLEEXAMPL 2 -r eu-west-1
grep -q AWSOrganizationsNotInUseException "$work/standalone/org/describe-organization.error" ||
	{ echo "FAIL [standalone]: describe-organization.error"; fail=1; }
# Not being in an organization is not a failure of the dump.
if grep -q describe-organization "$work/standalone.out"; then
	echo "FAIL [standalone]: NotInUse reported as a failed call"
	fail=1
fi

# The dump folder must be fresh.
if sh "$dump" -o "$work/basic" --endpoint-url "$EMU_URL" -r eu-west-1 >/dev/null 2>&1; then
	echo "FAIL: aws-dump wrote into a non-empty folder"
	fail=1
fi
exit $fail
