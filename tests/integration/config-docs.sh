#!/bin/sh
# The settings table is the truth; this checks that the documentation says
# the same: every setting (with its range, enum values and default) is in
# passrole-auditd.conf(5) and in the sample config, the sample is valid as
# shipped and with every example uncommented, and every man page lints clean.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
BIN="$top_builddir/passrole-auditd"
MAN5="$top_srcdir/man/passrole-auditd.conf.5"
MAN8="$top_srcdir/man/passrole-auditd.8"
SAMPLE="$top_srcdir/etc/passrole-auditd.conf"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pra-docs.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0
passes=0
ok() { passes=$((passes + 1)); }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

"$BIN" --dump-schema >"$tmp/schema" || { echo "FAIL: --dump-schema"; exit 1; }
[ "$(wc -l <"$tmp/schema")" -ge 20 ] || fail "--dump-schema printed too little"

# The man page's text for one setting: from its ".TP/.B path" tag to the next
# tag or section, with roff escapes and macros removed.
man_block() {
	awk -v tag=".B $1" '
		prev == ".TP" && $0 == tag { on = 1; next }
		{ prev = $0 }
		on && /^\.(TP|SS|SH)/ { exit }
		on { print }
	' "$MAN5" | sed -e 's/\\-/-/g' -e 's/^\.[A-Z]* *//' -e 's/"//g' | tr '\n' ' '
}
# The sample's comment header for one setting: the lines after "# path:".
sample_block() {
	awk -v tag="# $1:" '
		{ line = $0; sub(/^[ \t]*/, "", line) }
		index(line, tag) == 1 { on = 1 }
		on && !/^[ \t]*#/ { exit }
		on && /^[ \t]*#[a-z]/ { exit }
		on { print }
	' "$SAMPLE" | sed 's/^[ \t]*//' | tr '\n' ' '
}

