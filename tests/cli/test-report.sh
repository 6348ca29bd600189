#!/bin/sh
# test-report.sh -- calsteward report over a seeded quarter of meetings
# and action items (tests/cli/report_fixture.py), whose expected figures
# the fixture computes from its own ground truth (TAP).
set -u
: "${CALSTEWARD:?}" "${top_srcdir:?}"
exec python3 "$top_srcdir/tests/cli/test-report.py"
