#!/bin/sh
# credential_process that succeeds; a note on stderr must not reach the logs verbatim.
echo "fetching credentials for ${1:-nobody}" >&2
cat <<'JSON'
{
  "Version": 1,
  "AccessKeyId": "AKIDPROCESSEXAMPLE",
  "SecretAccessKey": "processSecretKeyEXAMPLE0123456789abcdef",
  "SessionToken": "processSessionTokenEXAMPLE0123456789abcdef",
  "Expiration": "2099-12-31T23:59:59Z"
}
JSON
