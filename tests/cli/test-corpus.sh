#!/bin/sh
# test-corpus.sh -- `calsteward check --format json` over every .ics file of
# the real-world corpus ($CORPUS, see its README.md and SOURCES.tsv) (TAP).
#
# One TAP line per file, asserting:
#   - no crash, no timeout, no sanitizer report: exit status 0, 1 or 2;
#   - exit 0/1: stdout is one JSON object with a top-level "findings" array
#     whose entries have exactly the contract's keys (spec section 5:
#     file, uid, recurrence_id, rule, severity, message, due, item) with
#     the right types, and the exit status agrees with the severities
#     (1 when one finding is a warning or an error, else 0);
#   - exit 2: stderr is exactly one line naming the file.
# At the end, comments list how many files exited 2 and why (the first line
# of stderr), so that a human sees what is rejected.
#
# Environment (from the Makefile): CALSTEWARD, CORPUS.

NOW=2023-06-20T02:00:00Z
LIMIT=60  # seconds per file

if [ -z "${CALSTEWARD:-}" ] || [ ! -x "$CALSTEWARD" ]; then
    echo "1..0 # SKIP CALSTEWARD is not set to the built binary"
    exit 0
fi
if [ -z "${CORPUS:-}" ] || [ ! -d "$CORPUS" ]; then
    echo "1..0 # SKIP corpus not found (CORPUS='${CORPUS:-}')"
    exit 0
fi
for tool in python3 timeout; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "1..0 # SKIP $tool not found"
        exit 0
    fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cst-corpus.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' HUP INT TERM

# The real interpreter: python3 may be a slow wrapper (pyenv's shims).
PYTHON=$(python3 -c 'import sys; print(sys.executable)') || PYTHON=python3

find "$CORPUS" -type f -name '*.ics' | LC_ALL=C sort >"$tmp/files"
total=$(wc -l <"$tmp/files")
if [ "$total" -eq 0 ]; then
    echo "1..0 # SKIP no .ics file under $CORPUS"
    exit 0
fi
echo "1..$total"

# Run the check over every file: $tmp/N.out, N.err, and a line
# "N<TAB>exit<TAB>file" in $tmp/runs.  The checks are made afterwards by
# one python3 process (starting one per file is slow).
n=0
: >"$tmp/runs"
while IFS= read -r file; do
    n=$((n + 1))
    timeout "$LIMIT" "$CALSTEWARD" check --format json --now "$NOW" \
        "$file" </dev/null >"$tmp/$n.out" 2>"$tmp/$n.err"
    printf '%s\t%s\t%s\n' "$n" "$?" "$file" >>"$tmp/runs"
done <"$tmp/files"

"$PYTHON" - "$tmp" "$CORPUS" "$LIMIT" <<'PYEOF'
import json, os, re, sys

tmp, corpus, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
KEYS = {"file", "uid", "recurrence_id", "rule", "severity", "message",
        "due", "item"}
RULES = {"agenda-missing", "agenda-lead-time", "materials-missing",
         "materials-lead-time", "participant-limit", "goal-missing",
         "goal-vague", "agenda-item-incomplete", "agenda-owner-unknown",
         "agenda-overrun", "minutes-overdue", "minutes-late",
         "action-item-incomplete", "action-owner-unknown",
         "next-meeting-missing", "action-item-overdue"}
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?(Z|[+-]\d\d:\d\d)$")
SANITIZER = re.compile(r"Sanitizer|runtime error:|==\d+==ERROR")

