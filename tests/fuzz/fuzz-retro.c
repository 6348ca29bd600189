/*
 * fuzz-retro.c -- libFuzzer target for the report's core (core/retro.c):
 * the departments file parser, and an object through cst_retro_add() and
 * cst_retro_finish() with every grouping, over a window of a year.
 * Invariants:
 *   - statuses are the documented ones;
 *   - the buckets add up: agenda and materials to meetings - urgent,
 *     minutes and goal and goal reached to meetings, items to completed +
 *     overdue + open + cancelled; completed_on_time <= completed.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "core/meeting.h"
#include "core/policy.h"
#include "core/retro.h"

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond))                                                           \
            abort();                                                           \
    } while (0)

static void check_fig(const cst_retro_fig *f)
{
    size_t k, a = 0, m = 0, mi = 0, g = 0, r = 0;
    double v;

    for (k = 0; k < CST_LEAD__COUNT; k++) {
        a += f->agenda[k];
        m += f->materials[k];
        mi += f->minutes[k];
    }
    for (k = 0; k < CST_GOAL__COUNT; k++)
        g += f->goal[k];
    for (k = 0; k < 4; k++)
        r += f->goal_reached[k];
    CHECK(f->urgent <= f->meetings);
    CHECK(a == f->meetings - f->urgent && m == a);
    CHECK(mi == f->meetings && g == f->meetings && r == f->meetings);
    CHECK(f->items == f->completed + f->overdue + f->open + f->cancelled);
    CHECK(f->completed_on_time <= f->completed);
    CHECK(f->cross_department <= f->items);
    if (cst_retro_completion_rate(f, &v))
        CHECK(v >= 0 && v <= 1);
    if (cst_retro_on_time_rate(f, &v))
        CHECK(v >= 0 && v <= 1);
    if (cst_retro_median_days(f, &v))
        CHECK(v >= 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    static int init;
    cst_policy pol;
    cst_depts depts;
    cst_retro_in in;
    cst_retro *r = NULL;
    cst_object *o = NULL;
    cst_error err = {0, ""};
    cst_status st;
    size_t i;

    if (!init) {
        icalerror_set_errors_are_fatal(0);
        init = 1;
    }
    st = cst_depts_parse((const char *)d, n, &depts, &err);
    CHECK(st == CST_OK || st == CST_ERR_PARSE || st == CST_ERR_INVALID ||
          st == CST_ERR_TOO_LARGE || st == CST_ERR_NOMEM);
    if (st != CST_OK)
        cst_depts_fini(&depts);
    cst_policy_init(&pol);
    memset(&in, 0, sizeof(in));
    in.policy = &pol;
    in.from = 1672531200; /* 2023-01-01 */
    in.to = in.from + 365 * 86400;
    in.now = in.to + 86400;
    in.depts = st == CST_OK ? &depts : NULL;
    in.by_mask = (1u << CST_BY__COUNT) - 1;
    if (cst_retro_new(&in, &r) != CST_OK)
        goto done;
    st = cst_object_parse((const char *)d, n, &pol, &o, &err);
    if (st == CST_OK) {
        st = cst_retro_add(r, &o, &err);
        CHECK(st == CST_OK || st == CST_ERR_TOO_LARGE || st == CST_ERR_NOMEM);
    }
    st = cst_retro_finish(r, &err);
    CHECK(st == CST_OK || st == CST_ERR_TOO_LARGE || st == CST_ERR_NOMEM);
    if (st == CST_OK) {
        check_fig(cst_retro_total(r));
        for (i = 0; i < cst_retro_n_groups(r); i++)
            check_fig(&cst_retro_group_at(r, i)->fig);
    }
done:
    cst_object_free(&o);
    cst_retro_free(&r);
    cst_depts_fini(&depts);
    return 0;
}
