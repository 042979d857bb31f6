# SigV4 signing: sources, tests and vectors.
libpra_aws_a_SOURCES += \
	src/aws/uri.c src/aws/uri.h \
	src/aws/sigv4.c src/aws/sigv4.h

# Every applicable case of the AWS SigV4 test suites (tests/data/sigv4, with
# their licences), plus stage and edge-case tests.
check_PROGRAMS += tests/unit/check_sigv4
tests_unit_check_sigv4_SOURCES = tests/unit/check_sigv4.c
# Suite paths are built in fixed buffers far larger than any case name.
tests_unit_check_sigv4_CFLAGS = $(CHECK_CFLAGS_ALL) -Wno-format-truncation
tests_unit_check_sigv4_LDADD = $(CHECK_LDADD_ALL)
TESTS += tests/unit/check_sigv4
EXTRA_DIST += tests/data/sigv4
