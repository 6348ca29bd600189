#!/bin/sh
# test-richtext.sh -- descriptions as Thunderbird, Google, Outlook and
# Apple store them (tests/data/richtext/), through check, process and
# tasks; the cases are in richtext.py (TAP).
set -u
: "${CALSTEWARD:?}" "${top_srcdir:?}"
exec python3 "$top_srcdir/tests/cli/richtext.py"
