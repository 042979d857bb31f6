#!/bin/sh
# credential_process without the Version field.
echo '{"AccessKeyId": "AKID", "SecretAccessKey": "s3cr3tNoVersionEXAMPLE0123456789"}'
