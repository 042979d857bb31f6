#!/bin/sh
# Build the libFuzzer targets with clang directly from the sources they need
# (src/policy, src/util, src/log.c), the project's include paths and the
# configured config.h. Usage: build.sh OUTDIR (default tests/fuzz in the build
# tree). Needs clang and libclang-rt-14-dev (scripts/install-deps).
set -eu
: "${top_srcdir:?}" "${top_builddir:?}"
out=${1:-"$top_builddir/tests/fuzz"}
CLANG=${CLANG:-clang}
mkdir -p "$out/obj"
cjson_cflags="$(pkg-config --cflags libcjson) $(pkg-config --cflags libcrypto)"
cjson_libs="$(pkg-config --libs libcjson) $(pkg-config --libs libcrypto)"  # util/secret.c wipes with OPENSSL_cleanse
san="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
common="-std=gnu11 -g -O1 -I$top_srcdir/src -I$top_builddir $cjson_cflags
	-DSYSCONFDIR=\"/etc\" -DLOCALSTATEDIR=\"/var\" -DPKGDATADIR=\"/usr/share/passrole-auditd\""

# The library sources once, shared by both targets. Warnings in them are
# the owning layer's business (their own build uses -Werror with gcc).
objs=""
for f in "$top_srcdir"/src/policy/*.c "$top_srcdir"/src/util/*.c "$top_srcdir/src/log.c"; do
	o="$out/obj/$(echo "${f#"$top_srcdir"/}" | tr / _ | sed 's/\.c$/.o/')"
	if [ ! -f "$o" ] || [ "$f" -nt "$o" ]; then
		# shellcheck disable=SC2086
		$CLANG $common $san -c "$f" -o "$o"
	fi
	objs="$objs $o"
done
# The snapshot reader needs the snapshot model too (src/collect).
for f in "$top_srcdir/src/collect/snapshot.c" "$top_srcdir/src/collect/snapjson.c"; do
	o="$out/obj/$(echo "${f#"$top_srcdir"/}" | tr / _ | sed 's/\.c$/.o/')"
	if [ ! -f "$o" ] || [ "$f" -nt "$o" ]; then
		# shellcheck disable=SC2086
		$CLANG $common $san -c "$f" -o "$o"
	fi
	collect_objs="${collect_objs:-} $o"
done
for t in fuzz_policy fuzz_eval fuzz_snapjson; do
	extra=
	[ "$t" = fuzz_snapjson ] && extra=$collect_objs
	# shellcheck disable=SC2086
	$CLANG $common $san -Wall -Wextra -Werror -c "$top_srcdir/tests/fuzz/$t.c" -o "$out/obj/$t.o"
	# shellcheck disable=SC2086
	$CLANG -fsanitize=fuzzer,address,undefined -o "$out/$t" "$out/obj/$t.o" $extra $objs $cjson_libs -lm
done

# fuzz_gaad: the IAM page parser, with the AWS layer it reads pages through
# (collect_iam.c also holds the fetch loop, through collect_page.c, hence the
# whole layer and curl).
aws_cflags="$(pkg-config --cflags expat libcurl)"
aws_libs="$(pkg-config --libs expat libcurl)"
gaad_objs=""
for f in "$top_srcdir"/src/aws/*.c "$top_srcdir"/src/aws/creds/*.c "$top_srcdir/src/collect/snapshot.c" \
    "$top_srcdir/src/collect/collect_iam.c" "$top_srcdir/src/collect/collect_page.c"; do
	o="$out/obj/$(echo "${f#"$top_srcdir"/}" | tr / _ | sed 's/\.c$/.o/')"
	if [ ! -f "$o" ] || [ "$f" -nt "$o" ]; then
		# shellcheck disable=SC2086
		$CLANG $common $aws_cflags $san -c "$f" -o "$o"
	fi
	gaad_objs="$gaad_objs $o"
done
# shellcheck disable=SC2086
$CLANG $common $san -Wall -Wextra -Werror -c "$top_srcdir/tests/fuzz/fuzz_gaad.c" \
	-o "$out/obj/fuzz_gaad.o"
# shellcheck disable=SC2086
$CLANG -fsanitize=fuzzer,address,undefined -o "$out/fuzz_gaad" "$out/obj/fuzz_gaad.o" \
	$gaad_objs $objs $aws_libs $cjson_libs -lm
