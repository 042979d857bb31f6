#!/bin/sh
# credential_process with long-term keys: no SessionToken, no Expiration.
printf '{"Version": 1, "AccessKeyId": "AKIDSTATICPROCESS", "SecretAccessKey": "staticProcessSecretEXAMPLE0123456789"}\n'
