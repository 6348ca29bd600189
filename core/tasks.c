/*
 * tasks.c -- preparation and action-item VTODOs, and merging them with
 * the copy a server holds.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <uuid/uuid.h>

#include "block.h"
#include "doc.h"
#include "icaltext.h"
#include "meeting.h"
#include "occur.h"
#include "rules.h"
#include "tasks.h"
#include "text.h"
#include "tz.h"
#include "util.h"

/* The namespace of calsteward's name-based task UIDs (fixed forever). */
#define CST_UUID_NS "2f1d6c3a-8e4b-5a7c-9d10-6b3e2a4f5c81"

#define PRODID "-//calsteward//calsteward " VERSION "//EN"

/* Appends one content line, folded, CRLF. */
static void sb_line(cst_sbuf *b, const char *line)
{
    size_t fl;
    char *f = cst_ical_fold(line, strlen(line), 0, "\r\n", &fl);

    if (f == NULL) {
        b->oom = 1;
        return;
    }
    cst_sbuf_put(b, f, fl);
    free(f);
}

/* Appends "NAME[;params]:" + escaped text as one folded line. */
static void sb_text_prop(cst_sbuf *b, const char *head, const char *text)
{
    cst_sbuf l = {NULL, 0, 0, 0};
    size_t el;
    char *esc = cst_ical_escape_text(text, strlen(text), &el);

    if (esc == NULL) {
        b->oom = 1;
        return;
    }
    cst_sbuf_str(&l, head);
    cst_sbuf_put(&l, esc, el);
    free(esc);
    if (l.oom) {
        b->oom = 1;
    } else {
        sb_line(b, l.s);
    }
    free(l.s);
}

static const char *tr(const cst_tasks_in *in, const char *msgid)
{
    const char *t = in->tr ? in->tr(msgid, in->tr_ctx) : msgid;

    return t ? t : msgid;
}

const char *cst_task_kind_name(cst_task_kind k)
{
    switch (k) {
    case CST_TASK_AGENDA:
        return "agenda";
    case CST_TASK_MATERIALS:
        return "materials";
    case CST_TASK_MINUTES:
        return "minutes";
    case CST_TASK_ACTION_ITEM:
        return "action-item";
    case CST_TASK_DIGEST:
        return "digest";
    }
    return "unknown";
}

/* A parameter value, quoted when it must be (RFC 5545 3.1: ; : , need
 * quotes; a DQUOTE cannot be in a value at all). */
static void sb_param(cst_sbuf *b, const char *v)
{
    int quote = strpbrk(v, ";:,") != NULL;
    const char *p;

    if (quote)
        cst_sbuf_str(b, "\"");
    for (p = v; *p; p++) {
        if (*p == '"')
            cst_sbuf_str(b, "'");
        else if (*p == '\r' || *p == '\n')
            cst_sbuf_str(b, " ");
        else
            cst_sbuf_put(b, p, 1);
    }
    if (quote)
        cst_sbuf_str(b, "\"");
}

static void sb_cal_address(cst_sbuf *b, const char *name,
                           const cst_participant *pp, const char *extra)
{
    cst_sbuf l = {NULL, 0, 0, 0};

    cst_sbuf_str(&l, name);
    if (pp->cn != NULL) {
        cst_sbuf_str(&l, ";CN=");
        sb_param(&l, pp->cn);
    }
    if (extra != NULL)
        cst_sbuf_str(&l, extra);
    cst_sbuf_str(&l, ":mailto:");
    cst_sbuf_str(&l, pp->addr);
    if (l.oom)
        b->oom = 1;
    else
        sb_line(b, l.s);
    free(l.s);
}

void cst_task_put_line(cst_sbuf *b, const char *line)
{
    sb_line(b, line);
}

void cst_task_put_text(cst_sbuf *b, const char *head, const char *text)
{
    sb_text_prop(b, head, text);
}

void cst_task_put_address(cst_sbuf *b, const char *name, const char *addr,
                          const char *cn)
{
    cst_participant pp;

    memset(&pp, 0, sizeof(pp));
    pp.addr = (char *)addr;
    pp.cn = (char *)cn;
    sb_cal_address(b, name, &pp, NULL);
}

/* The UID: UUID v5 of meeting UID, occurrence, kind and key; dup > 0
 * for the dup-th repetition of the same key in one occurrence. */
