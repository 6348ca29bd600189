/*
 * rules.c -- the checks of spec section 3.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "rules.h"
#include "text.h"
#include "tz.h"
#include "util.h"

/* What one rule run needs to know about the occurrence it looks at. */
typedef struct occ_ctx {
    const cst_policy *policy;
    const cst_event *ev;
    time_t now;
    time_t start, end;
    const char *rid;            /* "" or the occurrence's RECURRENCE-ID */
    cst_findings *out;
} occ_ctx;

void cst_findings_fini(cst_findings *f)
{
    if (f == NULL)
        return;
    free(f->v);
    f->v = NULL;
    f->n = f->cap = 0;
}

cst_mode cst_findings_worst(const cst_findings *f)
{
    cst_mode worst = CST_MODE_OFF;
    size_t i;

    for (i = 0; i < f->n; i++) {
        if (f->v[i].mode > worst)
            worst = f->v[i].mode;
    }
    return worst;
}

/* Appends a finding for rule unless the policy turns it off.  Returns
 * NULL when off or out of memory (then *st is set). */
static cst_finding *add(occ_ctx *c, cst_rule rule, cst_status *st)
{
    cst_finding *f;
    cst_mode mode = c->policy->mode[rule];

    if (mode == CST_MODE_OFF)
        return NULL;
    if (c->out->n == c->out->cap) {
        size_t cap = c->out->cap ? c->out->cap * 2 : 16;
        cst_finding *v = realloc(c->out->v, cap * sizeof(*v));

        if (v == NULL) {
            *st = CST_ERR_NOMEM;
            return NULL;
        }
        c->out->v = v;
        c->out->cap = cap;
    }
    f = &c->out->v[c->out->n++];
    memset(f, 0, sizeof(*f));
    f->rule = rule;
    f->mode = mode;
    f->event = c->ev;
    f->occ_start = c->start;
    snprintf(f->recurrence_id, sizeof(f->recurrence_id), "%s", c->rid);
    return f;
}

