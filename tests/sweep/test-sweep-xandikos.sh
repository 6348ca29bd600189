#!/bin/sh
# test-sweep-xandikos.sh -- tests/sweep/test-sweep.sh against xandikos.
exec sh "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/sweep/test-sweep.sh" xandikos
