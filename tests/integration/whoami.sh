#!/bin/sh
# --whoami end to end: the real program signs sts:GetCallerIdentity with
# credentials from the config, the environment or a shared-files profile,
# the emulator verifies the signature with botocore, and the identity is
# printed. A wrong key fails with AWS's error, and no secret ever reaches
# the output, even at debug level.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
. "$top_srcdir/tests/emulator/emu.sh"
bin="$top_builddir/passrole-auditd"
tmp=$(mktemp -d) || exit 1
fail() { echo "FAIL: $*"; exit 1; }
emu_start "$top_srcdir/tests/data/scenarios/basic.json" || fail "emulator did not start"
trap 'emu_stop; rm -rf "$tmp"' EXIT INT TERM

SECRET='wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
printf '%s\n' "$SECRET" >"$tmp/secret"
chmod 600 "$tmp/secret"
endpoints="endpoints = { sts = \"$EMU_URL\"; iam = \"$EMU_URL\"; organizations = \"$EMU_URL\"; ec2 = \"$EMU_URL\"; };"
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE \
	AWS_SHARED_CREDENTIALS_FILE AWS_CONFIG_FILE AWS_CONTAINER_CREDENTIALS_RELATIVE_URI \
	AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_WEB_IDENTITY_TOKEN_FILE AWS_ROLE_ARN
export AWS_EC2_METADATA_DISABLED=true
export HOME="$tmp"

# 1. static keys from the config, secret from a file
cat >"$tmp/static.conf" <<CONF
aws = { credentials = { source = "static"; access_key_id = "AKIAIOSFODNN7EXAMPLE";
  secret_access_key_file = "$tmp/secret"; }; $endpoints };
CONF
chmod 600 "$tmp/static.conf"
"$bin" -c "$tmp/static.conf" -v --whoami >"$tmp/out" 2>"$tmp/err" || fail "static: $(cat "$tmp/err")"
grep -q '^Account: *111122223333$' "$tmp/out" || fail "static account: $(cat "$tmp/out")"
grep -q '^Arn: *arn:aws:iam::111122223333:user/auditor$' "$tmp/out" || fail "static arn: $(cat "$tmp/out")"
if grep -q "$SECRET" "$tmp/out" "$tmp/err"; then fail "secret in output"; fi

# 2. the environment, through the auto chain
cat >"$tmp/auto.conf" <<CONF
aws = { $endpoints };
CONF
AWS_ACCESS_KEY_ID=AKIDMEMBEREXAMPLE AWS_SECRET_ACCESS_KEY=memberSecretKeyEXAMPLEEXAMPLEEXAMPLE1234 \
	"$bin" -c "$tmp/auto.conf" -v --whoami >"$tmp/out" 2>"$tmp/err" || fail "environment: $(cat "$tmp/err")"
grep -q '^Arn: *arn:aws:iam::123456789012:user/reader$' "$tmp/out" || fail "environment arn: $(cat "$tmp/out")"
if grep -q "memberSecretKey" "$tmp/out" "$tmp/err"; then fail "env secret in output"; fi

# 3. a profile of the shared files named in the config
cat >"$tmp/credentials" <<CRED
[default]
aws_access_key_id = AKIDNOTTHISONE
aws_secret_access_key = nope
[auditor]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = $SECRET
CRED
chmod 600 "$tmp/credentials"
cat >"$tmp/profile.conf" <<CONF
aws = { credentials = { source = "profile"; profile = "auditor";
  credentials_file = "$tmp/credentials"; config_file = "$tmp/none"; }; $endpoints };
CONF
"$bin" -c "$tmp/profile.conf" -v --whoami >"$tmp/out" 2>"$tmp/err" || fail "profile: $(cat "$tmp/err")"
grep -q '^Arn: *arn:aws:iam::111122223333:user/auditor$' "$tmp/out" || fail "profile arn: $(cat "$tmp/out")"
if grep -q "$SECRET" "$tmp/out" "$tmp/err"; then fail "profile secret in output"; fi

# 4. a wrong secret: AWS's answer, exit 1, no secret anywhere
printf 'wrongSecretKeyEXAMPLEEXAMPLEEXAMPLE0000\n' >"$tmp/secret"
"$bin" -c "$tmp/static.conf" -v --whoami >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 1 ] || fail "wrong secret: exit $rc, want 1"
grep -q 'sts:GetCallerIdentity: SignatureDoesNotMatch (HTTP 403' "$tmp/err" || fail "wrong secret message: $(cat "$tmp/err")"
if grep -q "wrongSecretKey" "$tmp/out" "$tmp/err"; then fail "wrong secret in output"; fi

# 5. nothing configured anywhere: a clear error naming the chain
cat >"$tmp/nothing.conf" <<CONF
aws = { credentials = { config_file = "$tmp/none"; credentials_file = "$tmp/none"; }; $endpoints };
CONF
"$bin" -c "$tmp/nothing.conf" --whoami >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 1 ] || fail "no credentials: exit $rc, want 1"
grep -qi 'credential' "$tmp/err" || fail "no credentials message: $(cat "$tmp/err")"

# every request the program made was signed correctly except case 4's
"${PYTHON3:-/usr/bin/python3}" -c '
import json, sys
reqs = json.loads(sys.stdin.read())
bad = [r for r in reqs if not r["signature_valid"]]
assert len(reqs) == 4 and len(bad) == 1, reqs
' <<EOF2 || fail "request log"
$(emu_requests)
EOF2
echo "whoami: ok"
