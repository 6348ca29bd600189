#!/bin/sh
# run-fuzz.sh -- builds the libFuzzer targets tests/fuzz/fuzz-icaltext.c
# (the scanner and the edits), tests/fuzz/fuzz-core.c (the whole core:
# check, process, tasks) and tests/fuzz/fuzz-retro.c (the report's
# figures and its departments file) with clang (ASan + UBSan) and runs each for a
# short while (TAP).
#
# Each run starts from a few seeds of its own, the hostile fixtures of
# tests/data/hostile/ and every file of $CORPUS (when it exists); an input
# that takes more than 10 s fails as a crash does.  A crash, a sanitizer report or a violated invariant
# (the target aborts) fails the test; the input that did it is kept in
# $top_builddir/tests/fuzz/ (crash-*, leak-*, timeout-*) for reproducing:
#     ./fuzz-icaltext crash-...
#
# Environment (from the Makefile): top_srcdir, top_builddir, CORPUS.
# Optional: CLANG (default clang), FUZZ_TIME (seconds, default 20),
# FUZZ_KEEP=dir (keep the built target and the grown corpus there).

CLANG=${CLANG:-clang}
FUZZ_TIME=${FUZZ_TIME:-20}
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${top_builddir:-$srcdir}

if ! command -v "$CLANG" >/dev/null 2>&1; then
    echo "1..0 # SKIP $CLANG not found"
    exit 0
fi
if [ ! -f "$builddir/config.h" ]; then
    echo "1..0 # SKIP no config.h in top_builddir='$builddir'"
    exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cst-fuzz.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' HUP INT TERM

# Is libFuzzer there?  (Debian: libclang-rt-NN-dev.)
cat >"$tmp/probe.c" <<'CEOF'
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    (void)d;
    (void)n;
    return 0;
}
CEOF
if ! "$CLANG" -fsanitize=fuzzer,address,undefined "$tmp/probe.c" \
        -o "$tmp/probe" >"$tmp/probe.log" 2>&1; then
    echo "1..0 # SKIP $CLANG cannot build a libFuzzer target: $(head -n 1 "$tmp/probe.log")"
    exit 0
fi

echo "1..6"

# build NAME SOURCES... LIBS...: the target, or a "not ok" and a SKIP
build() {
    name=$1
    shift
    if "$CLANG" -g -O1 -fsanitize=fuzzer,address,undefined \
            -fno-sanitize-recover=undefined -Wall -Wextra \
            -I"$srcdir" -I"$builddir" "$@" \
            -o "$tmp/$name" >"$tmp/build-$name.log" 2>&1; then
        echo "ok $n - $name builds with $CLANG"
        return 0
    fi
    echo "not ok $n - $name builds with $CLANG"
    sed 's/^/# /' "$tmp/build-$name.log"
    return 1
}

n=1
build fuzz-icaltext "$srcdir/tests/fuzz/fuzz-icaltext.c" \
    "$srcdir/core/icaltext.c" "$srcdir/core/text.c" "$srcdir/core/status.c"
built_icaltext=$?

# Seeds of our own: folds, quoted parameters, UTF-8 across folds, line ends
# of every kind, a BOM, RFC 9073 components, X- properties.
mkdir "$tmp/seeds"
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTART;TZID=Asia/Shanghai:20230620T100000\r\nSUMMARY:\345\221\250\r\n \344\274\232\r\nATTENDEE;CN="A:B;C";ROLE=CHAIR:mailto:a@x\r\nDESCRIPTION:a\\, b\\n\r\n c\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' \
    >"$tmp/seeds/crlf.ics"
printf 'BEGIN:VCALENDAR\nVERSION\n :2.0\nBEGIN:VTODO\nUID:t\nX-FOO;X-P="q;r":v\nEND:VTODO\nEND:VCALENDAR' \
    >"$tmp/seeds/lf.ics"
printf '\357\273\277BEGIN:VCALENDAR\rBEGIN:VEVENT\rUID:u\rSUMMARY:caf\303\r \251\rEND:VEVENT\rEND:VCALENDAR\r' \
    >"$tmp/seeds/cr-bom.ics"
printf 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:m\r\nBEGIN:PARTICIPANT\r\nUID:p\r\nPARTICIPANT-TYPE:SPEAKER\r\nBEGIN:VLOCATION\r\nNAME:R\r\nEND:VLOCATION\r\nEND:PARTICIPANT\r\nX-AFTER:1\n\r\n \r\nSTRUCTURED-DATA;VALUE=TEXT;FMTTYPE=application/xml;SCHEMA="urn:calsteward:agenda:1":<a/>\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' \
    >"$tmp/seeds/rfc9073.ics"
