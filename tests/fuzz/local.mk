# libFuzzer targets, one per parser of untrusted input (tests/fuzz/README).
# build.sh builds them with clang, outside automake, from the project's
# sources; run.sh (a test of `make check`) replays each seed corpus and
# fuzzes each target for FUZZ_SECONDS (default 4). `make fuzz` runs them
# longer: make fuzz FUZZ_SECONDS=600 [FUZZ_TARGETS="ini conf"] [FUZZ_RUNS=N].
TESTS += tests/fuzz/run.sh
EXTRA_DIST += tests/fuzz/README tests/fuzz/run.sh tests/fuzz/build.sh tests/fuzz/targets \
	tests/fuzz/fuzzutil.h tests/fuzz/lsan.supp tests/fuzz/corpus tests/fuzz/limits tests/fuzz/known \
	tests/fuzz/fuzz_policy.c tests/fuzz/fuzz_eval.c tests/fuzz/fuzz_gaad.c \
	tests/fuzz/fuzz_snapjson.c tests/fuzz/fuzz_offline.c tests/fuzz/fuzz_orgjson.c \
	tests/fuzz/fuzz_ec2.c tests/fuzz/fuzz_sts.c tests/fuzz/fuzz_awserr.c \
	tests/fuzz/fuzz_jsonproto.c tests/fuzz/fuzz_creds.c tests/fuzz/fuzz_ini.c \
	tests/fuzz/fuzz_conf.c tests/fuzz/fuzz_edgejson.c tests/fuzz/fuzz_outbox.c \
	tests/fuzz/fuzz_evalbatch.c tests/fuzz/fuzz_edgepack.c tests/fuzz/fuzz_state.c \
	tests/fuzz/fuzz_edgestream.c tests/fuzz/fuzz_snapfile.c \
	tests/fuzz/iam.dict tests/fuzz/gaad.dict tests/fuzz/snapjson.dict tests/fuzz/org.dict \
	tests/fuzz/xml.dict tests/fuzz/creds.dict tests/fuzz/ini.dict tests/fuzz/conf.dict \
	tests/fuzz/edges.dict tests/fuzz/outbox.dict

fuzz:
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	  FUZZ_SECONDS="$${FUZZ_SECONDS:-300}" $(SHELL) $(srcdir)/tests/fuzz/run.sh
.PHONY: fuzz

clean-local: clean-local-fuzz
clean-local-fuzz:
	-rm -rf tests/fuzz/obj tests/fuzz/artifacts
	-for t in `cat $(srcdir)/tests/fuzz/targets`; do \
	  rm -rf tests/fuzz/work-$$t; \
	  rm -f tests/fuzz/fuzz_$$t tests/fuzz/fuzz_$$t.log tests/fuzz/fuzz_$$t.limits.log; \
	done
.PHONY: clean-local-fuzz
