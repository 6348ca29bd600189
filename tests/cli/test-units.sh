#!/bin/sh
# test-units.sh -- the sweep's systemd units (packaging/systemd).  TAP.
#
# The service is made from its .in as `make` makes it, with ExecStart on
# the calsteward of this build (systemd-analyze verify wants a program that
# exists).  Then: `systemd-analyze verify` on service and timer,
# `systemd-analyze security --offline` with an exposure of at most 2.0,
# and the settings calsteward.conf(5) promises, read from the files.
# Skipped when systemd-analyze is missing or cannot run here.
#
# Environment (from the Makefile): CALSTEWARD, top_srcdir.
set -u
: "${CALSTEWARD:?}" "${top_srcdir:?}"
SRC="$top_srcdir/packaging/systemd"

if ! command -v systemd-analyze >/dev/null 2>&1; then
    echo "1..0 # SKIP systemd-analyze not installed"
    exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cst-units.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' HUP INT TERM
n=0
failed=0

ok() { # ok STATUS NAME -- STATUS 0 passes
    n=$((n + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $n - $2"
    else
        echo "not ok $n - $2"
        failed=$((failed + 1))
    fi
}

# has FILE LINE: the unit holds exactly this line
has() {
    grep -qxF -- "$2" "$1"
    ok $? "$(basename "$1"): $2"
}

if ! systemd-analyze --version >/dev/null 2>&1; then
    echo "1..0 # SKIP systemd-analyze cannot run here"
    exit 0
fi

sed -e "s|@bindir@/calsteward|$CALSTEWARD|g" -e "s|@sysconfdir@|/etc|g" \
    "$SRC/calsteward-sweep.service.in" >"$tmp/calsteward-sweep.service"
cp "$SRC/calsteward-sweep.timer" "$tmp/"
# the unit as installed: what the Makefile writes with the defaults
sed -e "s|@bindir@|/usr/bin|g" -e "s|@sysconfdir@|/etc|g" \
    "$SRC/calsteward-sweep.service.in" >"$tmp/installed.service"

ok "$(grep -c '@[a-z]*@' "$tmp/calsteward-sweep.service")" \
    "service: every @var@ replaced"

# --man=no: the man pages are not installed while testing
systemd-analyze verify --man=no "$tmp/calsteward-sweep.service" \
    "$tmp/calsteward-sweep.timer" >"$tmp/verify.out" 2>&1
rc=$?
[ $rc -eq 0 ] && [ ! -s "$tmp/verify.out" ]
ok $? "systemd-analyze verify: service and timer, no complaint"
[ $rc -eq 0 ] || sed 's/^/#   /' "$tmp/verify.out"

# the verifier must be able to fail: a unit with a bad setting
printf '[Service]\nType=oneshot\nExecStart=%s\nProtectSystem=sometimes\n' \
    "$CALSTEWARD" >"$tmp/bad.service"
systemd-analyze verify --man=no "$tmp/bad.service" >"$tmp/bad.out" 2>&1
grep -q 'bad.service:4:' "$tmp/bad.out"
ok $? "systemd-analyze verify: reports a bad setting (the check can fail)"

if systemd-analyze security --offline=yes "$tmp/calsteward-sweep.service" \
    >"$tmp/security.out" 2>&1; then
    systemd-analyze security --offline=yes --threshold=20 \
        "$tmp/calsteward-sweep.service" >/dev/null 2>&1
    ok $? "systemd-analyze security: exposure at most 2.0 ($(sed -n \
        's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' \
        "$tmp/security.out"))"
else
    echo "# systemd-analyze security --offline cannot run here:"
    sed 's/^/#   /' "$tmp/security.out"
fi

S="$tmp/installed.service"
has "$S" "Type=oneshot"
has "$S" "ExecStart=/usr/bin/calsteward sweep --config /etc/calsteward/calsteward.conf"
has "$S" "User=calsteward"
has "$S" "StateDirectory=calsteward"
for line in ProtectSystem=strict ProtectHome=yes PrivateTmp=yes \
    NoNewPrivileges=yes MemoryDenyWriteExecute=yes LockPersonality=yes \
    RestrictNamespaces=yes ProtectKernelTunables=yes \
    ProtectKernelModules=yes ProtectKernelLogs=yes \
    "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX" \
    SystemCallFilter=@system-service CapabilityBoundingSet=; do
    has "$S" "$line"
done
! grep -q '^\[Install\]' "$S"
ok $? "service: no [Install] (the timer starts it)"
T="$tmp/calsteward-sweep.timer"
has "$T" "OnCalendar=hourly"
has "$T" "RandomizedDelaySec=5min"
has "$T" "Persistent=true"
has "$T" "WantedBy=timers.target"
U="$SRC/sysusers.d/calsteward.conf"
grep -q '^u calsteward ' "$U"
ok $? "sysusers.d: creates the user calsteward"
# tmpfiles.d (the Debian package installs it): the user's home, which is
# also the service's StateDirectory=, with the same mode and owner
home=$(awk '$1 == "u" && $2 == "calsteward" { print $NF }' "$U")
F="$SRC/tmpfiles.d/calsteward.conf"
grep -q "^d $home 0700 calsteward calsteward " "$F"
ok $? "tmpfiles.d: makes the home $home, 0700, owned by calsteward"
grep -q '^StateDirectoryMode=0700$' "$SRC/calsteward-sweep.service.in" &&
    [ "$home" = /var/lib/calsteward ]
ok $? "tmpfiles.d: the same folder and mode as StateDirectory="

echo "1..$n"
[ "$failed" -eq 0 ]
