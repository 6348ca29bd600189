#!/bin/sh
# test-roundtrip.sh -- `calsteward process` over every .ics file of the
# real-world corpus ($CORPUS) and of examples/: what calsteward stores
# differs from what the client sent only where calsteward owns the text
# (spec section 4) (TAP).
#
# One TAP line per file, asserting:
#   - exit status 0, or 2 only when `check` rejects the file too (exit 2);
#   - tests/cli/roundtrip-check.py: a file without a meeting is printed
#     byte-identical; otherwise every content line but the stamps, our
#     STRUCTURED-DATA and DESCRIPTION keeps its raw bytes, DESCRIPTION
#     keeps the organizer's text (and folding), stamps are never moved,
#     the agenda XML is valid against doc/agenda.rng (with xmllint);
#   - idempotence: `process` over its own output prints it unchanged, also
#     an hour later;
#   - `process` over the input with its own output as --previous prints
#     the same (the stamps carried over are the ones it set).
# At the end, comments count the meetings and what changed where.
#
# Environment (from the Makefile): CALSTEWARD, CORPUS, top_srcdir.

NOW=2023-06-20T02:00:00Z
LATER=2023-06-20T03:00:00Z
LIMIT=60  # seconds per run

if [ -z "${CALSTEWARD:-}" ] || [ ! -x "$CALSTEWARD" ]; then
    echo "1..0 # SKIP CALSTEWARD is not set to the built binary"
    exit 0
fi
if [ -z "${CORPUS:-}" ] || [ ! -d "$CORPUS" ]; then
    echo "1..0 # SKIP corpus not found (CORPUS='${CORPUS:-}')"
    exit 0
fi
for tool in python3 timeout cmp; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "1..0 # SKIP $tool not found"
        exit 0
    fi
done
srcdir=${top_srcdir:-$(dirname "$0")/../..}
checker="$srcdir/tests/cli/roundtrip-check.py"
rng="$srcdir/doc/agenda.rng"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cst-roundtrip.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' HUP INT TERM

# the corpus, and our own examples (meetings with agendas)
{
    find "$CORPUS" -type f -name '*.ics' | LC_ALL=C sort
    find "$srcdir/examples" -type f -name '*.ics' 2>/dev/null | LC_ALL=C sort
} >"$tmp/files"
total=$(wc -l <"$tmp/files")
if [ "$total" -eq 0 ]; then
    echo "1..0 # SKIP no .ics file under $CORPUS"
    exit 0
fi
echo "1..$total"

n=0
: >"$tmp/stats"
while IFS= read -r f; do
    n=$((n + 1))
    name=${f#"$CORPUS"/}
    name=${name#"$srcdir"/}
    problem=
    timeout "$LIMIT" "$CALSTEWARD" process --now "$NOW" "$f" \
        >"$tmp/out1" 2>"$tmp/err1"
    rc=$?
    if [ "$rc" -eq 2 ]; then
        timeout "$LIMIT" "$CALSTEWARD" check --now "$NOW" "$f" \
            >/dev/null 2>&1
        crc=$?
        if [ "$crc" -ne 2 ]; then
            problem="process exit 2 but check exit $crc: $(head -n 1 "$tmp/err1")"
        else
            echo "rejected" >>"$tmp/stats"
            echo "ok $n - $name # rejected: $(head -n 1 "$tmp/err1")"
            continue
        fi
    elif [ "$rc" -ne 0 ]; then
        problem="process exit $rc: $(head -n 1 "$tmp/err1")"
    fi
    if [ -z "$problem" ]; then
        if ! python3 "$checker" --rng "$rng" "$f" "$tmp/out1" \
            >"$tmp/check" 2>&1; then
            problem=$(head -n 1 "$tmp/check")
        fi
    fi
    # unchanged: the runs over out1 at NOW would be the first run again
    cmp -s "$f" "$tmp/out1"
    same=$?
    if [ -z "$problem" ] && [ "$same" -ne 0 ]; then
        timeout "$LIMIT" "$CALSTEWARD" process --now "$NOW" "$tmp/out1" \
            >"$tmp/out2" 2>"$tmp/err2"
        rc=$?
        if [ "$rc" -ne 0 ]; then
            problem="second run: exit $rc: $(head -n 1 "$tmp/err2")"
        elif ! cmp -s "$tmp/out1" "$tmp/out2"; then
            problem="not idempotent: a second run changes the output"
        fi
    fi
    if [ -z "$problem" ]; then
        timeout "$LIMIT" "$CALSTEWARD" process --now "$LATER" \
            --previous "$tmp/out1" "$tmp/out1" >"$tmp/out3" 2>"$tmp/err3"
        rc=$?
        if [ "$rc" -ne 0 ]; then
            problem="run an hour later: exit $rc: $(head -n 1 "$tmp/err3")"
        elif ! cmp -s "$tmp/out1" "$tmp/out3"; then
            problem="not idempotent: a run an hour later changes the output"
        fi
    fi
    if [ -z "$problem" ] && [ "$same" -ne 0 ]; then
        timeout "$LIMIT" "$CALSTEWARD" process --now "$NOW" \
            --previous "$tmp/out1" "$f" >"$tmp/out4" 2>"$tmp/err4"
        rc=$?
        if [ "$rc" -ne 0 ]; then
            problem="run with --previous: exit $rc: $(head -n 1 "$tmp/err4")"
        elif ! cmp -s "$tmp/out1" "$tmp/out4"; then
            problem="with its own output as --previous, the output differs"
        fi
    fi
    if [ -n "$problem" ]; then
        echo "not ok $n - $name"
        echo "# $problem"
    else
        cat "$tmp/check" >>"$tmp/stats"
        echo "ok $n - $name"
    fi
done <"$tmp/files"

# what happened where, for a human reading the log
awk '
    /^rejected/ { rej++; next }
    /^meeting=/ {
        for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        files++
        if (v["meeting"]) meet++
        if (v["changed"]) changed++
        if (v["stamps"] > 0) st++
        if (v["sd"] > 0) sd++
        if (v["desc"] > 0) desc++
    }
    END {
        printf "# %d files checked, %d rejected by process and check\n", \
            files, rej
        printf "# %d with a meeting; %d changed: stamps added in %d, " \
            "STRUCTURED-DATA in %d, DESCRIPTION in %d\n", \
            meet, changed, st, sd, desc
    }' "$tmp/stats"
