#!/bin/sh
# credential_process that writes its arguments, one per line, to $CREDS_ARGS_OUT
# so a test can check that no shell interpreted them.
: > "$CREDS_ARGS_OUT"
for a in "$@"; do
	printf '%s\n' "$a" >> "$CREDS_ARGS_OUT"
done
printf '{"Version": 1, "AccessKeyId": "AKIDARGS", "SecretAccessKey": "argsSecretEXAMPLE0123456789"}\n'