# Tabs are white space to read, which would merge the empty fields; a unit
# separator is not.
us=$(printf '\037')
tr '\t' "$us" <"$tmp/schema" >"$tmp/schema.us"
while IFS=$us read -r path type range def flags doc; do
	if [ "$type" = group ]; then
		grep -qxF ".SS $path" "$MAN5" || fail "conf.5 has no section for group $path"
		continue
	fi
	m=$(man_block "$path")
	s=$(sample_block "$path")
	[ -n "$m" ] || { fail "conf.5 does not document $path"; continue; }
	[ -n "$s" ] || { fail "the sample config does not document $path"; continue; }
	ok
	leaf=${path##*.}
	# The sample shows the setting itself, commented out, under its header;
	# a list of groups opens its example there.
	if [ "$type" = "list of groups" ]; then
		grep -qE "^[[:space:]]*#$leaf = \($" "$SAMPLE" || fail "sample has no '#$leaf = (' line"
	else
		grep -qE "^[[:space:]]*#$leaf = .*;\$" "$SAMPLE" || fail "sample has no '#$leaf = ...;' line"
	fi
	case $flags in *required*)
		echo "$m" | grep -qF "Required" || fail "conf.5 $path: not marked required"
		echo "$s" | grep -qF "required" || fail "sample $path: not marked required"
		continue ;;
	esac
	case $type in
	"list of strings")
		echo "$m" | grep -qF "List of strings" || fail "conf.5 $path: type missing"
		echo "$s" | grep -qF "list of strings" || fail "sample $path: type missing"
		;;
	"list of groups")
		lo=${range%..*}; hi=${range#*..}
		echo "$m" | grep -qF "List of $lo to $hi groups" || fail "conf.5 $path: 'List of $lo to $hi groups' missing"
		echo "$s" | grep -qF "list of groups, $range;" || fail "sample $path: 'list of groups, $range;' missing"
		;;
	int)
		lo=${range%..*}; hi=${range#*..}
		echo "$m" | grep -qF "$lo to $hi" || fail "conf.5 $path: range $lo to $hi missing"
		echo "$s" | grep -qF "int $range" || fail "sample $path: 'int $range' missing"
		echo "$m" | grep -qE "Default: $def( |\.)" || fail "conf.5 $path: default $def missing"
		echo "$s" | grep -qF "default $def." || fail "sample $path: default $def missing"
		;;
	enum)
		for v in $(echo "$range" | tr -d ','); do
			echo "$m" | grep -qF "$v" || fail "conf.5 $path: value $v missing"
		done
		echo "$s" | grep -qF "enum $(echo "$range" | sed 's/, /|/g');" ||
			fail "sample $path: 'enum $(echo "$range" | sed 's/, /|/g')' missing"
		echo "$m" | grep -qE "Default: $def( |\.)" || fail "conf.5 $path: default $def missing"
		echo "$s" | grep -qF "default \"$def\"" || fail "sample $path: default \"$def\" missing"
		;;
	bool)
		echo "$m" | grep -qE "Default: $def( |\.)" || fail "conf.5 $path: default $def missing"
		echo "$s" | grep -qF "bool; default $def." || fail "sample $path: default $def missing"
		;;
	string)
		# Path defaults depend on the build's prefix; the others are literal.
		case $def in
		"") echo "$s" | grep -qF "default: not set" || fail "sample $path: 'default: not set' missing"
		    echo "$m" | grep -qF "Default: not set" || fail "conf.5 $path: 'Default: not set' missing" ;;
		/*) ;;
		*) echo "$s" | grep -qF "default \"$def\"" || fail "sample $path: default \"$def\" missing"
		   echo "$m" | grep -qE "Default: $def( |\.)" || fail "conf.5 $path: default $def missing" ;;
		esac
		;;
	esac
	case $flags in *secret*)
		echo "$m" | grep -qiF "secret" || fail "conf.5 $path: not marked secret"
		echo "$s" | grep -qF "secret;" || fail "sample $path: not marked secret"
	esac
done <"$tmp/schema.us"

# Nothing documented that the program does not know.
grep -E '^\.B [a-z_]+(\.(\[\]|[a-z_]+))*$' "$MAN5" | sed 's/^\.B //' | while read -r p; do
	case $p in *.*|log_level|state_dir) ;; *) continue ;; esac
	cut -f1 "$tmp/schema" | grep -qxF "$p" || echo "$p"
done >"$tmp/extra"
if [ -s "$tmp/extra" ]; then fail "conf.5 documents unknown settings: $(cat "$tmp/extra")"; else ok; fi
grep -oE '^[[:space:]]*# [][a-z_.]+: (int|bool|enum|string|list)' "$SAMPLE" | sed 's/^[[:space:]]*# //; s/:.*$//' | while read -r p; do
	cut -f1 "$tmp/schema" | grep -qxF "$p" || echo "$p"
done >"$tmp/extra"
if [ -s "$tmp/extra" ]; then fail "sample documents unknown settings: $(cat "$tmp/extra")"; else ok; fi

# The sample is valid as shipped, and with every example line uncommented
# (except those that name files this machine may not have; those _file
# forms would also clash with the settings they stand for), the braces of
# the lists of groups included.
if "$BIN" --check-config -c "$SAMPLE" >"$tmp/out" 2>"$tmp/err"; then ok; else
	fail "sample config rejected:"; cat "$tmp/err"; fi
sed -E -e '/(key|id|secret|value|accepted)_file = |ca_bundle/!s/^([[:space:]]*)#([a-z0-9_]+ = )/\1\2/' \
	-e 's/^([[:space:]]*)#([(){}][,;)]*)$/\1\2/' \
	"$SAMPLE" >"$tmp/all.conf"
chmod 600 "$tmp/all.conf"
[ "$(grep -cE '^[[:space:]]*[a-z0-9_]+ = [^{]' "$tmp/all.conf")" -ge 20 ] ||
	fail "uncommenting the sample enabled too few settings"
if "$BIN" --check-config -c "$tmp/all.conf" >"$tmp/out" 2>"$tmp/err"; then ok; else
	fail "sample with examples uncommented rejected:"; cat "$tmp/err"; fi
# ... and that enabled the example webhook with its header.
if awk -f "$top_srcdir/tests/tools/conf-flatten.awk" "$tmp/out" |
    grep -qxF 'alerts.webhooks[0].headers[0].name = "Authorization";'; then ok; else
	fail "uncommenting the sample did not enable the example webhook"; fi

# The man pages, all of them, lint clean with both formatters.
for page in "$top_srcdir"/man/*.[0-9]; do
	if out=$(mandoc -T lint -W warning "$page" 2>&1) && [ -z "$out" ]; then ok; else
		fail "mandoc lint $page:"; echo "$out"; fi
	if out=$(groff -man -ww -z "$page" 2>&1) && [ -z "$out" ]; then ok; else
		fail "groff $page:"; echo "$out"; fi
done
# The option list of the program and of its man page agree.
"$BIN" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u >"$tmp/help-opts"
sed 's/\\-/-/g' "$MAN8" | grep -oE -- '--[a-z][a-z-]+' | sort -u >"$tmp/man-opts"
missing=$(comm -23 "$tmp/help-opts" "$tmp/man-opts" | tr '\n' ' ')
if [ -z "$missing" ]; then ok; else fail "passrole-auditd.8 lacks options: $missing"; fi

# passrole-auditd.8 has the sections the issue asks for, the daemon's
# signals and every exit code of cli.h.
for want in '.SH SIGNALS' '.SH EXIT STATUS' '.SH FILES' '.SH EXAMPLES' \
	'.SH IAM PERMISSIONS' '.SH THE DAEMON' '.B SIGHUP' '.B SIGUSR1' \
	'.BR SIGTERM ", " SIGINT' '.B 0' '.B 1' '.B 2' '.B 3' '.B 64' \
	'.B NOTIFY_SOCKET'; do
	if grep -qxF "$want" "$MAN8"; then ok; else fail "passrole-auditd.8 lacks '$want'"; fi
done

# passrole-auditd-deploy(7) covers what a deployment needs, and its journal
# commands name the ident and facility the syslog sink uses by default.
DEPLOY="$top_srcdir/man/passrole-auditd-deploy.7"
for want in '.SH THE AUDITOR' '.SH MEMBER ROLES' '.SH CREDENTIALS' '.SS On EC2' \
	'.SS On premises: IAM Roles Anywhere' '.SH THE SERVICE' '.SH ALERTS IN THE JOURNAL' \
	'.SH PROXIES' '.SH UPGRADING'; do
	if grep -qxF "$want" "$DEPLOY"; then ok; else fail "passrole-auditd-deploy.7 lacks '$want'"; fi
done
for want in 'cloudformation/member\-role.json' 'SERVICE_MANAGED' 'aws_signing_helper' \
	'LoadCredential=' 'ProtectHome=yes' 'https_proxy' 'REPLACE_WITH_AUDITOR_PRINCIPAL_ARN'; do
	if grep -qF -- "$want" "$DEPLOY"; then ok; else fail "passrole-auditd-deploy.7 does not mention $want"; fi
done
ident=$(awk -F'\t' '$1 == "alerts.syslog.ident" { print $4 }' "$tmp/schema" | tr -d '"')
facility=$(awk -F'\t' '$1 == "alerts.syslog.facility" { print $4 }' "$tmp/schema" | tr -d '"')
if [ -n "$ident" ] && sed 's/\\-/-/g' "$DEPLOY" |
	grep -q "^journalctl -t $ident --facility=$facility "; then ok; else
	fail "passrole-auditd-deploy.7: no 'journalctl -t $ident --facility=$facility' line"; fi

echo "config-docs: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
