/*
 * fuzz-core.c -- libFuzzer target for the whole core, as the module and
 * the command line run it.
 *
 * A first byte below 8 picks the run -- whether the server's copy is
 * known (a new meeting), whether the input is also that copy, whether an
 * organizer is named -- and the rest is the object; any other input (a
 * corpus file) is the object as a whole, the run picked by its length.  It goes through cst_check, cst_process and, on the
 * processed body, cst_tasks_build -- the parse, the time-zone and
 * recurrence walks with their budgets, the text, the edits.  Invariants:
 *   - a status is one of the documented ones, and CST_OK leaves a body
 *     or none, never a length without a body;
 *   - a processed body is processed again without a parse error (what
 *     calsteward writes, it reads).
 * run-fuzz.sh runs it with a time limit per input (-timeout), so an input
 * the budgets let run long fails like a crash.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "core/digest.h"
#include "core/followup.h"
#include "core/meeting.h"
#include "core/policy.h"
#include "core/process.h"
#include "core/rules.h"
#include "core/tasks.h"

#define CHECK(cond)                                                        \
    do {                                                                   \
        if (!(cond))                                                       \
            abort();                                                       \
    } while (0)

/* 2026-06-01T00:00:00Z */
#define NOW ((time_t)1780272000)

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

/* The input as a stored task: its facts, a digest built over them and
 * merged over the input, and the input closed as an old digest. */
static void fuzz_digest(const char *data, size_t len)
{
    cst_task_facts f;
    cst_digest_in din;
    cst_digest dg;
    cst_error err = {0, ""};
    char *out = NULL;
    size_t out_len = 0;
    cst_status st;

    st = cst_task_facts_read(data, len, "Asia/Shanghai", &f, &err);
    CHECK(st == CST_OK || st == CST_ERR_PARSE || st == CST_ERR_TOO_LARGE
          || st == CST_ERR_NOMEM);
    if (st != CST_OK)
        return;
    memset(&din, 0, sizeof(din));
    din.period = CST_DIGEST_WEEKLY;
    din.now = NOW;
    din.organizer = f.organizer ? f.organizer : "alice@example.com";
    if (cst_digest_build(&din, &f, 1, &dg, &err) == CST_OK) {
        /* over the input's own UID, so that the merge has work */
        if (f.uid != NULL && strlen(f.uid) < sizeof(dg.task.uid))
            memcpy(dg.task.uid, f.uid, strlen(f.uid) + 1);
        if (cst_task_merge(data, len, &dg.task, NOW, &out, &out_len,
                           &err) == CST_OK)
            free(out);
    }
    cst_digest_fini(&dg);
    out = NULL;
    if (cst_digest_close(data, len, NOW, &out, &out_len, &err) == CST_OK)
        free(out);
    cst_task_facts_fini(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    static int init;
    const char *data = (const char *)d;
    size_t len = n;
    unsigned mode = (unsigned)(n % 8);
    cst_policy pol;
    cst_process_in in;
    cst_process_result res;
    cst_error err = {0, ""};
    char *out = NULL, *again = NULL;
    size_t out_len = 0, again_len = 0;
    cst_task_list list = {NULL, 0, 0};
    cst_tasks_in tin;
    cst_status st;

    if (!init) {
        icalerror_set_errors_are_fatal(0);
        init = 1;
    }
    if (n > 0 && d[0] < 8) {
        mode = d[0];
        data++;
        len--;
    }
    cst_policy_init(&pol);
    memset(&in, 0, sizeof(in));
    in.policy = &pol;
    in.now = NOW;
    in.previous_known = mode & 1;
    if (mode & 2) {
        in.previous = data;
        in.previous_len = len;
    }
    if (mode & 4)
        in.organizer_user = "alice";
    in.result = &res;
    st = cst_process(data, len, &in, &out, &out_len, &err);
    CHECK(st == CST_OK || st == CST_ERR_PARSE || st == CST_ERR_TOO_LARGE
          || st == CST_ERR_INVALID || st == CST_ERR_NOMEM);
    CHECK(st == CST_OK || out == NULL);
    CHECK(out != NULL || out_len == 0);
    if (st == CST_OK && out != NULL) {
        in.previous = out;
        in.previous_len = out_len;
        st = cst_process(out, out_len, &in, &again, &again_len, &err);
        CHECK(st == CST_OK || st == CST_ERR_TOO_LARGE);
        free(again);
    }
    memset(&tin, 0, sizeof(tin));
    tin.policy = &pol;
    tin.now = NOW;
    tin.organizer_user = in.organizer_user;
    if (cst_tasks_build(out ? out : data, out ? out_len : len, &tin, &list,
                        &err) == CST_OK)
        cst_task_list_fini(&list);
    free(out);
    fuzz_digest(data, len);
    return 0;
}