static void task_uid(const char *meeting_uid, const char *rid,
                     cst_task_kind kind, const char *key, unsigned dup,
                     char out[40])
{
    uuid_t ns, u;
    cst_sbuf name = {NULL, 0, 0, 0};
    char folded[CST_MAX_LINE_BYTES + 1];
    size_t kl = strlen(key), i, o = 0;
    int space = 0;

    if (kl > CST_MAX_LINE_BYTES)
        kl = CST_MAX_LINE_BYTES;
    cst_text_fold(key, kl, folded);
    /* case and runs of white space do not make another task */
    for (i = 0; folded[i] != '\0'; i++) {
        char c = folded[i];

        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = 1;
            continue;
        }
        if (space && o > 0)
            folded[o++] = ' ';
        space = 0;
        folded[o++] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
    }
    folded[o] = '\0';
    cst_sbuf_str(&name, meeting_uid);
    cst_sbuf_put(&name, "\n", 1);
    cst_sbuf_str(&name, rid);
    cst_sbuf_put(&name, "\n", 1);
    cst_sbuf_str(&name, cst_task_kind_name(kind));
    cst_sbuf_put(&name, "\n", 1);
    cst_sbuf_str(&name, folded);
    if (dup > 0) {
        char d[16];

        snprintf(d, sizeof(d), "\n%u", dup);
        cst_sbuf_str(&name, d);
    }
    uuid_parse(CST_UUID_NS, ns);
    uuid_generate_sha1(u, ns, name.s ? name.s : "", name.n);
    uuid_unparse_lower(u, out);
    free(name.s);
}

static cst_status list_push(cst_task_list *l, cst_task *t)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        cst_task *v = realloc(l->v, cap * sizeof(*v));

        if (v == NULL)
            return CST_ERR_NOMEM;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = *t;
    return CST_OK;
}

void cst_task_list_fini(cst_task_list *l)
{
    size_t i;

    if (l == NULL)
        return;
    for (i = 0; i < l->n; i++) {
        free(l->v[i].ics);
        free(l->v[i].owner_addr);
    }
    free(l->v);
    memset(l, 0, sizeof(*l));
}

/* What one task needs besides its kind. */
typedef struct task_spec {
    cst_task_kind kind;
    const char *rid;            /* "" or the occurrence's id */
    const char *key;            /* the task text for the UID */
    const char *summary;
    time_t dtstart;             /* 0: none */
    time_t due;                 /* DATE-TIME due, 0: see due_date */
    const cst_date *due_date;   /* VALUE=DATE due when due == 0 */
    int priority;
    const char *description;
    const cst_participant *owner;
    int completed;              /* prep tasks: condition holds */
    time_t completed_at;
    unsigned dup;               /* repetition of the key, see task_uid */
} task_spec;