# lone CR line ends next to LF ones, blank lines with continuations
printf 'BEGIN:VCALENDAR\rBEGIN:VEVENT\rX:1\rY:2\n\n Z:3\nW:4\r\n\n U:5\nEND:VEVENT\rEND:VCALENDAR\n' \
    >"$tmp/seeds/cr-lf.ics"
cat >"$tmp/dict" <<'DEOF'
"BEGIN:"
"END:"
"VCALENDAR"
"VEVENT"
"VALARM"
"PARTICIPANT"
"\x0d\x0a"
"\x0d\x0a "
"\x0a\x09"
";CN=\""
"\":"
"\xef\xbb\xbf"
"\xe4\xbc\x9a"
"\xf0\x9f\x8f\xa2"
DEOF

from="own seeds, tests/data/hostile, richtext, tasks"
extra=""
if [ -n "${CORPUS:-}" ] && [ -d "$CORPUS" ]; then
    extra=$CORPUS
    from="$from and $CORPUS"
fi
artifacts="$builddir/tests/fuzz"
mkdir -p "$artifacts"

# run N NAME: -timeout makes an input slower than 10 s a failure, as a
# crash is: the budgets must end every walk
run() {
    n=$1
    name=$2
    mkdir -p "$tmp/grown-$name"
    start=$(date +%s)
    # shellcheck disable=SC2086 # $extra: none or one directory
    "$tmp/$name" -max_total_time="$FUZZ_TIME" -rss_limit_mb=1024 \
        -timeout=10 -max_len=8192 -dict="$tmp/dict" -print_final_stats=1 \
        -artifact_prefix="$artifacts/" "$tmp/grown-$name" "$tmp/seeds" \
        "$srcdir/tests/data/hostile" "$srcdir/tests/data/richtext" \
        "$srcdir/tests/data/tasks" $extra \
        >"$tmp/run-$name.log" 2>&1
    rc=$?
    secs=$(( $(date +%s) - start ))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$tmp/run-$name.log")
    cov=$(grep -o 'cov: [0-9]*' "$tmp/run-$name.log" | tail -n 1)
    if [ "$rc" -eq 0 ]; then
        echo "ok $n - $name ran ${secs}s from $from: ${execs:-?} execs, ${cov:-cov: ?}"
    else
        echo "not ok $n - $name failed (exit $rc) after ${secs}s; the input is in $artifacts/"
        grep -v '^#[0-9]' "$tmp/run-$name.log" | tail -n 40 | sed 's/^/# /'
    fi
}

if [ $built_icaltext -eq 0 ]; then
    run 2 fuzz-icaltext
else
    echo "not ok 2 - fuzz-icaltext runs # SKIP not built"
fi
n=3
# shellcheck disable=SC2046 # one word per file, no spaces in the names
build fuzz-core "$srcdir/tests/fuzz/fuzz-core.c" $(ls "$srcdir"/core/*.c) \
    $(pkg-config --cflags --libs libical libxml-2.0 inih uuid 2>/dev/null \
      || echo -lical -licalss -lxml2 -linih -luuid) -lm
built_core=$?
if [ $built_core -eq 0 ]; then
    run 4 fuzz-core
else
    echo "not ok 4 - fuzz-core runs # SKIP not built"
fi
n=5
# shellcheck disable=SC2046 # one word per file, no spaces in the names
build fuzz-retro "$srcdir/tests/fuzz/fuzz-retro.c" $(ls "$srcdir"/core/*.c) \
    $(pkg-config --cflags --libs libical libxml-2.0 inih uuid 2>/dev/null \
      || echo -lical -licalss -lxml2 -linih -luuid) -lm
built_retro=$?
if [ $built_retro -eq 0 ]; then
    run 6 fuzz-retro
else
    echo "not ok 6 - fuzz-retro runs # SKIP not built"
fi
if [ -n "${FUZZ_KEEP:-}" ]; then
    mkdir -p "$FUZZ_KEEP"
    cp "$tmp/fuzz-icaltext" "$tmp/fuzz-core" "$tmp/fuzz-retro" "$FUZZ_KEEP/" 2>/dev/null
    cp -r "$tmp"/grown-* "$FUZZ_KEEP/"
fi
exit 0
