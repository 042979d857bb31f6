# src/policy: the IAM policy language and evaluation chain (issue 4).
# Each part appends its sources from its own fragment.
noinst_LIBRARIES += libpra_policy.a
PRA_LIBS += libpra_policy.a
libpra_policy_a_SOURCES = src/policy/match.c src/policy/match.h
include src/policy/condop.mk
include src/policy/engine.mk
