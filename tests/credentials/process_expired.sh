#!/bin/sh
# credential_process that returns credentials which expired long ago.
echo '{"Version": 1, "AccessKeyId": "AKIDEXPIRED", "SecretAccessKey": "expiredSecretEXAMPLE0123456789", "SessionToken": "expiredTokenEXAMPLE0123456789", "Expiration": "2001-01-01T00:00:00Z"}'
