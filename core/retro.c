/*
 * retro.c -- the figures of the retrospective report (spec section 9).
 *
 * cst_retro_add() keeps one record per occurrence held in the window
 * (pointing into the object, which it keeps; cst_occur_range() walks each
 * series once) and one per action-item
 * VTODO (copied: the task objects are freed at once).  cst_retro_finish()
 * sorts the meetings by (UID, occurrence id), finds each task's meeting
 * by binary search, and adds every meeting and task to the total and to
 * the groups it belongs to.  The rules' own helpers decide what a vague
 * goal and an overrun agenda are.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "core/retro.h"
#include "core/rules.h"
#include "core/text.h"
#include "core/tz.h"
#include "core/util.h"

/* One occurrence held. */
typedef struct mrec {
    const cst_event *ev;
    time_t start, end;
    char occ[32];         /* as tasks.c names it: "" single, RECURRENCE-ID */
    const char *org_dept; /* organizer's department, or NULL */
    size_t first_task, n_tasks; /* into the sorted task order */
} mrec;

/* One action-item VTODO. */
typedef struct trec {
    char *uid;        /* its own UID, for duplicates */
    char *related;    /* RELATED-TO: the meeting's UID */
    char *occ;        /* X-CALSTEWARD-OCCURRENCE or "" */
    char *owner;      /* "mailto:addr" lower case, or NULL */
    char *owner_cn;   /* or NULL */
    char *owner_dept; /* the ATTENDEE's X-CALSTEWARD-DEPT, or NULL */
    int has_due, due_is_date;
    time_t due; /* DATE-TIME due (UTC) */
    int due_y, due_m, due_d;
    int completed, cancelled;
    time_t closed; /* COMPLETED, else LAST-MODIFIED when completed;
                      0 unknown */
    long meeting;  /* index into r->m after the join, -1 none */
    size_t seq;    /* the order it was read in */
} trec;

struct cst_retro {
    cst_retro_in in;
    cst_object **objs;
    size_t n_objs, cap_objs;
    mrec *m;
    size_t n_m, cap_m;
    trec *t;
    size_t n_t, cap_t;
    cst_retro_fig total;
    cst_retro_group *g;
    size_t n_g, cap_g;
    size_t *hash; /* group index + 1, open addressing */
    size_t hash_cap;
};

/* ---- small helpers ---------------------------------------------------- */

static int grow(void **v, size_t *cap, size_t n, size_t size, size_t max)
{
    size_t nc;
    void *nv;

    if (n < *cap)
        return 1;
    if (n >= max)
        return 0;
    nc = *cap ? *cap * 2 : 16;
    if (nc > max)
        nc = max;
    nv = realloc(*v, nc * size);
    if (nv == NULL)
        return 0;
    *v = nv;
    *cap = nc;
    return 1;
}

