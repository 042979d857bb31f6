#!/bin/sh
# Regenerate examples/demo-org/dump and dump-changed: the demo organization's
# scenarios (source.py) served by the loopback emulator, saved with
# scripts/aws-dump exactly as it would save a real organization. Run from
# anywhere; needs python3, python3-botocore and awscli (scripts/install-deps --test).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=$(cd "$here/../.." && pwd)
PYTHON3=${PYTHON3:-/usr/bin/python3}
export top_srcdir PYTHON3
. "$top_srcdir/tests/emulator/emu.sh"

"$PYTHON3" "$here/source.py" "$here/scenario.json"
"$PYTHON3" "$here/source.py" "$here/scenario-changed.json" --changed

AWS_ACCESS_KEY_ID=AKIADEMOAUDITOR00001
AWS_SECRET_ACCESS_KEY=demoSecretKeyEXAMPLEEXAMPLEEXAMPLE000001
AWS_DEFAULT_REGION=eu-west-1
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_DEFAULT_REGION

dump() {
	emu_start "$1"
	rm -rf "$2.new"
	"$top_srcdir/scripts/aws-dump" -o "$2.new" -r eu-west-1,us-east-1 \
		-m PassroleAuditRole -x passrole-auditd-demo --endpoint-url "$EMU_URL"
	emu_stop
	rm -rf "$2"
	mv "$2.new" "$2"
}
dump "$here/scenario.json" "$here/dump"
dump "$here/scenario-changed.json" "$here/dump-changed"
