# src/audit: privileged roles, PassRole edges, state and diff (issue 6).
noinst_LIBRARIES += libpra_audit.a
PRA_LIBS += libpra_audit.a
libpra_audit_a_SOURCES = \
	src/audit/edge.c src/audit/edge.h
