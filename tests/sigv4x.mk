# sigv4x: cross-checks of our SigV4 signatures against two independent
# implementations, botocore and curl's --aws-sigv4, through a small signing
# tool that reads request descriptions as JSON Lines.
check_PROGRAMS += tests/tools/sigv4-sign
tests_tools_sigv4_sign_SOURCES = tests/tools/sigv4-sign.c
tests_tools_sigv4_sign_LDADD = $(PRA_LIBS) $(DEPS_LIBS)

TESTS += tests/integration/sigv4-botocore.py tests/integration/sigv4-curl.sh
EXTRA_DIST += tests/integration/sigv4-botocore.py tests/integration/sigv4-curl.sh
