# systemd: the service, the one-shot service and its timer (issue 7).
# The units name the Debian layout (/usr/bin); `make install` writes them
# with this build's bindir into systemdsystemunitdir, which comes from
# pkg-config systemd or --with-systemdsystemunitdir (none: not installed).
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
	  $(SED) -e 's|/usr/bin/passrole-auditd|$(bindir)/passrole-auditd|g' \
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

# distcheck installs into a scratch prefix: the units go there too.
AM_DISTCHECK_CONFIGURE_FLAGS = \
	--with-systemdsystemunitdir='$$(prefix)/lib/systemd/system'

TESTS += tests/integration/systemd-units.sh
EXTRA_DIST += tests/integration/systemd-units.sh