static int lower_c(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int strcmp_ci(const char *a, const char *b)
{
    while (*a && lower_c((unsigned char)*a) == lower_c((unsigned char)*b)) {
        a++;
        b++;
    }
    return lower_c((unsigned char)*a) - lower_c((unsigned char)*b);
}


double cst_retro_round3(double x)
{
    double y = x < 0 ? -x : x;
    long long k = (long long)(y * 1000.0 + 0.5);

    y = (double)k / 1000.0;
    return x < 0 ? -y : y;
}

static const char *const by_names[CST_BY__COUNT] = {
    "week", "month", "organizer", "owner", "department", "series"};

const char *cst_retro_by_name(cst_retro_by by)
{
    return (unsigned)by < CST_BY__COUNT ? by_names[by] : "";
}

int cst_retro_by_parse(const char *s)
{
    int i;

    for (i = 0; i < CST_BY__COUNT; i++) {
        if (strcmp(s, by_names[i]) == 0)
            return i;
    }
    return -1;
}

/* ---- departments ------------------------------------------------------ */

typedef struct depts_ctx {
    cst_depts *d;
    size_t cap;
    cst_status st;
    char msg[200];
} depts_ctx;

static int depts_handler(void *user, const char *section, const char *name,
                         const char *value)
{
    depts_ctx *c = user;
    cst_depts *d = c->d;
    char joined[256];
    size_t vl;
    const char *v;
    char *a;

    if (strcmp_ci(section, "departments") != 0) {
        c->st = CST_ERR_PARSE;
        snprintf(c->msg, sizeof(c->msg),
                 "[%.60s]: unknown section "
                 "(only [departments])",
                 section);
        return 0;
    }
    /* inih splits "mailto:a@b = X" at the colon: put it together again */
    if (strcmp_ci(name, "mailto") == 0) {
        const char *eq = strchr(value, '=');
        size_t al;
        const char *a0;

        if (eq == NULL || (size_t)(eq - value) >= sizeof(joined)) {
            c->st = CST_ERR_PARSE;
            snprintf(c->msg, sizeof(c->msg),
                     "not an address = department "
                     "line");
            return 0;
        }
        a0 = cst_trim(value, (size_t)(eq - value), &al);
        snprintf(joined, sizeof(joined), "%.*s", (int)al, a0);
        name = joined;
        value = eq + 1;
    }
    v = cst_trim(value, strlen(value), &vl);
    if (vl == 0 || strchr(name, '@') == NULL) {
        c->st = CST_ERR_INVALID;
        snprintf(c->msg, sizeof(c->msg), "%.80s: %s", name,
                 vl == 0 ? "no department" : "no e-mail address");
        return 0;
    }
    if (vl > CST_DEPTS_MAX_NAME || d->n >= CST_DEPTS_MAX_ENTRIES) {
        c->st = CST_ERR_TOO_LARGE;
        snprintf(c->msg, sizeof(c->msg), "%.80s: %s", name,
                 vl > CST_DEPTS_MAX_NAME ? "department name too long"
                                         : "too many addresses");
        return 0;
    }
    if (d->n == c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 32;
        char **na = realloc(d->addr, nc * sizeof(*na)), **nd;

        if (na == NULL)
            goto nomem;
        d->addr = na;
        nd = realloc(d->dept, nc * sizeof(*nd));
        if (nd == NULL)
            goto nomem;
        d->dept = nd;
        c->cap = nc;
    }
    a = cst_addr_norm(name);
    if (a == NULL)
        goto nomem;
    d->addr[d->n] = a;
    d->dept[d->n] = strndup(v, vl);
    if (d->dept[d->n] == NULL) {
        free(a);
        goto nomem;
    }
    d->n++;
    return 1;
nomem:
    c->st = CST_ERR_NOMEM;
    snprintf(c->msg, sizeof(c->msg), "out of memory");
    return 0;
}

typedef struct dpair {
    char *addr, *dept;
} dpair;

static int cmp_dpair(const void *a, const void *b)
{
    return strcmp(((const dpair *)a)->addr, ((const dpair *)b)->addr);
}

cst_status cst_depts_parse(const char *text, size_t len, cst_depts *d,
                           cst_error *err)
{
    depts_ctx c;
    char *copy = NULL;
    dpair *pairs;
    size_t i;
    int line;

    memset(d, 0, sizeof(*d));
    memset(&c, 0, sizeof(c));
    c.d = d;
    if (len > CST_DEPTS_MAX_BYTES) {
        cst_error_set(err, 0, "larger than %u bytes", CST_DEPTS_MAX_BYTES);
        return CST_ERR_TOO_LARGE;
    }
    if (memchr(text, '\0', len) != NULL) {
        cst_error_set(err, 0, "a NUL byte");
        return CST_ERR_PARSE;
    }
    copy = strndup(text, len);
    if (copy == NULL)
        return CST_ERR_NOMEM;
    line = ini_parse_string(copy, depts_handler, &c);
    free(copy);
    if (line != 0) {
        if (c.st == CST_OK) {
            c.st = CST_ERR_PARSE;
            snprintf(c.msg, sizeof(c.msg), "not an INI line");
        }
        cst_error_set(err, line, "%s", c.msg);
        return c.st;
    }
    if (d->n == 0)
        return CST_OK;
    /* sort, and refuse an address given twice */
    pairs = malloc(d->n * sizeof(*pairs));
    if (pairs == NULL)
        return CST_ERR_NOMEM;
    for (i = 0; i < d->n; i++) {
        pairs[i].addr = d->addr[i];
        pairs[i].dept = d->dept[i];
    }
    qsort(pairs, d->n, sizeof(*pairs), cmp_dpair);
    for (i = 0; i < d->n; i++) {
        d->addr[i] = pairs[i].addr;
        d->dept[i] = pairs[i].dept;
    }
    free(pairs);
    for (i = 1; i < d->n; i++) {
        if (strcmp(d->addr[i - 1], d->addr[i]) == 0) {
            cst_error_set(err, 0, "%.100s: given twice", d->addr[i]);
            return CST_ERR_INVALID;
        }
    }
    return CST_OK;
}

void cst_depts_fini(cst_depts *d)
{
    size_t i;

    if (d == NULL)
        return;
    for (i = 0; i < d->n; i++) {
        free(d->addr[i]);
        free(d->dept[i]);
    }
    free(d->addr);
    free(d->dept);
    memset(d, 0, sizeof(*d));
}

const char *cst_depts_find(const cst_depts *d, const char *addr)
{
    size_t lo = 0, hi, len;
    const char *a;

    if (d == NULL || d->n == 0 || addr == NULL)
        return NULL;
    a = cst_trim(addr, strlen(addr), &len);
    if (cst_prefix_ci(a, len, "mailto:") > 0) {
        a += 7;
        len -= 7;
    }
    hi = d->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2, i;
        const char *k = d->addr[mid];
        int c = 0;

        for (i = 0; i < len && c == 0; i++)
            c = lower_c((unsigned char)a[i]) - (unsigned char)k[i];
        if (c == 0 && k[len] != '\0')
            c = -1;
        if (c == 0)
            return d->dept[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

/* ---- lifecycle -------------------------------------------------------- */

cst_status cst_retro_new(const cst_retro_in *in, cst_retro **out)
{
    cst_retro *r = calloc(1, sizeof(*r));

    *out = NULL;
    if (r == NULL)
        return CST_ERR_NOMEM;
    r->in = *in;
    *out = r;
    return CST_OK;
}

static void fig_fini(cst_retro_fig *f)
{
    free(f->close_days);
    f->close_days = NULL;
}

void cst_retro_free(cst_retro **rp)
{
    cst_retro *r;
    size_t i;

    if (rp == NULL || *rp == NULL)
        return;
    r = *rp;
    for (i = 0; i < r->n_objs; i++)
        cst_object_free(&r->objs[i]);
    free(r->objs);
    free(r->m);
    for (i = 0; i < r->n_t; i++) {
        free(r->t[i].uid);
        free(r->t[i].related);
        free(r->t[i].occ);
        free(r->t[i].owner);
        free(r->t[i].owner_cn);
        free(r->t[i].owner_dept);
    }
    free(r->t);
    fig_fini(&r->total);
    for (i = 0; i < r->n_g; i++) {
        free(r->g[i].key);
        free(r->g[i].name);
        fig_fini(&r->g[i].fig);
    }
    free(r->g);
    free(r->hash);
    free(r);
    *rp = NULL;
}

/* ---- reading an object ------------------------------------------------ */

static void warnf(cst_retro *r, const char *fmt, const char *a)
{
    char buf[300];

    if (r->in.warn == NULL)
        return;
    snprintf(buf, sizeof(buf), fmt, a);
    r->in.warn(r->in.warn_ctx, buf);
}

/* The X-CALSTEWARD-DEPT parameter of p, or NULL. */
static const char *dept_param(icalproperty *p)
{
    icalparameter *q;

    for (q = icalproperty_get_first_parameter(p, ICAL_X_PARAMETER); q != NULL;
         q = icalproperty_get_next_parameter(p, ICAL_X_PARAMETER)) {
        const char *n = icalparameter_get_xname(q);
        const char *v = icalparameter_get_xvalue(q);

        if (n != NULL && strcmp_ci(n, "X-CALSTEWARD-DEPT") == 0 && v != NULL &&
            *v != '\0')
            return v;
    }
    return NULL;
}

/* The department of addr in meeting ev: the departments file, else the
 * X-CALSTEWARD-DEPT of its ORGANIZER or ATTENDEE property.  The string
 * lives as long as the object or the file. */
static const char *event_dept(const cst_retro *r, const cst_event *ev,
                              const char *addr)
{
    const char *d = cst_depts_find(r->in.depts, addr), *v;
    icalproperty *p;
    char *a;
    int same;

    if (d != NULL || addr == NULL)
        return d;
    p = icalcomponent_get_first_property(ev->comp, ICAL_ORGANIZER_PROPERTY);
    v = p != NULL ? dept_param(p) : NULL;
    if (v != NULL) {
        a = cst_addr_norm(icalproperty_get_organizer(p));
        same = a != NULL && strcmp(a, addr) == 0;
        free(a);
        if (same)
            return v;
    }
    for (p = icalcomponent_get_first_property(ev->comp, ICAL_ATTENDEE_PROPERTY);
         p != NULL; p = icalcomponent_get_next_property(
                        ev->comp, ICAL_ATTENDEE_PROPERTY)) {
        v = dept_param(p);
        if (v == NULL)
            continue;
        a = cst_addr_norm(icalproperty_get_attendee(p));
        same = a != NULL && strcmp(a, addr) == 0;
        free(a);
        if (same)
            return v;
    }
    return NULL;
}

static void occurrence_id(const cst_event *ev, time_t start, char *buf,
                          size_t n)
{
    if (ev->is_override)
        snprintf(buf, n, "%s", ev->recurrence_id ? ev->recurrence_id : "");
    else if (ev->is_recurring)
        cst_utc_string(start, buf, n);
    else
        buf[0] = '\0';
}

/* Adds the occurrences of ev held in the window.  Returns CST_OK or
 * CST_ERR_NOMEM; *added counts them. */
static cst_status add_event(cst_retro *r, const cst_object *o,
                            const cst_event *ev, size_t *added)
{
    time_t *skip = NULL;
    size_t n_skip = 0, n = cst_object_n_events(o), i, n_occ = 0;
    cst_occurrence *occ = NULL;
    cst_status st = CST_OK;
    int full = 0;

    if (ev->is_recurring) {
        skip = calloc(n ? n : 1, sizeof(*skip));
        if (skip == NULL)
            return CST_ERR_NOMEM;
        for (i = 0; i < n; i++) {
            const cst_event *e = cst_object_event(o, i);

            if (e->is_override && strcmp(e->uid, ev->uid) == 0)
                skip[n_skip++] = e->rid_utc;
        }
    }
    occ = malloc(CST_RETRO_MAX_PER_SERIES * sizeof(*occ));
    if (occ == NULL) {
        st = CST_ERR_NOMEM;
        goto done;
    }
    st = cst_occur_range(ev->vcal, ev->comp, r->in.from, r->in.to, skip, n_skip,
                         occ, CST_RETRO_MAX_PER_SERIES, &n_occ, &full);
    if (st == CST_ERR_TOO_LARGE) {
        warnf(r, "event %.120s: " CST_RECUR_BUDGET_MSG, ev->uid);
        st = CST_OK;
        goto done;
    }
    if (st != CST_OK) {
        /* no usable DTSTART: no occurrence */
        st = st == CST_ERR_NOMEM ? st : CST_OK;
        goto done;
    }
    if (full)
        warnf(r,
              "event %.120s: more occurrences in the window than the "
              "report counts; the rest left out",
              ev->uid);
    for (i = 0; i < n_occ; i++) {
        mrec *m;

        if (occ[i].end > r->in.now)
            continue; /* not over yet: not held */
        if (!grow((void **)&r->m, &r->cap_m, r->n_m, sizeof(*r->m),
                  (size_t)CST_RETRO_MAX_OBJECTS * 10)) {
            st = CST_ERR_NOMEM;
            break;
        }
        m = &r->m[r->n_m++];
        memset(m, 0, sizeof(*m));
        m->ev = ev;
        m->start = occ[i].start;
        m->end = occ[i].end;
        occurrence_id(ev, occ[i].start, m->occ, sizeof(m->occ));
        m->org_dept = event_dept(r, ev, ev->people[0].addr);
        (*added)++;
    }
done:
    free(occ);
    free(skip);
    return st;
}

static char *dup_or_null(const char *s)
{
    return s != NULL ? strdup(s) : NULL;
}

/* The text of the first X- property named name of c, or NULL. */
static const char *x_prop(icalcomponent *c, const char *name)
{
    icalproperty *p;

    for (p = icalcomponent_get_first_property(c, ICAL_X_PROPERTY); p != NULL;
         p = icalcomponent_get_next_property(c, ICAL_X_PROPERTY)) {
        const char *n = icalproperty_get_x_name(p);

        if (n != NULL && strcmp_ci(n, name) == 0)
            return icalproperty_get_x(p);
    }
    return NULL;
}

static cst_status add_task(cst_retro *r, icalcomponent *vcal,
                           icalcomponent *todo)
{
    const char *kind = x_prop(todo, "X-CALSTEWARD-KIND"), *s, *occ;
    icalproperty *p;
    trec t;

    if (kind == NULL || strcmp_ci(kind, "action-item") != 0)
        return CST_OK;
    p = icalcomponent_get_first_property(todo, ICAL_RELATEDTO_PROPERTY);
    s = p != NULL ? icalproperty_get_relatedto(p) : NULL;
    if (s == NULL)
        return CST_OK; /* no meeting to count it for */
    if (r->n_t >= CST_RETRO_MAX_TASKS)
        return CST_ERR_TOO_LARGE;
    memset(&t, 0, sizeof(t));
    t.meeting = -1;
    t.seq = r->n_t;
    occ = x_prop(todo, "X-CALSTEWARD-OCCURRENCE");
    t.related = strdup(s);
    t.occ = strdup(occ ? occ : "");
    s = icalcomponent_get_uid(todo);
    t.uid = strdup(s ? s : "");
    p = icalcomponent_get_first_property(todo, ICAL_ATTENDEE_PROPERTY);
    if (p != NULL) {
        char *a = cst_addr_norm(icalproperty_get_attendee(p));
        icalparameter *cn =
            icalproperty_get_first_parameter(p, ICAL_CN_PARAMETER);

        if (a != NULL && *a != '\0') {
            t.owner = malloc(strlen(a) + 8);
            if (t.owner != NULL)
                snprintf(t.owner, strlen(a) + 8, "mailto:%s", a);
        }
        free(a);
        if (cn != NULL)
            t.owner_cn = dup_or_null(icalparameter_get_cn(cn));
        t.owner_dept = dup_or_null(dept_param(p));
    }
    p = icalcomponent_get_first_property(todo, ICAL_DUE_PROPERTY);
    if (p != NULL) {
        struct icaltimetype d = icalproperty_get_due(p);

        if (!icaltime_is_null_time(d) && icaltime_is_valid_time(d)) {
            t.has_due = 1;
            if (d.is_date) {
                t.due_is_date = 1;
                t.due_y = d.year;
                t.due_m = d.month;
                t.due_d = d.day;
            } else if (cst_tz_prop_time(vcal, p, &t.due, NULL) != CST_OK) {
                t.has_due = 0;
            }
        }
    }
    t.cancelled = icalcomponent_get_status(todo) == ICAL_STATUS_CANCELLED;
    p = icalcomponent_get_first_property(todo, ICAL_COMPLETED_PROPERTY);
    t.completed =
        !t.cancelled &&
        (icalcomponent_get_status(todo) == ICAL_STATUS_COMPLETED || p != NULL);
    if (t.completed) {
        if (p == NULL)
            p = icalcomponent_get_first_property(todo,
                                                 ICAL_LASTMODIFIED_PROPERTY);
        if (p != NULL && cst_tz_prop_time(vcal, p, &t.closed, NULL) != CST_OK)
            t.closed = 0;
    }
    if (t.related == NULL || t.occ == NULL || t.uid == NULL ||
        !grow((void **)&r->t, &r->cap_t, r->n_t, sizeof(*r->t),
              CST_RETRO_MAX_TASKS)) {
        free(t.related);
        free(t.occ);
        free(t.uid);
        free(t.owner);
        free(t.owner_cn);
        free(t.owner_dept);
        return CST_ERR_NOMEM;
    }
    r->t[r->n_t++] = t;
    return CST_OK;
}

cst_status cst_retro_add(cst_retro *r, cst_object **op, cst_error *err)
{
    cst_object *o = *op;
    icalcomponent *vcal = cst_object_vcalendar(o), *c;
    size_t i, added = 0;
    cst_status st = CST_OK;

    /* the tasks first: they need nothing kept */
    if (vcal != NULL) {
        for (c = icalcomponent_get_first_component(vcal, ICAL_VTODO_COMPONENT);
             c != NULL && st == CST_OK;
             c = icalcomponent_get_next_component(vcal, ICAL_VTODO_COMPONENT))
            st = add_task(r, vcal, c);
        if (st == CST_ERR_TOO_LARGE)
            cst_error_set(err, 0, "more than %u action items",
                          CST_RETRO_MAX_TASKS);
        if (st != CST_OK)
            return st;
    }
    if (r->n_objs >= CST_RETRO_MAX_OBJECTS) {
        cst_error_set(err, 0, "more than %u objects with meetings",
                      CST_RETRO_MAX_OBJECTS);
        return CST_ERR_TOO_LARGE;
    }
    for (i = 0; i < cst_object_n_events(o) && st == CST_OK; i++) {
        const cst_event *ev = cst_object_event(o, i);

        if (ev->is_meeting && ev->n_people > 0)
            st = add_event(r, o, ev, &added);
    }
    if (st != CST_OK)
        return st;
    if (added > 0) {
        if (!grow((void **)&r->objs, &r->cap_objs, r->n_objs, sizeof(*r->objs),
                  CST_RETRO_MAX_OBJECTS))
            return CST_ERR_NOMEM;
        r->objs[r->n_objs++] = o;
        *op = NULL;
    }
    return CST_OK;
}

/* ---- figures ---------------------------------------------------------- */

static int lead(int present, time_t stamp, time_t due)
{
    if (!present)
        return CST_LEAD_MISSING;
    if (stamp == 0)
        return CST_LEAD_UNTRACKED;
    return stamp <= due ? CST_LEAD_ON_TIME : CST_LEAD_LATE;
}

static void fig_add_meeting(const cst_retro *r, cst_retro_fig *f, const mrec *m)
{
    const cst_event *ev = m->ev;
    const cst_policy *p = r->in.policy;
    const cst_span *g = &ev->sections.sec[CST_SEC_GOAL];
    long need, length;
    int o;

    f->meetings++;
    f->participants_sum += ev->n_counted;
    if (ev->n_counted > (size_t)p->max_participants)
        f->over_participant_limit++;
    if (ev->urgent) {
        f->urgent++;
    } else {
        f->agenda[lead(
            ev->agenda.n > 0, ev->agenda_sent,
            cst_add_local_days(m->start, ev->zone, -p->agenda_min_days))]++;
        f->materials[lead(
            ev->has_materials, ev->materials_sent,
            cst_add_local_days(m->start, ev->zone, -p->materials_min_days))]++;
    }
    f->minutes[lead(ev->has_minutes, ev->minutes_sent,
                    m->end + (time_t)p->minutes_max_hours * 3600)]++;
    if (!ev->has_goal)
        f->goal[CST_GOAL_MISSING]++;
    else if (cst_goal_is_vague(g->text, g->len))
        f->goal[CST_GOAL_VAGUE]++;
    else
        f->goal[CST_GOAL_STATED]++;
    if (cst_agenda_overruns(ev, p, m->start, m->end, &need, &length))
        f->agenda_overrun++;
    o = (int)ev->goal_reached;
    f->goal_reached[o >= CST_OUTCOME_YES && o <= CST_OUTCOME_NO ? o - 1 : 3]++;
}

/* The end of a DATE due: the next midnight in the meeting's zone. */
static time_t due_end(const trec *t, const mrec *m)
{
    struct icaltimetype d;

    if (!t->due_is_date)
        return t->due;
    d = icaltime_null_time();
    d.year = t->due_y;
    d.month = t->due_m;
    d.day = t->due_d;
    icaltime_adjust(&d, 1, 0, 0, 0);
    return cst_tz_local_to_utc(d, m->ev->zone);
}

static const char *task_dept(const cst_retro *r, const trec *t, const mrec *m)
{
    const char *d;

    if (t->owner == NULL)
        return NULL;
    d = cst_depts_find(r->in.depts, t->owner);
    if (d == NULL)
        d = t->owner_dept;
    if (d == NULL)
        d = event_dept(r, m->ev, t->owner + 7);
    return d;
}

static int fig_add_item(const cst_retro *r, cst_retro_fig *f, const trec *t,
                        const mrec *m)
{
    const char *od;
    time_t end = t->has_due ? due_end(t, m) : 0;

    f->items++;
    if (t->cancelled) {
        f->cancelled++;
    } else if (t->completed) {
        f->completed++;
        if (!t->has_due || (t->closed != 0 && t->closed <= end))
            f->completed_on_time++;
        if (t->closed != 0) {
            double days = (double)(t->closed - m->end) / 86400.0;

            if (!grow((void **)&f->close_days, &f->cap_close, f->n_close,
                      sizeof(double), CST_RETRO_MAX_TASKS))
                return 0;
            f->close_days[f->n_close++] = days < 0 ? 0 : days;
        }
    } else if (t->has_due && end < r->in.now) {
        f->overdue++;
    } else {
        f->open++;
    }
    od = task_dept(r, t, m);
    if (od != NULL && m->org_dept != NULL && strcmp_ci(od, m->org_dept) != 0)
        f->cross_department++;
    return 1;
}

int cst_retro_participants_mean(const cst_retro_fig *f, double *v)
{
    if (f->meetings == 0)
        return 0;
    *v = cst_retro_round3((double)f->participants_sum / (double)f->meetings);
    return 1;
}

int cst_retro_completion_rate(const cst_retro_fig *f, double *v)
{
    if (f->items - f->cancelled == 0)
        return 0;
    *v = cst_retro_round3((double)f->completed /
                          (double)(f->items - f->cancelled));
    return 1;
}

int cst_retro_on_time_rate(const cst_retro_fig *f, double *v)
{
    if (f->completed == 0)
        return 0;
    *v = cst_retro_round3((double)f->completed_on_time / (double)f->completed);
    return 1;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

int cst_retro_median_days(const cst_retro_fig *f, double *v)
{
    size_t n = f->n_close;

    if (n == 0)
        return 0;
    qsort(f->close_days, n, sizeof(double), cmp_double);
    if (n % 2 == 1)
        *v = f->close_days[n / 2];
    else
        *v = (f->close_days[n / 2 - 1] + f->close_days[n / 2]) / 2.0;
    *v = cst_retro_round3(*v);
    return 1;
}

/* ---- groups ----------------------------------------------------------- */

static size_t hash_key(cst_retro_by by, const char *key)
{
    size_t h = 2166136261u ^ (size_t)by;

    while (*key) {
        h ^= (unsigned char)*key++;
        h *= 16777619u;
    }
    return h;
}

static cst_status rehash(cst_retro *r)
{
    size_t cap = r->hash_cap ? r->hash_cap * 2 : 256, i;
    size_t *h = calloc(cap, sizeof(*h));

    if (h == NULL)
        return CST_ERR_NOMEM;
    for (i = 0; i < r->n_g; i++) {
        size_t k = hash_key(r->g[i].by, r->g[i].key) & (cap - 1);

        while (h[k] != 0)
            k = (k + 1) & (cap - 1);
        h[k] = i + 1;
    }
    free(r->hash);
    r->hash = h;
    r->hash_cap = cap;
    return CST_OK;
}

/* The group (by, key), made with name when it is new; NULL when out of
 * memory or past CST_RETRO_MAX_GROUPS (*st says which). */
static cst_retro_group *group(cst_retro *r, cst_retro_by by, const char *key,
                              const char *name, cst_status *st)
{
    size_t k;
    cst_retro_group *g;

    if (r->n_g * 2 >= r->hash_cap && (*st = rehash(r)) != CST_OK)
        return NULL;
    k = hash_key(by, key) & (r->hash_cap - 1);
    while (r->hash[k] != 0) {
        g = &r->g[r->hash[k] - 1];
        if (g->by == by && strcmp(g->key, key) == 0)
            return g;
        k = (k + 1) & (r->hash_cap - 1);
    }
    if (r->n_g >= CST_RETRO_MAX_GROUPS) {
        *st = CST_ERR_TOO_LARGE;
        return NULL;
    }
    if (!grow((void **)&r->g, &r->cap_g, r->n_g, sizeof(*r->g),
              CST_RETRO_MAX_GROUPS)) {
        *st = CST_ERR_NOMEM;
        return NULL;
    }
    g = &r->g[r->n_g];
    memset(g, 0, sizeof(*g));
    g->by = by;
    g->key = strdup(key);
    g->name = strdup(name ? name : "");
    if (g->key == NULL || g->name == NULL) {
        free(g->key);
        free(g->name);
        *st = CST_ERR_NOMEM;
        return NULL;
    }
    r->hash[k] = ++r->n_g;
    return g;
}

/* ISO 8601 week of a date: "2023-W25". */
static void iso_week(cst_date d, char *buf, size_t n)
{
    cst_iso_week(d.year, d.month, d.day, buf, n, NULL);
}

/* The index of group (by, key), made with name when new; -1 on error
 * (*st says which).  An index, not a pointer: r->g moves as it grows. */
static long group_at(cst_retro *r, cst_retro_by by, const char *key,
                     const char *name, cst_status *st)
{
    cst_retro_group *g = group(r, by, key, name, st);

    return g != NULL ? (long)(g - r->g) : -1;
}

/* Adds meeting mi to group gi once. */
static void group_meeting(cst_retro *r, long gi, size_t mi)
{
    cst_retro_group *g;

    if (gi < 0)
        return;
    g = &r->g[gi];
    if (g->last_meeting == mi + 1)
        return;
    g->last_meeting = mi + 1;
    fig_add_meeting(r, &g->fig, &r->m[mi]);
}

/* Adds task t of meeting m to group gi; 0 when out of memory. */
static int group_item(cst_retro *r, long gi, const trec *t, const mrec *m)
{
    return gi < 0 || fig_add_item(r, &r->g[gi].fig, t, m);
}

static cst_status meeting_groups(cst_retro *r, size_t mi)
{
    const mrec *m = &r->m[mi];
    const cst_event *ev = m->ev;
    unsigned mask = r->in.by_mask;
    cst_status st = CST_OK;
    long g[CST_BY__COUNT];
    char key[300];
    cst_date d = cst_event_local_date(ev, m->start);
    size_t i, j;
    int any;

    for (i = 0; i < CST_BY__COUNT; i++)
        g[i] = -1;
    if (mask & (1u << CST_BY_WEEK)) {
        iso_week(d, key, sizeof(key));
        g[CST_BY_WEEK] = group_at(r, CST_BY_WEEK, key, key, &st);
    }
    if (st == CST_OK && (mask & (1u << CST_BY_MONTH))) {
        snprintf(key, sizeof(key), "%04d-%02d", d.year, d.month);
        g[CST_BY_MONTH] = group_at(r, CST_BY_MONTH, key, key, &st);
    }
    if (st == CST_OK && (mask & (1u << CST_BY_ORGANIZER))) {
        snprintf(key, sizeof(key), "mailto:%.280s", ev->people[0].addr);
        g[CST_BY_ORGANIZER] = group_at(
            r, CST_BY_ORGANIZER, key,
            ev->people[0].cn ? ev->people[0].cn : ev->people[0].addr, &st);
    }
    if (st == CST_OK && (mask & (1u << CST_BY_SERIES)))
        g[CST_BY_SERIES] = group_at(r, CST_BY_SERIES, ev->uid,
                                    ev->summary ? ev->summary : ev->uid, &st);
    for (i = 0; i < CST_BY__COUNT; i++)
        group_meeting(r, g[i], mi);
    /* a department: every department among the participants */
    if (st == CST_OK && (mask & (1u << CST_BY_DEPARTMENT))) {
        any = 0;
        for (i = 0; i < ev->n_people && st == CST_OK; i++) {
            const char *dp;

            if (!ev->people[i].counted && i > 0)
                continue;
            dp = event_dept(r, ev, ev->people[i].addr);
            if (dp == NULL)
                continue;
            any = 1;
            group_meeting(r, group_at(r, CST_BY_DEPARTMENT, dp, dp, &st), mi);
        }
        if (!any && st == CST_OK)
            group_meeting(r, group_at(r, CST_BY_DEPARTMENT, "", "", &st), mi);
    }
    /* the action items: with their meeting's groups, and by owner and
     * the owner's department */
    for (j = m->first_task; j < m->first_task + m->n_tasks && st == CST_OK;
         j++) {
        const trec *t = &r->t[j];

        for (i = 0; i < CST_BY__COUNT; i++) {
            if (!group_item(r, g[i], t, m))
                st = CST_ERR_NOMEM;
        }
        if (st == CST_OK && (mask & (1u << CST_BY_OWNER))) {
            long og = group_at(r, CST_BY_OWNER, t->owner ? t->owner : "",
                               t->owner_cn ? t->owner_cn
                                           : (t->owner ? t->owner + 7 : ""),
                               &st);

            group_meeting(r, og, mi);
            if (!group_item(r, og, t, m))
                st = CST_ERR_NOMEM;
        }
        if (st == CST_OK && (mask & (1u << CST_BY_DEPARTMENT))) {
            const char *dp = task_dept(r, t, m);
            long dg =
                group_at(r, CST_BY_DEPARTMENT, dp ? dp : "", dp ? dp : "", &st);

            if (!group_item(r, dg, t, m))
                st = CST_ERR_NOMEM;
        }
    }
    return st;
}

/* ---- the join --------------------------------------------------------- */

static int cmp_mrec(const void *a, const void *b)
{
    const mrec *x = a, *y = b;
    int c = strcmp(x->ev->uid, y->ev->uid);

    if (c == 0)
        c = strcmp(x->occ, y->occ);
    if (c == 0)
        c = x->start < y->start ? -1 : x->start > y->start;
    return c;
}

static int cmp_group(const void *a, const void *b)
{
    const cst_retro_group *x = a, *y = b;
    int c;

    if (x->by != y->by)
        return (int)x->by - (int)y->by;
    /* "none" last */
    if ((x->key[0] == '\0') != (y->key[0] == '\0'))
        return x->key[0] == '\0' ? 1 : -1;
    c = strcmp(x->key, y->key);
    return c;
}

static long find_meeting(const cst_retro *r, const char *uid, const char *occ)
{
    size_t lo = 0, hi = r->n_m;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(uid, r->m[mid].ev->uid);

        if (c == 0)
            c = strcmp(occ, r->m[mid].occ);
        if (c == 0)
            return (long)mid;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return -1;
}

/* Orders tasks by UID, then by the order they were read. */
static int cmp_task_uid(const void *a, const void *b)
{
    const trec *x = a, *y = b;
    int c = strcmp(x->uid, y->uid);

    if (c != 0)
        return c;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Orders tasks by meeting, then by the order they were read. */
static int cmp_task_meeting(const void *a, const void *b)
{
    const trec *x = a, *y = b;

    if (x->meeting != y->meeting)
        return x->meeting < y->meeting ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

typedef struct when {
    time_t start;
    size_t i;
} when;

static int cmp_when(const void *a, const void *b)
{
    const when *x = a, *y = b;

    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

cst_status cst_retro_finish(cst_retro *r, cst_error *err)
{
    size_t i, j, k, w;
    when *order;
    cst_status st = CST_OK;

    /* one record per (UID, occurrence): the same meeting read from two
     * sources counts once (the first) */
    if (r->n_m > 1)
        qsort(r->m, r->n_m, sizeof(*r->m), cmp_mrec);
    for (i = 0, w = 0; i < r->n_m; i++) {
        if (w > 0 && strcmp(r->m[w - 1].ev->uid, r->m[i].ev->uid) == 0 &&
            strcmp(r->m[w - 1].occ, r->m[i].occ) == 0)
            continue;
        r->m[w++] = r->m[i];
    }
    r->n_m = w;

    /* one task per UID: the first copy (a task read from two lists) */
    if (r->n_t > 1)
        qsort(r->t, r->n_t, sizeof(*r->t), cmp_task_uid);
    for (i = 0; i < r->n_t; i++) {
        trec *t = &r->t[i];

        t->meeting = -1;
        if (i > 0 && t->uid[0] != '\0' && strcmp(r->t[i - 1].uid, t->uid) == 0)
            continue;
        t->meeting = find_meeting(r, t->related, t->occ);
    }
    if (r->n_t > 1)
        qsort(r->t, r->n_t, sizeof(*r->t), cmp_task_meeting);
    for (i = 0; i < r->n_t; i = j) {
        long mi = r->t[i].meeting;

        for (j = i; j < r->n_t && r->t[j].meeting == mi; j++)
            ;
        if (mi >= 0) {
            r->m[mi].first_task = i;
            r->m[mi].n_tasks = j - i;
        }
    }
    /* in time order, so that a group's name is that of its first
     * meeting (an organizer's CN may differ between meetings) */
    order = malloc((r->n_m ? r->n_m : 1) * sizeof(*order));
    if (order == NULL)
        return CST_ERR_NOMEM;
    for (i = 0; i < r->n_m; i++) {
        order[i].start = r->m[i].start;
        order[i].i = i;
    }
    if (r->n_m > 1)
        qsort(order, r->n_m, sizeof(*order), cmp_when);
    for (k = 0; k < r->n_m && st == CST_OK; k++) {
        const mrec *m = &r->m[order[k].i];

        i = order[k].i;
        fig_add_meeting(r, &r->total, m);
        for (j = m->first_task; j < m->first_task + m->n_tasks; j++) {
            if (!fig_add_item(r, &r->total, &r->t[j], m)) {
                st = CST_ERR_NOMEM;
                break;
            }
        }
        if (st == CST_OK)
            st = meeting_groups(r, i);
    }
    free(order);
    if (st == CST_ERR_TOO_LARGE)
        cst_error_set(err, 0, "more than %u groups", CST_RETRO_MAX_GROUPS);
    if (st != CST_OK)
        return st;
    if (r->n_g > 1)
        qsort(r->g, r->n_g, sizeof(*r->g), cmp_group);
    free(r->hash); /* the order changed */
    r->hash = NULL;
    r->hash_cap = 0;
    return CST_OK;
}

const cst_retro_fig *cst_retro_total(const cst_retro *r)
{
    return &r->total;
}

size_t cst_retro_n_groups(const cst_retro *r)
{
    return r->n_g;
}

const cst_retro_group *cst_retro_group_at(const cst_retro *r, size_t i)
{
    return i < r->n_g ? &r->g[i] : NULL;
}
