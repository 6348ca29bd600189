#!/bin/sh
# test-plugin-delivery.sh -- the module's tasks are delivered until they
# land: real Apache + the module + Radicale, the module's own requests
# through tests/sweep/faultproxy.py, which delivery.py kills for 10 s in
# the middle of a load of 200 saves (TAP).
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
here="$srcdir/tests/integration"
. "$here/lib.sh"

cst_require
cst_init plugin-delivery

proxy_port=$(cst_free_port)
cst_start_radicale
CST_BACKEND_URL=$RADICALE_URL cst_start_apache "
<Location /alice/>
    CalStewardBackend http://127.0.0.1:$proxy_port
</Location>
"
echo "# apache $APACHE_URL ($CST_MPM), radicale $RADICALE_URL, proxy $proxy_port"

timeout 400 "$PYTHON3" "$here/delivery.py" --apache "$APACHE_URL" \
    --radicale "$RADICALE_URL" --proxy-port "$proxy_port" \
    --proxy-log "$CST_TMP/faultproxy.log" \
    --faultproxy "$srcdir/tests/sweep/faultproxy.py"
rc=$?
if [ $rc -ne 0 ]; then
    echo "# error log (last 30 lines):"
    tail -n 30 "$APACHE_LOG" | sed 's/^/#   /'
    cst_sanitizer_reports
fi
[ $rc -eq 124 ] && echo "Bail out! delivery.py timed out"
exit $rc
