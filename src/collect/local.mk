# src/collect: the snapshot model and the collectors that fill it, live
# (IAM, Organizations, EC2 through src/aws) or offline from AWS CLI dumps
# (issue 5).
noinst_LIBRARIES += libpra_collect.a
PRA_LIBS += libpra_collect.a
libpra_collect_a_SOURCES = \
	src/collect/snapshot.c src/collect/snapshot.h \
	src/collect/awsconf.c src/collect/awsconf.h

# --- helper "org": Organizations, orchestration, fetch benchmark, IAM policies
# (issue 5). orgjson is shared with the offline loader.
libpra_collect_a_SOURCES += \
	src/collect/orgjson.c src/collect/orgjson.h \
	src/collect/collect_org.c src/collect/collect_org.h \
	src/collect/collect.c src/collect/collect.h
check_PROGRAMS += tests/unit/check_collect_org
tests_unit_check_collect_org_SOURCES = tests/unit/check_collect_org.c \
	tests/unit/testserver.c tests/unit/testserver.h \
	tests/unit/collect_emu.h tests/unit/aws_testdata.h
tests_unit_check_collect_org_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_unit_check_collect_org_LDADD = $(CHECK_LDADD_ALL)
TESTS += tests/unit/check_collect_org
# collect_snapshot() end to end; runs the real IAM and EC2 collectors.
check_PROGRAMS += tests/unit/check_collect
tests_unit_check_collect_SOURCES = tests/unit/check_collect.c \
	tests/unit/testserver.c tests/unit/testserver.h tests/unit/collect_emu.h \
	tests/unit/aws_testdata.h
tests_unit_check_collect_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_unit_check_collect_LDADD = $(CHECK_LDADD_ALL)
TESTS += tests/unit/check_collect
EXTRA_DIST += tests/data/scenarios/org-nested.json tests/data/scenarios/org-standalone.json
# make bench: fetching 50 accounts x 2 regions against the emulator with 50 ms
# per call; fetch-run is the driver (one collect_snapshot() run).
check_PROGRAMS += tests/bench/fetch-run
tests_bench_fetch_run_SOURCES = tests/bench/fetch-run.c
tests_bench_fetch_run_LDADD = $(PRA_LIBS) $(DEPS_LIBS)
PRA_BENCHES += tests/bench/fetch.sh
EXTRA_DIST += tests/bench/fetch.sh tests/bench/fetch-scenario.py
# The IAM policies the daemon needs (auditor identity, member-account role
# and its trust), installed as data for operators to copy into AWS:
# $(pkgdatadir)/iam/. The test proves they grant exactly what the code calls.
pra_iamdir = $(pkgdatadir)/iam
dist_pra_iam_DATA = etc/iam-policy-auditor.json etc/iam-policy-member-role.json \
	etc/iam-trust-member-role.json
TESTS += tests/integration/iam-policy-actions.sh
EXTRA_DIST += tests/integration/iam-policy-actions.sh
# The member-account role as a CloudFormation template (a StackSet deploys it
# to every member account): $(pkgdatadir)/cloudformation/. The test keeps its
# policies equal to the JSON files above.
pra_cfndir = $(pkgdatadir)/cloudformation
dist_pra_cfn_DATA = etc/cloudformation/member-role.json
TESTS += tests/integration/iam-cloudformation.sh
EXTRA_DIST += tests/integration/iam-cloudformation.sh
# --- end of helper "org"

# --- iamec2: IAM (GetAccountAuthorizationDetails) and EC2 (DescribeVpcEndpoints)
# collectors, their tests against the emulator and the GAAD page fuzz target.
libpra_collect_a_SOURCES += \
	src/collect/collect_iam.c src/collect/collect_iam.h \
	src/collect/collect_ec2.c src/collect/collect_ec2.h \
	src/collect/collect_page.c src/collect/collect_page.h
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

# --- snapjson (helper snapjson): the snapshot's JSON form, the offline
# loader of AWS CLI dumps, scripts/aws-dump, their tests and fuzz target.
libpra_collect_a_SOURCES += \
	src/collect/snapjson.c src/collect/snapjson.h \
	src/collect/snapfile.c src/collect/snapfile.h \
	src/collect/offline.c src/collect/offline.h

check_PROGRAMS += tests/unit/check_snapjson
tests_unit_check_snapjson_SOURCES = tests/unit/check_snapjson.c
tests_unit_check_snapjson_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_unit_check_snapjson_LDADD = $(CHECK_LDADD_ALL)
TESTS += tests/unit/check_snapjson

check_PROGRAMS += tests/unit/check_offline
tests_unit_check_offline_SOURCES = tests/unit/check_offline.c
tests_unit_check_offline_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_unit_check_offline_LDADD = $(CHECK_LDADD_ALL)
TESTS += tests/unit/check_offline

# snapshot-tool: offline_load and snapjson from the shell (integration tests).
check_PROGRAMS += tests/tools/snapshot-tool
tests_tools_snapshot_tool_SOURCES = tests/tools/snapshot-tool.c
tests_tools_snapshot_tool_LDADD = $(PRA_LIBS) $(DEPS_LIBS)

TESTS += tests/integration/offline-dump.sh
EXTRA_DIST += tests/integration/offline-dump.sh
# Installed beside the IAM files for operators who audit offline; the man
# page names its installed path.
dist_pkgdata_SCRIPTS += scripts/aws-dump

# The snapjson fuzz target: built and run by tests/fuzz/build.sh and run.sh
# with the others (its seeds are in tests/fuzz/corpus/snapjson).
EXTRA_DIST += tests/fuzz/fuzz_snapjson.c tests/fuzz/snapjson.dict
clean-local: clean-local-snapjson
clean-local-snapjson:
	-rm -rf tests/fuzz/work-snapjson
	-rm -f tests/fuzz/fuzz_snapjson tests/fuzz/fuzz_snapjson.log
.PHONY: clean-local-snapjson
# --- end snapjson