static cst_status emit(const cst_tasks_in *in, const cst_event *ev,
                       const task_spec *ts, cst_task_list *out)
{
    cst_sbuf b = {NULL, 0, 0, 0};
    char line[128], tbuf[24];
    cst_task t;
    cst_status st;

    memset(&t, 0, sizeof(t));
    t.kind = ts->kind;
    task_uid(ev->uid, ts->rid, ts->kind, ts->key, ts->dup, t.uid);
    cst_sbuf_str(&b, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:" PRODID "\r\n"
               "BEGIN:VTODO\r\n");
    snprintf(line, sizeof(line), "UID:%s", t.uid);
    sb_line(&b, line);
    cst_utc_string(in->now, tbuf, sizeof(tbuf));
    snprintf(line, sizeof(line), "DTSTAMP:%s", tbuf);
    sb_line(&b, line);
    sb_text_prop(&b, "SUMMARY:", ts->summary);
    if (ts->dtstart != 0) {
        cst_utc_string(ts->dtstart, tbuf, sizeof(tbuf));
        snprintf(line, sizeof(line), "DTSTART:%s", tbuf);
        sb_line(&b, line);
    }
    if (ts->due != 0) {
        cst_utc_string(ts->due, tbuf, sizeof(tbuf));
        snprintf(line, sizeof(line), "DUE:%s", tbuf);
        sb_line(&b, line);
    } else if (ts->due_date != NULL) {
        snprintf(line, sizeof(line), "DUE;VALUE=DATE:%04d%02d%02d",
                 ts->due_date->year, ts->due_date->month, ts->due_date->day);
        sb_line(&b, line);
    }
    if (ts->priority > 0) {
        snprintf(line, sizeof(line), "PRIORITY:%d", ts->priority);
        sb_line(&b, line);
    }
    if (ts->completed) {
        sb_line(&b, "STATUS:COMPLETED");
        sb_line(&b, "PERCENT-COMPLETE:100");
        cst_utc_string(ts->completed_at, tbuf, sizeof(tbuf));
        snprintf(line, sizeof(line), "COMPLETED:%s", tbuf);
        sb_line(&b, line);
    } else {
        sb_line(&b, "STATUS:NEEDS-ACTION");
    }
    if (ts->description != NULL && ts->description[0] != '\0')
        sb_text_prop(&b, "DESCRIPTION:", ts->description);
    sb_cal_address(&b, "ORGANIZER", &ev->people[0], NULL);
    if (ts->owner != NULL)
        sb_cal_address(&b, "ATTENDEE", ts->owner,
                       ";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION");
    sb_text_prop(&b, "RELATED-TO:", ev->uid);
    snprintf(line, sizeof(line), "X-CALSTEWARD-KIND:%s",
             cst_task_kind_name(ts->kind));
    sb_line(&b, line);
    if (ts->rid[0] != '\0') {
        snprintf(line, sizeof(line), "X-CALSTEWARD-OCCURRENCE:%s", ts->rid);
        sb_line(&b, line);
    }
    cst_sbuf_str(&b, "END:VTODO\r\nEND:VCALENDAR\r\n");
    if (b.oom || (ts->owner != NULL
                  && (t.owner_addr = strdup(ts->owner->addr)) == NULL)) {
        free(b.s);
        free(t.owner_addr);
        return CST_ERR_NOMEM;
    }
    t.ics = b.s;
    t.len = b.n;
    st = list_push(out, &t);
    if (st != CST_OK) {
        free(t.ics);
        free(t.owner_addr);
    }
    return st;
}

static void occurrence_id(const cst_event *ev, time_t start, char *buf,
                          size_t n)
{
    if (ev->is_override)
        snprintf(buf, n, "%s", ev->recurrence_id);
    else if (ev->is_recurring)
        cst_utc_string(start, buf, n);
    else
        buf[0] = '\0';
}

static void local_date_text(const cst_event *ev, time_t t, char *buf,
                            size_t n)
{
    cst_date d = cst_event_local_date(ev, t);

    snprintf(buf, n, "%04d-%02d-%02d", d.year, d.month, d.day);
}

static cst_status prep_tasks(const cst_tasks_in *in, const cst_event *ev,
                             const cst_occurrence *occ, int future,
                             cst_task_list *out)
{
    const cst_policy *p = in->policy;
    const char *title = ev->summary ? ev->summary : "";
    char rid[32], summary[512];
    task_spec ts;
    cst_status st = CST_OK;

    occurrence_id(ev, occ->start, rid, sizeof(rid));
    memset(&ts, 0, sizeof(ts));
    ts.rid = rid;
    ts.owner = &ev->people[0];
    ts.summary = summary;
    if (future) {
        ts.kind = CST_TASK_AGENDA;
        ts.key = "";
        snprintf(summary, sizeof(summary), "%s: %s",
                 tr(in, N_("Send the agenda")), title);
        ts.dtstart = cst_add_local_days(occ->start, ev->zone, -p->agenda_max_days);
        ts.due = cst_add_local_days(occ->start, ev->zone, -p->agenda_min_days);
        ts.completed = ev->agenda.n > 0;
        ts.completed_at = ev->agenda_sent ? ev->agenda_sent : in->now;
        st = emit(in, ev, &ts, out);
        if (st != CST_OK)
            return st;
        ts.kind = CST_TASK_MATERIALS;
        snprintf(summary, sizeof(summary), "%s: %s",
                 tr(in, N_("Send the materials")), title);
        ts.dtstart = 0;
        ts.due = cst_add_local_days(occ->start, ev->zone, -p->materials_min_days);
        ts.completed = ev->has_materials;
        ts.completed_at = ev->materials_sent ? ev->materials_sent : in->now;
        st = emit(in, ev, &ts, out);
        if (st != CST_OK)
            return st;
    }
    ts.kind = CST_TASK_MINUTES;
    ts.key = "";
    snprintf(summary, sizeof(summary), "%s: %s",
             tr(in, N_("Send the minutes")), title);
    ts.dtstart = occ->end;
    ts.due = occ->end + (time_t)p->minutes_max_hours * 3600;
    ts.completed = ev->has_minutes;
    ts.completed_at = ev->minutes_sent ? ev->minutes_sent : in->now;
    return emit(in, ev, &ts, out);
}

