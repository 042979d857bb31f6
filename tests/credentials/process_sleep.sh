#!/bin/sh
# credential_process that never answers: the provider must kill it.
sleep 30
echo '{"Version": 1, "AccessKeyId": "AKIDLATE", "SecretAccessKey": "late"}'
