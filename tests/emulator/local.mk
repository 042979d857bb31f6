# tests/emulator: the loopback AWS emulator used by integration tests, its
# scenarios and its own tests (which prove it speaks the real AWS formats).
EMULATOR_FILES = \
	tests/emulator/README.md \
	tests/emulator/emulator.py \
	tests/emulator/emu.sh \
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
	tests/data/scenarios/basic.json

EXTRA_DIST += $(EMULATOR_FILES) $(EMULATOR_SCENARIOS)