static cst_status action_tasks(const cst_tasks_in *in, const cst_event *ev,
                               const cst_occurrence *occ, cst_task_list *out)
{
    const cst_span *next = &ev->sections.sec[CST_SEC_NEXT];
    cst_date ref = cst_event_local_date(ev, occ->start);
    char rid[32], date[16], (*base)[40];
    size_t i, j, off, dl;
    cst_status st = CST_OK;

    occurrence_id(ev, occ->start, rid, sizeof(rid));
    local_date_text(ev, occ->start, date, sizeof(date));
    /* the same task text twice in the minutes (two owners, say) would
     * give one UID twice: the repetitions are numbered */
    base = malloc(ev->actions.n * sizeof(*base));
    if (base == NULL)
        return CST_ERR_NOMEM;
    for (i = 0; i < ev->actions.n; i++)
        task_uid(ev->uid, rid, CST_TASK_ACTION_ITEM, ev->actions.items[i].task,
                 0, base[i]);
    for (i = 0; i < ev->actions.n; i++) {
        const cst_action_item *a = &ev->actions.items[i];
        cst_sbuf desc = {NULL, 0, 0, 0};
        cst_date due, d;
        task_spec ts;
        int idx = a->owner ? cst_event_resolve_owner(ev, a->owner) : -1;

        memset(&ts, 0, sizeof(ts));
        ts.kind = CST_TASK_ACTION_ITEM;
        ts.rid = rid;
        ts.key = a->task;
        for (j = 0; j < i; j++)
            ts.dup += strcmp(base[j], base[i]) == 0;
        ts.summary = a->task;
        ts.priority = a->priority;
        ts.owner = idx >= 0 ? &ev->people[idx] : NULL;
        if (a->has_due) {
            due = a->due;
            /* the model read the minutes as of the master's DTSTART;
             * relative dates count from this occurrence's date */
            if (ev->is_recurring && a->due_text != NULL
                && cst_due_parse(a->due_text, strlen(a->due_text), &ref, &d))
                due = d;
        } else if (ev->has_next_meeting) {
            due = ev->next_meeting;
            if (ev->is_recurring
                && cst_due_find(next->text, next->len, &ref, &off, &dl, &d))
                due = d;
            due.has_time = 0;
        } else {
            due = cst_event_local_date(ev, occ->start);
            cst_date_add_days(&due, in->policy->default_due_days);
        }
        if (due.has_time) {
            struct icaltimetype lt = icaltime_null_time();

            lt.year = due.year;
            lt.month = due.month;
            lt.day = due.day;
            lt.hour = due.hour;
            lt.minute = due.minute;
            ts.due = cst_tz_to_utc(lt, ev->zone);
        } else {
            ts.due_date = &due;
        }
        if (a->deliverable != NULL) {
            cst_sbuf_str(&desc, tr(in, N_("Deliverable")));
            cst_sbuf_str(&desc, ": ");
            cst_sbuf_str(&desc, a->deliverable);
            cst_sbuf_str(&desc, "\n");
        }
        if (a->owner != NULL && idx < 0) {
            cst_sbuf_str(&desc, tr(in, N_("Owner")));
            cst_sbuf_str(&desc, ": ");
            cst_sbuf_str(&desc, a->owner);
            cst_sbuf_str(&desc, "\n");
        }
        cst_sbuf_str(&desc, tr(in, N_("From the meeting")));
        cst_sbuf_str(&desc, ": ");
        cst_sbuf_str(&desc, ev->summary ? ev->summary : ev->uid);
        cst_sbuf_str(&desc, " (");
        cst_sbuf_str(&desc, date);
        cst_sbuf_str(&desc, ")");
        if (desc.oom) {
            free(desc.s);
            st = CST_ERR_NOMEM;
            break;
        }
        ts.description = desc.s;
        st = emit(in, ev, &ts, out);
        free(desc.s);
        if (st != CST_OK)
            break;
    }
    free(base);
    return st;
}