/* Copies s into the finding's text, as one line, cut on a character. */
static void set_text(cst_finding *f, const char *s)
{
    size_t n, i;

    if (s == NULL)
        return;
    n = strlen(s);
    if (n >= sizeof(f->text)) {
        /* cut on a UTF-8 boundary */
        n = sizeof(f->text) - 1;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(f->text, s, n);
    f->text[n] = '\0';
    for (i = 0; i < n; i++) {
        if (f->text[i] == '\n' || f->text[i] == '\r' || f->text[i] == '\t')
            f->text[i] = ' ';
    }
}

/* ---- goal-vague ------------------------------------------------------- */

static const char *const activity_verbs[] = {
    "discuss", "review", "go over", "talk about", "sync", "brainstorm",
    "讨论", "沟通", "交流", "汇报", "聊聊", NULL};
static const char *const outcome_verbs[] = {
    "decide", "decision", "approve", "agree", "choose", "finalize",
    "finalise", "publish", "produce", "确定", "决定", "批准", "通过",
    "确认", "输出", "形成", NULL};

int cst_goal_is_vague(const char *text, size_t len)
{
    size_t k, n, m;
    const char *s;

    s = cst_trim(text, len, &len);
    m = cst_list_marker(s, len);
    s += m;
    len -= m;
    for (k = 0; activity_verbs[k] != NULL; k++) {
        n = cst_prefix_ci(s, len, activity_verbs[k]);
        if (n == 0)
            continue;
        /* English verbs end at a word boundary ("reviewer" is none),
         * but may be inflected: discusses, reviewing, synced */
        if ((unsigned char)activity_verbs[k][0] < 0x80 && n < len) {
            const char *w = s + n;
            size_t rest = len - n, e = 0;

            while (e < rest && ((w[e] >= 'a' && w[e] <= 'z')
                                || (w[e] >= 'A' && w[e] <= 'Z')))
                e++;
            if (e > 0 && !cst_eq_ci(w, e, "s") && !cst_eq_ci(w, e, "es")
                && !cst_eq_ci(w, e, "ing") && !cst_eq_ci(w, e, "ed")
                && !cst_eq_ci(w, e, "d") && !cst_eq_ci(w, e, "ion"))
                continue;
        }
        break;
    }
    if (activity_verbs[k] == NULL)
        return 0;
    for (k = 0; outcome_verbs[k] != NULL; k++) {
        if (cst_find_ci(s, len, outcome_verbs[k]) != (size_t)-1)
            return 0;
    }
    return 1;
}

int cst_agenda_overruns(const cst_event *ev, const cst_policy *p,
                        time_t start, time_t end, long *need, long *length)
{
    long sum = 0;
    int any_minutes = 0;
    size_t i;

    for (i = 0; i < ev->agenda.n; i++) {
        if (ev->agenda.items[i].minutes >= 0) {
            sum += ev->agenda.items[i].minutes;
            any_minutes = 1;
        }
    }
    *need = sum + p->buffer_minutes;
    *length = (long)(end - start) / 60;
    return any_minutes && *need > *length;
}

/* ---- before the meeting ----------------------------------------------- */

static cst_status check_before(occ_ctx *c)
{
    const cst_event *ev = c->ev;
    const cst_policy *p = c->policy;
    cst_status st = CST_OK;
    cst_finding *f;
    time_t agenda_due, materials_due, sent;
    long sum = 0, length = 0;
    size_t i;

    agenda_due = cst_add_local_days(c->start, ev->zone, -p->agenda_min_days);
    materials_due = cst_add_local_days(c->start, ev->zone, -p->materials_min_days);

    if (ev->agenda.n == 0 && (f = add(c, CST_RULE_AGENDA_MISSING, &st))) {
        f->due = agenda_due;
        f->n1 = p->agenda_min_days;
    }
    if (!ev->urgent) {
        sent = (ev->agenda.n > 0 && ev->agenda_sent) ? ev->agenda_sent
                                                     : c->now;
        if (sent > agenda_due
            && (f = add(c, CST_RULE_AGENDA_LEAD_TIME, &st))) {
            f->due = agenda_due;
            f->n1 = p->agenda_min_days;
        }
    }
    if (!ev->has_materials
        && (f = add(c, CST_RULE_MATERIALS_MISSING, &st))) {
        f->due = materials_due;
        f->n1 = p->materials_min_days;
    }
    if (ev->has_materials && !ev->urgent) {
        sent = ev->materials_sent ? ev->materials_sent : c->now;
        if (sent > materials_due
            && (f = add(c, CST_RULE_MATERIALS_LEAD_TIME, &st))) {
            f->due = materials_due;
            f->n1 = p->materials_min_days;
        }
    }
    if (ev->n_counted > (size_t)p->max_participants
        && (f = add(c, CST_RULE_PARTICIPANT_LIMIT, &st))) {
        f->n1 = (long)ev->n_counted;
        f->n2 = p->max_participants;
    }
    if (!ev->has_goal) {
        add(c, CST_RULE_GOAL_MISSING, &st);
    } else if (cst_goal_is_vague(ev->sections.sec[CST_SEC_GOAL].text,
                             ev->sections.sec[CST_SEC_GOAL].len)
               && (f = add(c, CST_RULE_GOAL_VAGUE, &st))) {
        const cst_span *g = &ev->sections.sec[CST_SEC_GOAL];
        char buf[sizeof(f->text)];
        size_t n = g->len < sizeof(buf) - 1 ? g->len : sizeof(buf) - 1;

        memcpy(buf, g->text, n);
        buf[n] = '\0';
        set_text(f, buf);
    }
    for (i = 0; i < ev->agenda.n; i++) {
        const cst_agenda_item *it = &ev->agenda.items[i];

        if ((it->minutes < 0 || it->owner == NULL)
            && (f = add(c, CST_RULE_AGENDA_ITEM_INCOMPLETE, &st))) {
            f->item = (int)i + 1;
            f->n1 = (it->minutes < 0 ? 1 : 0) | (it->owner == NULL ? 2 : 0);
            set_text(f, it->topic);
        }
    }
    for (i = 0; i < ev->agenda.n; i++) {
        const cst_agenda_item *it = &ev->agenda.items[i];

        if (it->owner != NULL && cst_event_resolve_owner(ev, it->owner) < 0
            && (f = add(c, CST_RULE_AGENDA_OWNER_UNKNOWN, &st))) {
            f->item = (int)i + 1;
            set_text(f, it->owner);
        }
    }
    if (cst_agenda_overruns(ev, p, c->start, c->end, &sum, &length)
        && (f = add(c, CST_RULE_AGENDA_OVERRUN, &st))) {
        f->n1 = sum;
        f->n2 = length;
    }
    return st;
}

/* ---- after the meeting ------------------------------------------------ */

static cst_status check_after(occ_ctx *c)
{
    const cst_event *ev = c->ev;
    const cst_policy *p = c->policy;
    cst_status st = CST_OK;
    cst_finding *f;
    time_t due = c->end + (time_t)p->minutes_max_hours * 3600;
    time_t sent;
    size_t i;

    if (!ev->has_minutes) {
        if (c->now > due && (f = add(c, CST_RULE_MINUTES_OVERDUE, &st))) {
            f->due = due;
            f->n1 = p->minutes_max_hours;
        }
        return st;
    }
    sent = ev->minutes_sent ? ev->minutes_sent : c->now;
    if (sent > due && (f = add(c, CST_RULE_MINUTES_LATE, &st))) {
        f->due = due;
        f->n1 = p->minutes_max_hours;
    }
    for (i = 0; i < ev->actions.n; i++) {
        const cst_action_item *a = &ev->actions.items[i];
        long miss = (a->owner == NULL ? 1 : 0) | (!a->has_due ? 2 : 0)
                    | (a->deliverable == NULL ? 4 : 0);

        if (miss && (f = add(c, CST_RULE_ACTION_ITEM_INCOMPLETE, &st))) {
            f->item = (int)i + 1;
            f->n1 = miss;
            set_text(f, a->task);
        }
    }
    for (i = 0; i < ev->actions.n; i++) {
        const cst_action_item *a = &ev->actions.items[i];

        if (a->owner != NULL && cst_event_resolve_owner(ev, a->owner) < 0
            && (f = add(c, CST_RULE_ACTION_OWNER_UNKNOWN, &st))) {
            f->item = (int)i + 1;
            set_text(f, a->owner);
        }
    }
    if (!ev->has_next_meeting)
        add(c, CST_RULE_NEXT_MEETING_MISSING, &st);
    return st;
}

/* ---- per event -------------------------------------------------------- */

static cst_status check_event(const cst_object *o, const cst_event *ev,
                              const cst_policy *policy, time_t now,
                              cst_findings *out)
{
    int has_next = 0, has_last = 0;
    cst_occurrence next, last;
    char rid[32] = "";
    occ_ctx c;
    cst_status st;

    st = cst_occur_event(o, ev, now, &has_next, &next, &has_last, &last);
    if (st == CST_ERR_NOMEM || st == CST_ERR_TOO_LARGE)
        return st; /* a recurrence past the walk's budget */
    if (st != CST_OK)
        return CST_OK; /* no usable DTSTART: nothing to check */
    memset(&c, 0, sizeof(c));
    c.policy = policy;
    c.ev = ev;
    c.now = now;
    c.out = out;
    if (has_next && next.start > now) {
        c.start = next.start;
        c.end = next.end;
        if (ev->is_override)
            c.rid = ev->recurrence_id;
        else if (ev->is_recurring)
            cst_utc_string(next.start, rid, sizeof(rid));
        c.rid = ev->is_override ? ev->recurrence_id : rid;
        st = check_before(&c);
        if (st != CST_OK)
            return st;
    }
    if (has_last && last.end <= now) {
        rid[0] = '\0';
        c.start = last.start;
        c.end = last.end;
        if (!ev->is_override && ev->is_recurring)
            cst_utc_string(last.start, rid, sizeof(rid));
        c.rid = ev->is_override ? ev->recurrence_id : rid;
        st = check_after(&c);
    }
    return st;
}

cst_status cst_check(const cst_object *o, const cst_policy *policy,
                     time_t now, cst_findings *out)
{
    size_t i;
    cst_status st;

    for (i = 0; i < cst_object_n_events(o); i++) {
        const cst_event *ev = cst_object_event(o, i);

        if (!ev->is_meeting)
            continue;
        st = check_event(o, ev, policy, now, out);
        if (st != CST_OK)
            return st;
    }
    return CST_OK;
}
