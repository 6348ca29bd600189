#!/bin/sh
# test-sweep-radicale.sh -- tests/sweep/test-sweep.sh against radicale.
exec sh "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/sweep/test-sweep.sh" radicale
