#!/bin/sh
# test-report-html.sh -- the HTML page of calsteward report rendered by a
# real headless Chromium: the DOM it builds holds the four SVG charts and
# the headline figures, in English and Chinese, and a phone-sized
# screenshot is made (TAP; skipped without chromium).
set -u
: "${CALSTEWARD:?}" "${top_srcdir:?}"
CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$CHROMIUM" ]; then
    echo "1..0 # SKIP chromium is not installed (apt-get install chromium)"
    exit 0
fi
CHROMIUM=$CHROMIUM exec python3 "$top_srcdir/tests/cli/report-html.py"