/* Returns 1 when an earlier meeting of the object has the same UID and
 * occurrence as event i (a second master, or a second override of one
 * instance: an iTIP stream, say): its tasks would repeat their UIDs, so
 * only the first one gives tasks. */
static int repeated_event(const cst_object *obj, size_t i)
{
    const cst_event *ev = cst_object_event(obj, i);
    size_t j;

    for (j = 0; j < i; j++) {
        const cst_event *x = cst_object_event(obj, j);

        if (x->is_meeting && strcmp(x->uid, ev->uid) == 0
            && x->is_override == ev->is_override
            && (!ev->is_override
                || strcmp(x->recurrence_id, ev->recurrence_id) == 0))
            return 1;
    }
    return 0;
}

cst_status cst_tasks_build(const char *data, size_t len, const cst_tasks_in *in,
                           cst_task_list *out, cst_error *err)
{
    cst_doc *d = NULL;
    cst_status st;

    memset(out, 0, sizeof(*out));
    st = cst_doc_parse(data, len, in->policy, &d, err);
    if (st != CST_OK)
        return st;
    st = cst_doc_tasks(d, in, out, err);
    cst_doc_free(&d);
    return st;
}

cst_status cst_doc_tasks(cst_doc *d, const cst_tasks_in *in,
                         cst_task_list *out, cst_error *err)
{
    const cst_object *obj = cst_doc_object(d);
    cst_status st = CST_OK;
    size_t i;

    memset(out, 0, sizeof(*out));
    for (i = 0; i < cst_object_n_events(obj) && st == CST_OK; i++) {
        const cst_event *ev = cst_object_event(obj, i);
        int has_next = 0, has_last = 0;
        cst_occurrence next, last, own;

        if (!ev->is_meeting || repeated_event(obj, i))
            continue;
        if (in->organizer_user != NULL
            && !cst_event_organized_by(ev, in->organizer_user))
            continue; /* not this user's meeting: not this user's tasks */
        st = cst_occur_event(obj, ev, in->now, &has_next, &next, &has_last,
                             &last);
        if (st == CST_ERR_TOO_LARGE) {
            /* past the walk's budget: no tasks rather than wrong ones */
            cst_error_set(err, 0, "%s", CST_RECUR_BUDGET_MSG);
            break;
        }
        st = CST_OK;
        if (!has_next && !has_last)
            continue;
        if (has_next && next.start <= in->now)
            has_next = 0; /* running now: neither before nor after */
        if (in->policy->prep_tasks) {
            if (has_next)
                st = prep_tasks(in, ev, &next, 1, out);
            if (st == CST_OK && has_last)
                st = prep_tasks(in, ev, &last, 0, out);
        }
        if (st != CST_OK || ev->actions.n == 0)
            continue;
        if (ev->is_recurring && ev->minutes_sent != 0) {
            /* minutes kept in a series' master belong to the occurrence
             * they belonged to when they first appeared (chosen as below,
             * as of the stamp): later occurrences must not repeat their
             * action items */
            int hn = 0, hl = 0;
            cst_occurrence n2, l2;

            if (cst_occur_event(obj, ev, ev->minutes_sent, &hn, &n2, &hl,
                                &l2) == CST_OK
                && (hl || hn)) {
                own = hl ? l2 : n2;
                st = action_tasks(in, ev, &own, out);
                continue;
            }
        }
        if (has_last) {
            own = last;
        } else if (has_next) {
            own = next;
        } else {
            continue;
        }
        st = action_tasks(in, ev, &own, out);
    }
    if (st != CST_OK)
        cst_task_list_fini(out);
    return st;
}

