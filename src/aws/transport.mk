# HTTP transport, retries, endpoints, protocols, errors, STS.
libpra_aws_a_SOURCES += \
	src/aws/endpoint.c src/aws/endpoint.h \
	src/aws/retry.c src/aws/retry.h \
	src/aws/xml.c src/aws/xml.h \
	src/aws/awserr.c src/aws/awserr.h \
	src/aws/query.c src/aws/query.h \
	src/aws/jsonproto.c src/aws/jsonproto.h \
	src/aws/policydoc.c src/aws/policydoc.h \
	src/aws/http.c src/aws/http.h \
	src/aws/credprov.c src/aws/credprov.h \
	src/aws/client.c src/aws/client.h \
	src/aws/sts.c src/aws/sts.h

check_PROGRAMS += tests/unit/check_retry tests/unit/check_endpoint tests/unit/check_xml \
	tests/unit/check_awserr tests/unit/check_protocols tests/unit/check_client
TESTS += tests/unit/check_retry tests/unit/check_endpoint tests/unit/check_xml \
	tests/unit/check_awserr tests/unit/check_protocols tests/unit/check_client

tests_unit_check_retry_SOURCES = tests/unit/check_retry.c
tests_unit_check_retry_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_unit_check_retry_LDADD = $(CHECK_LDADD_ALL)
tests_unit_check_endpoint_SOURCES = tests/unit/check_endpoint.c
tests_unit_check_endpoint_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_unit_check_endpoint_LDADD = $(CHECK_LDADD_ALL)
tests_unit_check_xml_SOURCES = tests/unit/check_xml.c
tests_unit_check_xml_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_unit_check_xml_LDADD = $(CHECK_LDADD_ALL)
tests_unit_check_awserr_SOURCES = tests/unit/check_awserr.c tests/unit/aws_testdata.h
tests_unit_check_awserr_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_unit_check_awserr_LDADD = $(CHECK_LDADD_ALL)
tests_unit_check_protocols_SOURCES = tests/unit/check_protocols.c tests/unit/aws_testdata.h
tests_unit_check_protocols_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_unit_check_protocols_LDADD = $(CHECK_LDADD_ALL)
# Runs the loopback emulator (tests/emulator/emulator.py) with $PYTHON3 through
# tests/unit/testserver.c, which makes a self-signed certificate with
# openssl(1) for the TLS cases.
tests_unit_check_client_SOURCES = tests/unit/check_client.c tests/unit/aws_testdata.h \
	tests/unit/testserver.c tests/unit/testserver.h
tests_unit_check_client_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_unit_check_client_LDADD = $(CHECK_LDADD_ALL)

EXTRA_DIST += tests/data/aws-responses tests/data/scenarios/transport.json

# make bench: XML parsing and policy decoding on IAM pages (built with the tests).
check_PROGRAMS += tests/bench/bench_aws_xml
tests_bench_bench_aws_xml_SOURCES = tests/bench/bench_aws_xml.c
tests_bench_bench_aws_xml_LDADD = $(PRA_LIBS) $(DEPS_LIBS)
PRA_BENCHES += tests/bench/aws_xml.sh
EXTRA_DIST += tests/bench/aws_xml.sh
