#!/bin/sh
# credential_process that fails; its stderr holds something secret-looking.
echo "error: token wJalrXUtnFEMIK7MDENGbPxRfiCYSTDERRSECRET rejected" >&2
echo "second line never shown" >&2
exit 3
