#!/bin/sh
# test-thunderbird.sh -- Debian's real Thunderbird as the CalDAV client of
# Apache + mod_calsteward + Radicale, all on loopback (TAP).
#
# Thunderbird runs headless (-headless: no X server, no Xvfb) with a fresh
# profile in the test's temp dir and -marionette; thunderbird.py drives it
# through the calendar API in chrome context (see doc/interop.md,
# "Thunderbird", for the prefs and what works on this version).
# The Tasks screenshot is kept as
# $top_builddir/tests/integration/artefacts/thunderbird-tasks.png.
# Skipped when thunderbird is not installed or does not answer on
# Marionette.  THUNDERBIRD=/path/to/thunderbird picks another one.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
here="$srcdir/tests/integration"
. "$here/lib.sh"

cst_require
THUNDERBIRD=${THUNDERBIRD:-$(command -v thunderbird 2>/dev/null)}
if [ -z "$THUNDERBIRD" ] || [ ! -x "$THUNDERBIRD" ]; then
    cst_skip "thunderbird is not installed (apt-get install thunderbird)"
fi
cst_init thunderbird

CST_TB_PID=""
# shellcheck disable=SC2317 # called by the EXIT trap
cst_tb_stop() {
    # Thunderbird and everything it started (content processes, glxtest)
    # are in its own process group
    cst_kill "$CST_TB_PID" 15 1
    CST_TB_PID=""
    cst_stop_all
}
trap cst_tb_stop EXIT

cst_start_radicale
cst_start_apache
echo "# apache $APACHE_URL ($CST_MPM), radicale $RADICALE_URL"

# -- the profile: no first-run dialogs, Marionette on a free port, the two
# CalDAV calendars registered but disabled until the login is stored
mport=$(cst_free_port)
profile="$CST_TMP/tb-profile"
mkdir -p "$profile" "$CST_TMP/home"
cal_prefs() {   # ID URI NAME
    cat <<PREFS
user_pref("calendar.registry.$1.type", "caldav");
user_pref("calendar.registry.$1.uri", "$2");
user_pref("calendar.registry.$1.name", "$3");
user_pref("calendar.registry.$1.username", "alice");
user_pref("calendar.registry.$1.cache.enabled", false);
user_pref("calendar.registry.$1.disabled", true);
user_pref("calendar.registry.$1.calendar-main-in-composite", true);
user_pref("calendar.registry.$1.refreshInterval", "0");
user_pref("calendar.registry.$1.imip.identity.disabled", true);
PREFS
}
{
    cat <<PREFS
user_pref("marionette.port", $mport);
user_pref("browser.shell.checkDefaultBrowser", false);
user_pref("mail.shell.checkDefaultClient", false);
user_pref("mail.provider.enabled", false);
user_pref("mail.provider.suppress_dialog_on_startup", true);
user_pref("mail.spotlight.firstRunDone", true);
user_pref("mail.winsearch.firstRunDone", true);
user_pref("mailnews.start_page.enabled", false);
user_pref("mail.rights.version", 1);
user_pref("app.update.disabled", true);
user_pref("app.update.auto", false);
user_pref("extensions.update.enabled", false);
user_pref("datareporting.policy.dataSubmissionEnabled", false);
user_pref("datareporting.healthreport.uploadEnabled", false);
user_pref("toolkit.telemetry.enabled", false);
user_pref("toolkit.telemetry.unified", false);
user_pref("toolkit.telemetry.server", "");
user_pref("network.captive-portal-service.enabled", false);
user_pref("network.connectivity-service.enabled", false);
user_pref("services.settings.server", "http://127.0.0.1:9/");
user_pref("calendar.timezone.useSystemTimezone", false);
user_pref("calendar.timezone.local", "Asia/Shanghai");
user_pref("calendar.view.useSystemLocale", false);
PREFS
    cal_prefs cst-cal "$APACHE_URL/alice/cal/" "Alice"
    cal_prefs cst-tasks "$APACHE_URL/alice/tasks/" "Action items"
} >"$profile/user.js"

# in a process group of its own (killed as a whole on exit); HOME in the
# temp dir: nothing of this run lands in the real home
HOME="$CST_TMP/home" XDG_CACHE_HOME="$CST_TMP/home/.cache" \
    MOZ_CRASHREPORTER_DISABLE=1 LC_ALL=C.UTF-8 \
    "$PYTHON3" -c 'import os, sys; os.setpgrp(); os.execv(sys.argv[1], sys.argv[1:])' \
    "$THUNDERBIRD" -headless -marionette -remote-allow-system-access \
    -no-remote -profile "$profile" >"$CST_TMP/thunderbird.log" 2>&1 &
CST_TB_PID=$!

CALSTEWARD=${CALSTEWARD:-${top_builddir:-.}/cli/calsteward}
artefact="${top_builddir:-.}/tests/integration/artefacts/thunderbird-tasks.png"
timeout 170 "$PYTHON3" "$here/thunderbird.py" --apache "$APACHE_URL" \
    --radicale "$RADICALE_URL" --marionette-port "$mport" \
    --pid "$CST_TB_PID" --access-log "$CST_TMP/apache/access.log" \
    --artefact "$artefact" --calsteward "$CALSTEWARD" --tmp "$CST_TMP"
rc=$?
if [ $rc -ne 0 ]; then
    echo "# thunderbird log (last 30 lines, GTK noise dropped):"
    grep -v -e Gtk- -e 'GDK_IS_SCREEN' -e 'GTK_IS_ICON' -e '^$' \
        "$CST_TMP/thunderbird.log" | tail -n 30 | sed 's/^/#   /'
    echo "# apache access log (last 30 lines):"
    tail -n 30 "$CST_TMP/apache/access.log" | sed 's/^/#   /'
    echo "# error log (last 20 lines):"
    tail -n 20 "$APACHE_LOG" | sed 's/^/#   /'
    cst_sanitizer_reports
fi
[ $rc -eq 124 ] && echo "Bail out! thunderbird.py timed out"
exit $rc
