/*
 * doc.c -- one iCalendar object parsed once (doc.h).  process, tasks and
 * the schedule live with their own code (core/process.c, core/tasks.c,
 * core/followup.c); this file holds the handle.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "doc.h"

struct cst_doc {
    cst_object *obj;
    const char *data; /* the caller's bytes, not owned */
    size_t len;
    const cst_policy *policy;
};

cst_status cst_doc_parse(const char *data, size_t len,
                         const cst_policy *policy, cst_doc **out,
                         cst_error *err)
{
    cst_doc *d;
    cst_status st;

    *out = NULL;
    d = calloc(1, sizeof(*d));
    if (d == NULL)
        return CST_ERR_NOMEM;
    st = cst_object_parse(data, len, policy, &d->obj, err);
    if (st != CST_OK) {
        free(d);
        return st;
    }
    d->data = data;
    d->len = len;
    d->policy = policy;
    *out = d;
    return CST_OK;
}

void cst_doc_free(cst_doc **d)
{
    if (d == NULL || *d == NULL)
        return;
    cst_object_free(&(*d)->obj);
    free(*d);
    *d = NULL;
}

const cst_object *cst_doc_object(const cst_doc *d)
{
    return d->obj;
}

const char *cst_doc_data(const cst_doc *d, size_t *len)
{
    *len = d->len;
    return d->data;
}

const cst_policy *cst_doc_policy(const cst_doc *d)
{
    return d->policy;
}

cst_status cst_doc_check(cst_doc *d, time_t now, cst_findings *out)
{
    return cst_check(d->obj, d->policy, now, out);
}

int cst_doc_needs_previous(const cst_doc *d, const char *organizer_user)
{
    size_t i;

    /* as core/process.c chooses the meetings it processes */
    for (i = 0; i < cst_object_n_events(d->obj); i++) {
        const cst_event *ev = cst_object_event(d->obj, i);

        if (ev->is_meeting
            && (organizer_user == NULL
                || cst_event_organized_by(ev, organizer_user)))
            return 1;
    }
    return 0;
}