def check_json(path, rc, out):
    """Why out breaks the contract of spec section 5, or ""."""
    try:
        doc = json.loads(out.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        return "stdout is not JSON: %s" % e
    if not isinstance(doc, dict) or not isinstance(doc.get("findings"),
                                                   list):
        return 'no top-level "findings" array'
    if set(doc) != {"findings"}:
        return "unexpected top-level keys %s" % sorted(set(doc) - {"findings"})
    worst = 0
    for i, x in enumerate(doc["findings"]):
        where = "finding %d" % i
        if not isinstance(x, dict):
            return where + " is no object"
        if set(x) != KEYS:
            return "%s: keys %s, want %s" % (where, sorted(x), sorted(KEYS))
        if x["file"] != path:
            return "%s: file %r" % (where, x["file"])
        if not isinstance(x["uid"], str):
            return "%s: uid %r" % (where, x["uid"])
        if x["recurrence_id"] is not None and not (
                isinstance(x["recurrence_id"], str) and x["recurrence_id"]):
            return "%s: recurrence_id %r" % (where, x["recurrence_id"])
        if x["rule"] not in RULES:
            return "%s: unknown rule %r" % (where, x["rule"])
        if x["severity"] not in ("info", "warning", "error"):
            return "%s: severity %r" % (where, x["severity"])
        if not isinstance(x["message"], str) or not x["message"].strip():
            return "%s: empty message" % where
        if x["due"] is not None and not (isinstance(x["due"], str)
                                         and ISO.match(x["due"])):
            return "%s: due %r" % (where, x["due"])
        if x["item"] is not None and not (
                isinstance(x["item"], int) and not isinstance(x["item"], bool)
                and x["item"] >= 1):
            return "%s: item %r" % (where, x["item"])
        worst = max(worst, x["severity"] != "info")
    if rc != worst:
        return "exit %d, but the findings say %d" % (rc, worst)
    return ""

counts = {0: 0, 1: 0, 2: 0}
total = 0
rejected = []
failed = 0
with open(os.path.join(tmp, "runs"), encoding="utf-8") as runs:
    for line in runs:
        n, rc, path = line.rstrip("\n").split("\t", 2)
        total += 1
        rc = int(rc)
        rel = os.path.relpath(path, corpus)
        with open(os.path.join(tmp, n + ".out"), "rb") as f:
            out = f.read()
        with open(os.path.join(tmp, n + ".err"), "rb") as f:
            err = f.read().decode("utf-8", "replace")
        err_lines = err.splitlines()
        why = ""
        if rc == 124:
            why = "timed out after %ds" % limit
        elif rc >= 128:
            why = "crashed: exit %d (signal %d)" % (rc, rc - 128)
        elif SANITIZER.search(err):
            why = "sanitizer report on stderr (exit %d)" % rc
        elif rc == 2:
            first = err_lines[0] if err_lines else ""
            rejected.append((rel, first))
            if len(err_lines) != 1:
                why = "exit 2, stderr has %d lines, expected one" % len(
                    err_lines)
            elif path not in first:
                why = "exit 2, stderr does not name the file"
        elif rc in (0, 1):
            why = check_json(path, rc, out)
            if not why and err:
                why = "exit %d with output on stderr" % rc
        else:
            why = "exit %d (expected 0, 1 or 2)" % rc
        if rc in counts and not why:
            counts[rc] += 1
        if why:
            failed += 1
            print("not ok %s - %s: %s" % (n, rel, why))
            for l in err_lines[:8]:
                print("#   stderr: " + l)
        else:
            print("ok %s - %s (exit %d)" % (n, rel, rc))

print("# summary: %d files: %d exit 0, %d exit 1, %d exit 2 (rejected), "
      "%d failed" % (total, counts[0], counts[1], len(rejected), failed))
if rejected:
    print("# rejected files (exit 2) and the first line of stderr:")
    for rel, first in rejected:
        print("#   %s\t%s" % (rel, first))
    print("# rejected, by reason:")
    reasons = {}
    for rel, first in rejected:
        # the message after "calsteward: FILE[:LINE]: ", numbers as N
        m = first.split(rel, 1)[-1]
        m = re.sub(r"^(:\d+)?: ", "", m)
        m = re.sub(r"\b\d{2,}\b", "N", m)
        reasons[m] = reasons.get(m, 0) + 1
    for m, c in sorted(reasons.items(), key=lambda x: (-x[1], x[0])):
        print("#   %4d  %s" % (c, m))
sys.exit(1 if failed else 0)
PYEOF
