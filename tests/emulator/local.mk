# tests/emulator: the loopback AWS emulator used by integration tests, its
# scenarios and its own tests (which prove it speaks the real AWS formats).
EMULATOR_FILES = \
	tests/emulator/README.md \
	tests/emulator/emulator.py \
	tests/emulator/emu.sh \
	tests/emulator/gen_scenario.py \
	tests/emulator/bench_emulator.py \
	tests/emulator/awsemu/__init__.py \
	tests/emulator/awsemu/auth.py \
	tests/emulator/awsemu/control.py \
	tests/emulator/awsemu/docenc.py \
	tests/emulator/awsemu/ec2.py \
	tests/emulator/awsemu/errors.py \
	tests/emulator/awsemu/faults.py \
	tests/emulator/awsemu/iam.py \
	tests/emulator/awsemu/organizations.py \
	tests/emulator/awsemu/paging.py \
	tests/emulator/awsemu/reqlog.py \
	tests/emulator/awsemu/scenario.py \
	tests/emulator/awsemu/server.py \
	tests/emulator/awsemu/sigv4.py \
	tests/emulator/awsemu/sts.py \
	tests/emulator/awsemu/trust.py \
	tests/emulator/awsemu/wire.py

EMULATOR_SCENARIOS = \
	tests/data/scenarios/basic.json \
	tests/data/scenarios/standalone.json \
	tests/data/scenarios/aws-shapes/SOURCES.md \
	tests/data/scenarios/aws-shapes/LICENSE-Apache-2.0 \
	tests/data/scenarios/aws-shapes/AssumeRole.recorded-traffic.xml \
	tests/data/scenarios/aws-shapes/DescribePolicy.scp.response.json \
	tests/data/scenarios/aws-shapes/DescribeVpcEndpoints.synthetic.page1.xml \
	tests/data/scenarios/aws-shapes/GetAccountAuthorizationDetails.synthetic.page1.xml \
	tests/data/scenarios/aws-shapes/ListAccounts.page1.response.json \
	tests/data/scenarios/aws-shapes/ListOrganizationalUnitsForParent.page1.response.json \
	tests/data/scenarios/aws-shapes/ListRoots.response.json \
	tests/data/scenarios/aws-shapes/ListTargetsForPolicy.response.json \
	tests/data/scenarios/aws-shapes/ec2.RequestLimitExceeded.xml \
	tests/data/scenarios/aws-shapes/iam.Throttling.xml \
	tests/data/scenarios/aws-shapes/organizations.InvalidInputException.pagination.json \
	tests/data/scenarios/aws-shapes/organizations.TooManyRequestsException.json \
	tests/data/scenarios/aws-shapes/sts.InvalidClientTokenId.xml

EXTRA_DIST += $(EMULATOR_FILES) $(EMULATOR_SCENARIOS)

# The emulator's own tests (Python, run with $(PYTHON3)); emutest.py is their helper.
EMULATOR_TESTS = \
	tests/emulator/test_awscli.py \
	tests/emulator/test_faults.py \
	tests/emulator/test_protocol.py

TESTS += $(EMULATOR_TESTS)
EXTRA_DIST += $(EMULATOR_TESTS) tests/emulator/emutest.py

# emu.sh as the shell integration tests use it.
TESTS += tests/integration/emulator-emu-sh.sh
EXTRA_DIST += tests/integration/emulator-emu-sh.sh

# make bench: emulator start-up and per-call figures.
PRA_BENCHES += tests/bench/emulator.sh
EXTRA_DIST += tests/bench/emulator.sh
