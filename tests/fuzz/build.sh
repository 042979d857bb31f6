#!/bin/sh
# Build the libFuzzer targets with clang directly from the project's sources,
# its include paths and the configured config.h. Usage: build.sh OUTDIR
# (default tests/fuzz in the build tree). Needs clang and libclang-rt-14-dev
# (scripts/install-deps).
#
# Every source of the program but main.c is compiled once, with the fuzzer's
# coverage and ASan/UBSan, into one archive; each target links against it and
# the linker takes only the objects the target reaches. A target is
# tests/fuzz/fuzz_NAME.c; its name goes in tests/fuzz/targets.
set -eu
: "${top_srcdir:?}" "${top_builddir:?}"
out=${1:-"$top_builddir/tests/fuzz"}
CLANG=${CLANG:-clang}
FUZZ_TARGETS=${FUZZ_TARGETS:-$(cat "$top_srcdir/tests/fuzz/targets")}
mkdir -p "$out/obj"
pkgs="libcjson libcrypto libcurl expat libconfig"
# shellcheck disable=SC2086
dep_cflags=$(pkg-config --cflags $pkgs)
# shellcheck disable=SC2086
dep_libs=$(pkg-config --libs $pkgs)
san="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
common="-std=gnu11 -g -O1 -I$top_srcdir/src -I$top_builddir $dep_cflags
	-DSYSCONFDIR=\"/etc\" -DLOCALSTATEDIR=\"/var\" -DPKGDATADIR=\"/usr/share/passrole-auditd\""

# The library sources. Warnings in them are the owning layer's business
# (their own build uses -Werror with gcc). A header newer than the last
# build recompiles everything (objects do not track their headers); two
# compilers at a time.
stamp="$out/obj/stamp"
if [ ! -f "$stamp" ] || [ "$top_builddir/config.h" -nt "$stamp" ] ||
    [ -n "$(find "$top_srcdir/src" -name '*.h' -newer "$stamp" | head -1)" ]; then
	rm -f "$out"/obj/src_*.o
fi
objs=""
todo=""
for f in $(cd "$top_srcdir" && find src -name '*.c' ! -name main.c | LC_ALL=C sort); do
	o="$out/obj/$(echo "$f" | tr / _ | sed 's/\.c$/.o/')"
	if [ ! -f "$o" ] || [ "$top_srcdir/$f" -nt "$o" ]; then
		todo="$todo $f"
	fi
	objs="$objs $o"
done
export CLANG common san top_srcdir out
# shellcheck disable=SC2016,SC2086
printf '%s\n' $todo | xargs -r -P 2 -I{} sh -c \
	'$CLANG $common $san -c "$top_srcdir/$1" -o "$out/obj/$(echo "$1" | tr / _ | sed "s/\.c\$/.o/")"' \
	sh {}
touch "$stamp"
rm -f "$out/obj/libfuzzsrc.a"
# shellcheck disable=SC2086
ar rcs "$out/obj/libfuzzsrc.a" $objs

for t in $FUZZ_TARGETS; do
	# shellcheck disable=SC2086
	$CLANG $common $san -Wall -Wextra -Werror -c "$top_srcdir/tests/fuzz/fuzz_$t.c" \
		-o "$out/obj/fuzz_$t.o"
	# shellcheck disable=SC2086
	$CLANG -fsanitize=fuzzer,address,undefined -o "$out/fuzz_$t" "$out/obj/fuzz_$t.o" \
		"$out/obj/libfuzzsrc.a" $dep_libs -lm
done
