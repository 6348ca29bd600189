#!/bin/sh
# valgrind-corpus.sh -- `calsteward check` over the real-world corpus and the
# examples under valgrind memcheck (TAP).  Not part of `make check` (slow);
# run by `make check-valgrind`.
#
# One TAP line per file: no memcheck error, no definite or indirect leak
# (valgrind exits 99 then and prints its report on stderr), and the exit
# status is 0, 1 or 2.  Suppressions for libical's own process-wide caches
# are in valgrind.supp next to this script; only libical's.
#
# Environment (from the Makefile): CALSTEWARD, CORPUS, VALGRIND (the path
# configure found, or "no"), top_srcdir.

NOW=2023-06-20T02:00:00Z
LIMIT=300  # seconds per file (valgrind is ~50x slower)

here=$(cd "$(dirname "$0")" && pwd)
VALGRIND=${VALGRIND:-valgrind}

if [ "$VALGRIND" = no ] || ! command -v "$VALGRIND" >/dev/null 2>&1; then
    echo "1..0 # SKIP valgrind not found"
    exit 0
fi
if [ -z "${CALSTEWARD:-}" ] || [ ! -x "$CALSTEWARD" ]; then
    echo "1..0 # SKIP CALSTEWARD is not set to the built binary"
    exit 0
fi
# A sanitizer build cannot run under valgrind.
if grep -aq '__asan_init' "$CALSTEWARD" 2>/dev/null; then
    echo "1..0 # SKIP $CALSTEWARD is built with sanitizers"
    exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cst-valgrind.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' HUP INT TERM

: >"$tmp/files"
if [ -n "${CORPUS:-}" ] && [ -d "$CORPUS" ]; then
    find "$CORPUS" -type f -name '*.ics' | LC_ALL=C sort >"$tmp/files"
fi
if [ -n "${top_srcdir:-}" ] && [ -d "$top_srcdir/examples" ]; then
    find "$top_srcdir/examples" -type f -name '*.ics' | LC_ALL=C sort \
        >>"$tmp/files"
fi
total=$(wc -l <"$tmp/files")
if [ "$total" -eq 0 ]; then
    echo "1..0 # SKIP no corpus (CORPUS='${CORPUS:-}') and no examples"
    exit 0
fi
echo "1..$total"

n=0
failed=0
while IFS= read -r file; do
    n=$((n + 1))
    timeout "$LIMIT" "$VALGRIND" -q --error-exitcode=99 \
        --leak-check=full --errors-for-leak-kinds=definite,indirect \
        --suppressions="$here/valgrind.supp" \
        "$CALSTEWARD" check --format json --now "$NOW" "$file" \
        </dev/null >/dev/null 2>"$tmp/err"
    rc=$?
    why=""
    if [ "$rc" -eq 99 ] || grep -q '^==[0-9]*==' "$tmp/err"; then
        why="valgrind report (exit $rc)"
    elif [ "$rc" -eq 124 ]; then
        why="timed out after ${LIMIT}s"
    elif [ "$rc" -gt 2 ]; then
        why="exit $rc (expected 0, 1 or 2)"
    fi
    if [ -z "$why" ]; then
        echo "ok $n - $file (exit $rc)"
    else
        echo "not ok $n - $file: $why"
        failed=$((failed + 1))
        head -n 60 "$tmp/err" | sed 's/^/#   /'
    fi
done <"$tmp/files"

echo "# $n files, $failed with valgrind errors"
[ "$failed" -eq 0 ]
