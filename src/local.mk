# src: the program, its command line and config, and the core utilities every
# layer uses (logging, buffers, secret handling).
noinst_LIBRARIES += libpra_core.a
PRA_LIBS += libpra_core.a
libpra_core_a_SOURCES = \
	src/log.c src/log.h \
	src/util/buf.c src/util/buf.h \
	src/util/err.c src/util/err.h \
	src/util/secret.c src/util/secret.h

bin_PROGRAMS += passrole-auditd
passrole_auditd_SOURCES = src/main.c
passrole_auditd_LDADD = $(PRA_LIBS) $(DEPS_LIBS)
