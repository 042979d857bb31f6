# src: the program, its command line and config, and the core utilities every
# layer uses (logging, buffers, secret handling).
noinst_LIBRARIES += libpra_core.a
PRA_LIBS += libpra_core.a
libpra_core_a_SOURCES = \
	src/log.c src/log.h \
	src/util/buf.c src/util/buf.h \
	src/util/err.c src/util/err.h \
	src/util/fileio.c src/util/fileio.h \
	src/util/jsonstream.c src/util/jsonstream.h \
	src/util/lockfile.c src/util/lockfile.h \
	src/util/jsonutil.c src/util/jsonutil.h \
	src/util/secret.c src/util/secret.h \
	src/util/strutil.c src/util/strutil.h \
	src/cli.c src/cli.h \
	src/confschema.c src/confschema.h \
	src/accepted.c src/accepted.h \
	src/conf.c src/conf.h

# util/fileio: short writes, the read bound, the atomic save.
check_PROGRAMS += tests/unit/check_fileio
tests_unit_check_fileio_SOURCES = tests/unit/check_fileio.c
tests_unit_check_fileio_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_unit_check_fileio_LDADD = $(CHECK_LDADD_ALL)
TESTS += tests/unit/check_fileio

# accepted.c: what an entry matches, expiry, the file's checks.
check_PROGRAMS += tests/unit/check_accepted
tests_unit_check_accepted_SOURCES = tests/unit/check_accepted.c
tests_unit_check_accepted_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_unit_check_accepted_LDADD = $(CHECK_LDADD_ALL)
TESTS += tests/unit/check_accepted

# modes.c calls into every layer, so it belongs to the program, not to the
# core library the layers link against; so does the --eval command. A
# daemon, documented in section 8: sbin, as Debian and the FHS put system
# administration programs.
sbin_PROGRAMS += passrole-auditd
passrole_auditd_SOURCES = src/main.c src/modes.c src/modes.h \
	src/evalcmd.c src/evalcmd.h
passrole_auditd_LDADD = $(PRA_LIBS) $(DEPS_LIBS)

# pra-eval: the --eval command alone, as CONTRACT-EVAL.md's request-file
# runner (tests and the differential tester call it).
check_PROGRAMS += tests/tools/pra-eval
tests_tools_pra_eval_SOURCES = tests/tools/pra-eval.c src/evalcmd.c src/evalcmd.h
tests_tools_pra_eval_LDADD = $(PRA_LIBS) $(DEPS_LIBS)

# The --eval command: request files, batch streaming, the bounds.
check_PROGRAMS += tests/unit/check_evalcmd
tests_unit_check_evalcmd_SOURCES = tests/unit/check_evalcmd.c src/evalcmd.c src/evalcmd.h
tests_unit_check_evalcmd_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_unit_check_evalcmd_LDADD = $(CHECK_LDADD_ALL)
TESTS += tests/unit/check_evalcmd

# The same program with the save hooks of fileio.c (PRA_TEST_HOOKS), which
# daemon-kill9.sh uses to see where its kills land; never installed.
check_PROGRAMS += tests/tools/passrole-auditd-hooked
tests_tools_passrole_auditd_hooked_SOURCES = $(passrole_auditd_SOURCES) src/util/fileio.c
tests_tools_passrole_auditd_hooked_CPPFLAGS = $(AM_CPPFLAGS) -DPRA_TEST_HOOKS
tests_tools_passrole_auditd_hooked_LDADD = $(passrole_auditd_LDADD)

# The sample config, installed where the program looks for it by default.
# It is never overwritten: an operator's edited copy survives `make install`.
pra_confdir = $(sysconfdir)/passrole-auditd
EXTRA_DIST += etc/passrole-auditd.conf
install-data-local:
	$(MKDIR_P) '$(DESTDIR)$(pra_confdir)'
	@if test -f '$(DESTDIR)$(pra_confdir)/passrole-auditd.conf'; then \
	  echo "keeping existing $(DESTDIR)$(pra_confdir)/passrole-auditd.conf"; \
	else \
	  $(INSTALL_DATA) '$(srcdir)/etc/passrole-auditd.conf' \
	    '$(DESTDIR)$(pra_confdir)/passrole-auditd.conf'; \
	fi
uninstall-local:
	rm -f '$(DESTDIR)$(pra_confdir)/passrole-auditd.conf'

dist_man_MANS += man/passrole-auditd.8 man/passrole-auditd.conf.5

# The program's evaluation modes, end to end.
TESTS += tests/integration/eval-cli.sh
EXTRA_DIST += tests/integration/eval-cli.sh

# --whoami against the emulator: config, environment and profile credentials.
TESTS += tests/integration/whoami.sh
EXTRA_DIST += tests/integration/whoami.sh
