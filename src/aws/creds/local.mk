# The credential sources, one file each: shared files, environment,
# credential_process, web identity, container and instance metadata, STS
# AssumeRole, and AssumeRole on top of any provider for member accounts
# (creds_assume). The chain and its cache are src/aws/credentials.c.
libpra_aws_a_SOURCES += \
	src/aws/creds/creds_util.c src/aws/creds/creds_util.h \
	src/aws/creds/creds_chain.c src/aws/creds/creds_chain.h \
	src/aws/creds/creds_profile.c src/aws/creds/creds_profile.h \
	src/aws/creds/creds_process.c src/aws/creds/creds_process.h \
	src/aws/creds/creds_imds.c src/aws/creds/creds_imds.h \
	src/aws/creds/creds_ecs.c src/aws/creds/creds_ecs.h \
	src/aws/creds/creds_sts.c src/aws/creds/creds_sts.h \
	src/aws/creds/creds_client.c src/aws/creds/creds_client.h \
	src/aws/creds/creds_assume.c src/aws/creds/creds_assume.h

# Unit tests without a network (STS injected, credential_process scripts).
check_PROGRAMS += tests/unit/check_creds
TESTS += tests/unit/check_creds
tests_unit_check_creds_SOURCES = tests/unit/check_creds.c tests/unit/creds_testlib.h
tests_unit_check_creds_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_unit_check_creds_LDADD = $(CHECK_LDADD_ALL)

EXTRA_DIST += tests/credentials tests/data/credentials

# HTTP sources against the loopback mock (tests/credentials/mock_metadata.py, run with $PYTHON3).
check_PROGRAMS += tests/unit/check_creds_http
TESTS += tests/unit/check_creds_http
tests_unit_check_creds_http_SOURCES = tests/unit/check_creds_http.c tests/unit/creds_testlib.h \
	tests/unit/testserver.c tests/unit/testserver.h
tests_unit_check_creds_http_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_unit_check_creds_http_LDADD = $(CHECK_LDADD_ALL)

# STS AssumeRole signed by the AWS client, against the loopback emulator (tests/emulator).
check_PROGRAMS += tests/unit/check_creds_sts
TESTS += tests/unit/check_creds_sts
tests_unit_check_creds_sts_SOURCES = tests/unit/check_creds_sts.c tests/unit/creds_testlib.h \
	tests/unit/testserver.c tests/unit/testserver.h
tests_unit_check_creds_sts_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_unit_check_creds_sts_LDADD = $(CHECK_LDADD_ALL)
