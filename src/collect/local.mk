# src/collect: the snapshot model and the collectors that fill it, live
# (IAM, Organizations, EC2 through src/aws) or offline from AWS CLI dumps
# (issue 5).
noinst_LIBRARIES += libpra_collect.a
PRA_LIBS += libpra_collect.a
libpra_collect_a_SOURCES = \
	src/collect/snapshot.c src/collect/snapshot.h

# --- iamec2: IAM (GetAccountAuthorizationDetails) and EC2 (DescribeVpcEndpoints)
# collectors, their tests against the emulator and the GAAD page fuzz target.
libpra_collect_a_SOURCES += \
	src/collect/collect_iam.c src/collect/collect_iam.h \
	src/collect/collect_ec2.c src/collect/collect_ec2.h
# Runs the loopback emulator (tests/emulator/emulator.py) with $PYTHON3.
check_PROGRAMS += tests/unit/check_collectors
TESTS += tests/unit/check_collectors
tests_unit_check_collectors_SOURCES = tests/unit/check_collectors.c \
	tests/unit/testserver.c tests/unit/testserver.h
tests_unit_check_collectors_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_unit_check_collectors_LDADD = $(CHECK_LDADD_ALL)
EXTRA_DIST += tests/data/scenarios/iam-edge.json tests/data/scenarios/ec2-endpoints.json \
	tests/fuzz/fuzz_gaad.c tests/fuzz/gaad.dict
# tests/fuzz/build.sh and run.sh build and run fuzz_gaad with the other targets.
clean-local: clean-local-gaad
clean-local-gaad:
	-rm -rf tests/fuzz/work-gaad
	-rm -f tests/fuzz/fuzz_gaad tests/fuzz/fuzz_gaad.log
.PHONY: clean-local-gaad
# --- end iamec2
