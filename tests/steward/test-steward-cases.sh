#!/bin/sh
# test-steward-cases.sh -- the engine's conditional update (steward/
# update.c) against canned replies (TAP): tests/steward/steward-driver
# runs one update per tests/steward/data/caseNNN, served by the CalDAV
# client's replay server (tests/caldav/replay.py); every request it sends
# is compared with the case -- 412 -> read again -> retry, the retry
# bound, 404 -> create with If-None-Match: *, and never a PUT without
# If-Match or If-None-Match.
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${top_builddir:-.}
CASES_DATA="$srcdir/tests/steward/data"
CASES_DRIVER="$builddir/tests/steward/steward-driver"
export CASES_DATA CASES_DRIVER
exec sh "$srcdir/tests/caldav/test-caldav-cases.sh"
