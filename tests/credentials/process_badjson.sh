#!/bin/sh
# credential_process whose output is not JSON.
echo 'Version: 1, AccessKeyId: AKID'