char *cst_task_list_calendar(const cst_task_list *l, size_t *out_len)
{
    cst_sbuf b = {NULL, 0, 0, 0};
    size_t i;

    cst_sbuf_str(&b, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:" PRODID "\r\n");
    for (i = 0; i < l->n; i++) {
        const char *s = strstr(l->v[i].ics, "BEGIN:VTODO\r\n");
        const char *e = strstr(l->v[i].ics, "END:VTODO\r\n");

        if (s != NULL && e != NULL)
            cst_sbuf_put(&b, s, (size_t)(e - s) + strlen("END:VTODO\r\n"));
    }
    cst_sbuf_str(&b, "END:VCALENDAR\r\n");
    if (b.oom) {
        free(b.s);
        return NULL;
    }
    *out_len = b.n;
    return b.s;
}

/* ---- merge ------------------------------------------------------------ */

/* Properties calsteward writes; for action items the owner's progress
 * (STATUS, PERCENT-COMPLETE, COMPLETED) is not among them. */
static const char *const owned_always[] = {
    "SUMMARY", "DTSTART", "DUE", "PRIORITY", "DESCRIPTION", "ORGANIZER",
    "ATTENDEE", "RELATED-TO", "X-CALSTEWARD-KIND", "X-CALSTEWARD-OCCURRENCE",
    NULL};
static const char *const owned_prep[] = {"STATUS", "PERCENT-COMPLETE",
                                         "COMPLETED", NULL};
/* A digest's; DESCRIPTION is shared with the organizer (digest_text). */
static const char *const owned_digest[] = {
    "SUMMARY", "DUE", "ORGANIZER", "X-CALSTEWARD-KIND",
    "X-CALSTEWARD-PERIOD", "X-CALSTEWARD-OVERDUE", NULL};

/* Finds the VTODO whose UID is uid. */
static int find_vtodo(const cst_icaltext *t, const char *uid)
{
    size_t n;
    int c, u;

    for (n = 0; (c = cst_icaltext_nth_comp(t, "VTODO", n)) >= 0; n++) {
        char *v;
        int same;

        u = cst_icaltext_find_prop(t, c, "UID", 0);
        if (u < 0)
            continue;
        v = cst_icaltext_value(t, (size_t)u);
        same = v != NULL && strcmp(v, uid) == 0;
        free(v);
        if (same)
            return c;
    }
    return -1;
}

/* The value of a property as compared: addresses without case. */
static char *cmp_value(const cst_icaltext *t, size_t i)
{
    char *v = cst_icaltext_value(t, i);
    size_t k;

    if (v != NULL && (strcmp(t->props[i].name, "ORGANIZER") == 0
                      || strcmp(t->props[i].name, "ATTENDEE") == 0)) {
        for (k = 0; v[k]; k++) {
            if (v[k] >= 'A' && v[k] <= 'Z')
                v[k] = (char)(v[k] + 32);
        }
    }
    return v;
}

/* Returns 1 when comp a of ta and comp b of tb hold the same values of
 * property name, in the same order; -1 when out of memory. */
static int same_values(const cst_icaltext *ta, int a, const cst_icaltext *tb,
                       int b, const char *name)
{
    int i = cst_icaltext_find_prop(ta, a, name, 0);
    int j = cst_icaltext_find_prop(tb, b, name, 0);

    while (i >= 0 && j >= 0) {
        char *x = cmp_value(ta, (size_t)i), *y = cmp_value(tb, (size_t)j);
        int eq = x != NULL && y != NULL && strcmp(x, y) == 0;

        if (x == NULL || y == NULL) {
            free(x);
            free(y);
            return -1;
        }
        free(x);
        free(y);
        if (!eq)
            return 0;
        i = cst_icaltext_find_prop(ta, a, name, (size_t)i + 1);
        j = cst_icaltext_find_prop(tb, b, name, (size_t)j + 1);
    }
    return i < 0 && j < 0;
}

/* Returns 1 when comp c of t has STATUS:value, 0 when not, -1 when out
 * of memory. */
static int status_is(const cst_icaltext *t, int c, const char *value)
{
    int i = cst_icaltext_find_prop(t, c, "STATUS", 0), r;
    char *v;

    if (i < 0)
        return 0;
    v = cst_icaltext_value(t, (size_t)i);
    if (v == NULL)
        return -1;
    r = strcasecmp(v, value) == 0;
    free(v);
    return r;
}

/* Replaces every `name` line of comp ec in te with those of comp fc in
 * tf: the new lines go where the first old one was. */
static cst_status replace_all(cst_edits *e, const cst_icaltext *te, int ec,
                              const cst_icaltext *tf, int fc, const char *name)
{
    int i = cst_icaltext_find_prop(te, ec, name, 0), j, first = 1;
    cst_sbuf b = {NULL, 0, 0, 0};
    cst_status st = CST_OK;

    for (j = cst_icaltext_find_prop(tf, fc, name, 0); j >= 0;
         j = cst_icaltext_find_prop(tf, fc, name, (size_t)j + 1)) {
        char *line = cst_icaltext_line(tf, (size_t)j), *f;
        size_t fl;

        if (line == NULL)
            goto oom;
        f = cst_ical_fold(line, strlen(line), 0, te->eol, &fl);
        free(line);
        if (f == NULL)
            goto oom;
        cst_sbuf_put(&b, f, fl);
        free(f);
    }
    if (b.oom)
        goto oom;
    for (; i >= 0; i = cst_icaltext_find_prop(te, ec, name, (size_t)i + 1)) {
        const cst_ical_prop *p = &te->props[i];

        st = cst_edits_raw(e, p->start, p->end - p->start,
                           first ? (b.s ? b.s : "") : "", first ? b.n : 0);
        if (st != CST_OK)
            goto done;
        first = 0;
    }
    if (first && b.n > 0)
        st = cst_edits_raw(e, te->comps[ec].first_child, 0, b.s, b.n);
    goto done;
oom:
    st = CST_ERR_NOMEM;
done:
    free(b.s);
    return st;
}

/* Returns 1 when comp c of t says X-CALSTEWARD-OVERDUE is more than 0,
 * 0 when it says 0, -1 when it says nothing (or out of memory). */
static int digest_overdue(const cst_icaltext *t, int c)
{
    int i = cst_icaltext_find_prop(t, c, "X-CALSTEWARD-OVERDUE", 0), r;
    char *v;

    if (i < 0 || (v = cst_icaltext_value(t, (size_t)i)) == NULL)
        return -1;
    r = atoi(v) > 0;
    free(v);
    return r;
}

/* The value of TEXT property i with its escapes undone, or NULL. */
static char *text_value(const cst_icaltext *t, size_t i)
{
    char *v = cst_icaltext_value(t, i), *u;
    size_t n;

    if (v == NULL)
        return NULL;
    u = cst_ical_unescape_text(v, strlen(v), &n);
    free(v);
    return u;
}

/* The digest's DESCRIPTION: the organizer's lines of the stored one (all
 * but calsteward's block, from its begin to its end marker), then the
 * fresh block.  Replaces the stored line when that differs. */
static cst_status digest_text(cst_edits *e, const cst_icaltext *te, int ec,
                              const cst_icaltext *tf, int fc, int *changed)
{
    int i = cst_icaltext_find_prop(te, ec, "DESCRIPTION", 0);
    int j = cst_icaltext_find_prop(tf, fc, "DESCRIPTION", 0);
    char *old = NULL, *fresh = NULL, *esc = NULL, *f = NULL;
    cst_sbuf b = {NULL, 0, 0, 0}, keep = {NULL, 0, 0, 0};
    cst_sbuf line = {NULL, 0, 0, 0};
    cst_status st = CST_OK;
    size_t n = 0, k, el, fl;
    cst_tline *lines = NULL;
    int in_block = 0;

    if (j < 0)
        return CST_OK;
    if ((fresh = text_value(tf, (size_t)j)) == NULL)
        return CST_ERR_NOMEM;
    if (i >= 0) {
        old = text_value(te, (size_t)i);
        if (old == NULL ||
            (lines = cst_block_lines(old, strlen(old), 0, &n)) == NULL)
            goto oom;
    }
    for (k = 0; k < n; k++) {
        int m = cst_block_marker(lines[k].text, lines[k].len);

        if (m == 1) {
            in_block = 1;
        } else if (!in_block && m == 0) {
            cst_sbuf_put(&keep, lines[k].text, lines[k].len);
            cst_sbuf_put(&keep, "\n", 1);
        }
        if (m == 2)
            in_block = 0;
    }
    while (keep.n > 0 && (keep.s[keep.n - 1] == '\n' ||
                          keep.s[keep.n - 1] == ' '))
        keep.s[--keep.n] = '\0';
    if (keep.n > 0) {
        cst_sbuf_put(&b, keep.s, keep.n);
        cst_sbuf_str(&b, "\n\n");
    }
    cst_sbuf_str(&b, fresh);
    if (b.oom || keep.oom)
        goto oom;
    if (old != NULL && strcmp(old, b.s) == 0)
        goto done;
    esc = cst_ical_escape_text(b.s, b.n, &el);
    if (esc == NULL)
        goto oom;
    cst_sbuf_str(&line, "DESCRIPTION:");
    cst_sbuf_put(&line, esc, el);
    if (line.oom ||
        (f = cst_ical_fold(line.s, line.n, 0, te->eol, &fl)) == NULL)
        goto oom;
    if (i >= 0) {
        /* the stored line's own bytes go, the new one takes their place */
        const cst_ical_prop *p = &te->props[i];

        st = cst_edits_raw(e, p->start, p->end - p->start, f, fl);
    } else {
        st = cst_edits_raw(e, te->comps[ec].first_child, 0, f, fl);
    }
    *changed = 1;
    goto done;
oom:
    st = CST_ERR_NOMEM;
done:
    free(old);
    free(fresh);
    free(esc);
    free(f);
    free(lines);
    free(b.s);
    free(keep.s);
    free(line.s);
    return st;
}

cst_status cst_task_merge(const char *existing, size_t existing_len,
                          const cst_task *fresh, time_t now, char **out,
                          size_t *out_len, cst_error *err)
{
    cst_icaltext te, tf;
    cst_edits e = {NULL, 0, 0};
    cst_status st;
    int ec, fc, k, changed = 0, same, done_e, done_f;
    const char *const *lists[2] = {owned_always, owned_prep};
    size_t li;

    *out = NULL;
    *out_len = 0;
    memset(&tf, 0, sizeof(tf));
    st = cst_icaltext_scan(existing, existing_len, &te, err);
    if (st != CST_OK)
        return st;
    st = cst_icaltext_scan(fresh->ics, fresh->len, &tf, err);
    if (st != CST_OK)
        goto done;
    ec = find_vtodo(&te, fresh->uid);
    fc = find_vtodo(&tf, fresh->uid);
    if (ec < 0 || fc < 0) {
        cst_error_set(err, 0, "no VTODO with UID %s", fresh->uid);
        st = CST_ERR_PARSE;
        goto done;
    }
    done_e = status_is(&te, ec, "COMPLETED");
    done_f = status_is(&tf, fc, "COMPLETED");
    if (done_e < 0 || done_f < 0) {
        st = CST_ERR_NOMEM;
        goto done;
    }
    if (fresh->kind == CST_TASK_DIGEST) {
        int oe = digest_overdue(&te, ec), of = digest_overdue(&tf, fc);

        lists[0] = owned_digest;
        if (oe >= 0 && oe == of)
            lists[1] = NULL; /* the organizer's progress stays */
        st = digest_text(&e, &te, ec, &tf, fc, &changed);
        if (st != CST_OK)
            goto done;
    }
    for (li = 0; li < 2; li++) {
        if (lists[li] == NULL)
            break;
        if (li == 1 && fresh->kind == CST_TASK_ACTION_ITEM)
            break; /* the owner's progress is the owner's */
        for (k = 0; lists[li][k] != NULL; k++) {
            /* a prep task completed on both sides keeps the moment it was
             * first completed: without a first-sent stamp the fresh copy
             * says `now`, which would rewrite the task on every run */
            if (li == 1 && done_e && done_f
                && strcmp(lists[li][k], "COMPLETED") == 0)
                continue;
            same = same_values(&te, ec, &tf, fc, lists[li][k]);
            if (same < 0) {
                st = CST_ERR_NOMEM;
                goto done;
            }
            if (same)
                continue;
            st = replace_all(&e, &te, ec, &tf, fc, lists[li][k]);
            if (st != CST_OK)
                goto done;
            changed = 1;
        }
    }
    if (changed) {
        char line[64], ts[24];
        int d = cst_icaltext_find_prop(&te, ec, "DTSTAMP", 0);
        int lm = cst_icaltext_find_prop(&te, ec, "LAST-MODIFIED", 0);

        cst_utc_string(now, ts, sizeof(ts));
        snprintf(line, sizeof(line), "DTSTAMP:%s", ts);
        st = d >= 0 ? cst_edits_replace(&e, &te, (size_t)d, line,
                                        strlen(line))
                    : cst_edits_add(&e, &te, ec, line, strlen(line));
        if (st == CST_OK && lm >= 0) {
            snprintf(line, sizeof(line), "LAST-MODIFIED:%s", ts);
            st = cst_edits_replace(&e, &te, (size_t)lm, line, strlen(line));
        }
        if (st == CST_OK)
            st = cst_edits_apply(&e, &te, out, out_len);
    }
done:
    cst_edits_fini(&e);
    cst_icaltext_fini(&tf);
    cst_icaltext_fini(&te);
    return st;
}
