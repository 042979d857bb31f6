# systemd: the service, the one-shot service and its timer (issue 7).
# The units name the Debian layout (/usr/sbin); `make install` writes them
# with this build's sbindir into systemdsystemunitdir, which is
# $(prefix)/lib/systemd/system unless configure was given
# --with-systemdsystemunitdir (no: not installed).
pra_units = systemd/passrole-auditd.service \
	systemd/passrole-auditd-oneshot.service \
	systemd/passrole-auditd-oneshot.timer
EXTRA_DIST += $(pra_units)

if PRA_SYSTEMD_UNITS
install-data-hook: install-pra-units
uninstall-hook: uninstall-pra-units
endif

install-pra-units:
	$(MKDIR_P) '$(DESTDIR)$(systemdsystemunitdir)'
	@for u in $(pra_units); do \
	  n=$$(basename "$$u"); \
	  echo " installing $$n in $(DESTDIR)$(systemdsystemunitdir)"; \
	  $(SED) -e 's|/usr/sbin/passrole-auditd|$(sbindir)/passrole-auditd|g' \
	    '$(srcdir)/'"$$u" >'$(DESTDIR)$(systemdsystemunitdir)/'"$$n.tmp" && \
	  chmod 644 '$(DESTDIR)$(systemdsystemunitdir)/'"$$n.tmp" && \
	  mv '$(DESTDIR)$(systemdsystemunitdir)/'"$$n.tmp" \
	    '$(DESTDIR)$(systemdsystemunitdir)/'"$$n" || exit 1; \
	done
uninstall-pra-units:
	@for u in $(pra_units); do \
	  rm -f '$(DESTDIR)$(systemdsystemunitdir)/'"$$(basename "$$u")"; \
	done
.PHONY: install-pra-units uninstall-pra-units

TESTS += tests/integration/systemd-units.sh
EXTRA_DIST += tests/integration/systemd-units.sh

# Deploying: identities, member roles, credentials, the unit, the journal.
dist_man_MANS += man/passrole-auditd-deploy.7

# make install puts everything under the prefix; the man pages' paths exist.
TESTS += tests/integration/install-layout.sh
EXTRA_DIST += tests/integration/install-layout.sh

# The Debian package (debian/): built from make distdir, inspected, lintian.
EXTRA_DIST += debian/changelog debian/control debian/copyright debian/rules \
	debian/source/format
TESTS += tests/integration/debian-package.sh
EXTRA_DIST += tests/integration/debian-package.sh

# scripts/install-deps: the default set and --test (the test tools).
TESTS += tests/integration/install-deps.sh
EXTRA_DIST += tests/integration/install-deps.sh
