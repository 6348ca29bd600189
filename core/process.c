/*
 * process.c -- stamps, STRUCTURED-DATA and the DESCRIPTION block, written
 * as edits of the original text (never through libical's serialiser).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "icaltext.h"
#include "meeting.h"
#include "occur.h"
#include "process.h"
#include "rules.h"
#include "sections.h"
#include "structured.h"
#include "text.h"
#include "tz.h"

#define MAX_BLOCK_FINDINGS 12

/* A growing string. */
typedef struct sbuf {
    char *s;
    size_t n, cap;
    int oom;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t len)
{
    if (b->oom)
        return;
    if (b->n + len + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        char *ns;

        while (cap < b->n + len + 1)
            cap *= 2;
        ns = realloc(b->s, cap);
        if (ns == NULL) {
            b->oom = 1;
            return;
        }
        b->s = ns;
        b->cap = cap;
    }
    memcpy(b->s + b->n, s, len);
    b->n += len;
    b->s[b->n] = '\0';
}

static void sb_str(sbuf *b, const char *s)
{
    sb_put(b, s, strlen(s));
}

static const char *tr(const cst_process_in *in, const char *msgid)
{
    const char *t = in->tr ? in->tr(msgid, in->tr_ctx) : msgid;

    return t ? t : msgid;
}

static void hhmm(time_t t, icaltimezone *zone, char *buf, size_t n)
{
    struct icaltimetype lt = icaltime_from_timet_with_zone(
        t, 0, zone ? zone : icaltimezone_get_utc_timezone());

    snprintf(buf, n, "%02d:%02d", lt.hour, lt.minute);
}

static void utc_stamp(time_t t, char *buf, size_t n)
{
    struct icaltimetype u = icaltime_from_timet_with_zone(
        t, 0, icaltimezone_get_utc_timezone());

    snprintf(buf, n, "%04d%02d%02dT%02d%02d%02dZ", u.year, u.month, u.day,
             u.hour, u.minute, u.second);
}

/* The generated block's text (unescaped), or "" when it would be empty. */
static void build_block(const cst_process_in *in, const cst_event *ev,
                        time_t start, int has_occ, const cst_findings *f,
                        sbuf *b)
{
    char t1[8], t2[8], line[64];
    size_t i, shown = 0, open = 0;
    int timetable = in->policy->timetable && has_occ && ev->agenda.n > 0;

    for (i = 0; i < f->n; i++)
        open += (f->v[i].event == ev);
    if (!timetable && open == 0)
        return;
    sb_str(b, CST_BLOCK_BEGIN);
    sb_str(b, "\n");
    if (timetable) {
        sb_str(b, tr(in, N_("Timetable")));
        if (ev->zone != NULL) {
            sb_str(b, " (");
            sb_str(b, icaltimezone_get_tzid(ev->zone));
            sb_str(b, ")");
        }
        sb_str(b, ":\n");
        for (i = 0; i <= ev->agenda.n; i++) {
            time_t s = cst_agenda_item_start(ev, start, i);
            int minutes = (i < ev->agenda.n) ? ev->agenda.items[i].minutes
                                             : in->policy->buffer_minutes;

            hhmm(s, ev->zone, t1, sizeof(t1));
            if (minutes >= 0) {
                hhmm(s + (time_t)minutes * 60, ev->zone, t2, sizeof(t2));
                snprintf(line, sizeof(line), "%s\xE2\x80\x93%s  ", t1, t2);
            } else {
                snprintf(line, sizeof(line), "%s\xE2\x80\x93?      ", t1);
            }
            sb_str(b, line);
            if (i == ev->agenda.n) {
                sb_str(b, tr(in, N_("Buffer")));
            } else {
                sb_str(b, ev->agenda.items[i].topic);
                if (ev->agenda.items[i].owner != NULL) {
                    sb_str(b, " \xE2\x80\x94 ");
                    sb_str(b, ev->agenda.items[i].owner);
                }
            }
            sb_str(b, "\n");
        }
    }
    if (open > 0) {
        char msg[512];

        sb_str(b, tr(in, N_("Open points")));
        sb_str(b, ":\n");
        for (i = 0; i < f->n && shown < MAX_BLOCK_FINDINGS; i++) {
            if (f->v[i].event != ev)
                continue;
            cst_finding_message(&f->v[i], in->tr, in->tr_ctx, msg,
                                sizeof(msg));
            sb_str(b, "- ");
            sb_str(b, msg);
            sb_str(b, "\n");
            shown++;
        }
        if (open > shown) {
            snprintf(msg, sizeof(msg), "- (+%zu)\n", open - shown);
            sb_str(b, msg);
        }
    }
    sb_str(b, CST_BLOCK_END);
}

/* The previous copy's event with the same UID and RECURRENCE-ID. */
static const cst_event *prev_event(const cst_object *prev,
                                   const cst_event *ev)
{
    size_t i;

    if (prev == NULL)
        return NULL;
    for (i = 0; i < cst_object_n_events(prev); i++) {
        const cst_event *p = cst_object_event(prev, i);

        if (strcmp(p->uid, ev->uid) != 0)
            continue;
        if ((p->recurrence_id == NULL) != (ev->recurrence_id == NULL))
            continue;
        if (p->recurrence_id != NULL
            && strcmp(p->recurrence_id, ev->recurrence_id) != 0)
            continue;
        return p;
    }
    return NULL;
}

static cst_status add_stamp(cst_edits *e, const cst_icaltext *t, int comp,
                            const char *name, time_t present, time_t prev,
                            int has_content, time_t now)
{
    char line[96], ts[24];
    int n;

    if (present != 0 || cst_icaltext_find_prop(t, comp, name, 0) >= 0)
        return CST_OK; /* never moved (a bad value is left alone too) */
    if (prev != 0)
        utc_stamp(prev, ts, sizeof(ts));
    else if (has_content)
        utc_stamp(now, ts, sizeof(ts));
    else
        return CST_OK;
    n = snprintf(line, sizeof(line), "%s:%s", name, ts);
    return cst_edits_add(e, t, comp, line, (size_t)n);
}

/* Replaces, adds or removes our STRUCTURED-DATA in comp. */
static cst_status structured(cst_edits *e, const cst_icaltext *t, int comp,
                             const cst_event *ev, const cst_process_in *in,
                             time_t start, time_t end, int has_occ)
{
    static const char head[] = "STRUCTURED-DATA;VALUE=TEXT;"
                               "FMTTYPE=application/xml;"
                               "SCHEMA=\"" CST_AGENDA_NS "\":";
    char *xml = NULL, *esc = NULL, *line = NULL, *schema;
    size_t xl, el, ll = 0;
    int i, done = 0;
    cst_status st = CST_OK;

    if (ev->agenda.n > 0 && has_occ) {
        st = cst_agenda_xml(ev, start, end, in->policy, &xml, &xl);
        if (st != CST_OK)
            goto out;
        esc = cst_ical_escape_text(xml, xl, &el);
        line = esc ? malloc(sizeof(head) + el) : NULL;
        if (line == NULL) {
            st = CST_ERR_NOMEM;
            goto out;
        }
        memcpy(line, head, sizeof(head) - 1);
        memcpy(line + sizeof(head) - 1, esc, el + 1);
        ll = sizeof(head) - 1 + el;
    }
    for (i = cst_icaltext_find_prop(t, comp, "STRUCTURED-DATA", 0); i >= 0;
         i = cst_icaltext_find_prop(t, comp, "STRUCTURED-DATA",
                                    (size_t)i + 1)) {
        schema = cst_icaltext_param(t, (size_t)i, "SCHEMA");
        if (schema == NULL || strcmp(schema, CST_AGENDA_NS) != 0) {
            free(schema);
            continue;
        }
        free(schema);
        if (line != NULL && !done) {
            /* same bytes as before: leave the line (and its folding) */
            char *old = cst_icaltext_value(t, (size_t)i);
            int same = old != NULL && strcmp(old, esc) == 0;

            free(old);
            st = same ? CST_OK
                      : cst_edits_replace(e, t, (size_t)i, line, ll);
            done = 1;
        } else {
            st = cst_edits_remove(e, t, (size_t)i);
        }
        if (st != CST_OK)
            goto out;
    }
    if (line != NULL && !done)
        st = cst_edits_add(e, t, comp, line, ll);
out:
    free(xml);
    free(esc);
    free(line);
    return st;
}

/* Length of s without a generated block and the two line breaks put
 * before it (s is an escaped TEXT value). */
static size_t organizer_part(const char *s)
{
    const char *m = strstr(s, "-- calsteward: generated");
    size_t cut;
    int k;

    if (m == NULL)
        return strlen(s);
    cut = (size_t)(m - s);
    for (k = 0; k < 2 && cut >= 2 && s[cut - 2] == '\\'
                && (s[cut - 1] == 'n' || s[cut - 1] == 'N');
         k++)
        cut -= 2;
    return cut;
}

static cst_status description(cst_edits *e, const cst_icaltext *t, int comp,
                              const char *block, size_t block_len)
{
    char *old = NULL, *esc = NULL, *fold = NULL, *app = NULL;
    size_t el = 0, keep, r, ls, fl, al;
    int di = cst_icaltext_find_prop(t, comp, "DESCRIPTION", 0);
    cst_status st = CST_OK;

    if (block_len > 0) {
        esc = cst_ical_escape_text(block, block_len, &el);
        if (esc == NULL)
            return CST_ERR_NOMEM;
    }
    if (di < 0) {
        if (block_len > 0) {
            app = malloc(el + 13);
            if (app == NULL) {
                st = CST_ERR_NOMEM;
                goto out;
            }
            memcpy(app, "DESCRIPTION:", 12);
            memcpy(app + 12, esc, el + 1);
            st = cst_edits_add(e, t, comp, app, el + 12);
        }
        goto out;
    }
    old = cst_icaltext_value(t, (size_t)di);
    if (old == NULL) {
        st = CST_ERR_NOMEM;
        goto out;
    }
    keep = organizer_part(old);
    /* what follows the organizer's text: nothing, or two line breaks and
     * the block */
    al = block_len > 0 ? (keep > 0 ? 4 : 0) + el : 0;
    app = malloc(al + 1);
    if (app == NULL) {
        st = CST_ERR_NOMEM;
        goto out;
    }
    app[0] = '\0';
    if (block_len > 0) {
        if (keep > 0)
            memcpy(app, "\\n\\n", 4);
        memcpy(app + (keep > 0 ? 4 : 0), esc, el + 1);
    }
    if (strlen(old) == keep + al && memcmp(old + keep, app, al) == 0)
        goto out; /* unchanged */
    if (keep == 0 && al == 0) {
        st = cst_edits_remove(e, t, (size_t)di);
        goto out;
    }
    /* keep the organizer's bytes and folds; continue the physical line */
    r = cst_icaltext_raw_offset(t, (size_t)di, keep);
    for (ls = r; ls > 0 && t->buf[ls - 1] != '\n' && t->buf[ls - 1] != '\r';)
        ls--;
    if (al > 0) {
        fold = cst_ical_fold(app, al, r - ls, t->eol, &fl);
        if (fold == NULL) {
            st = CST_ERR_NOMEM;
            goto out;
        }
        fl -= strlen(t->eol);
    } else {
        fl = 0;
    }
    st = cst_edits_raw(e, r, cst_icaltext_value_end(t, (size_t)di) - r,
                       fold ? fold : "", fl);
out:
    free(old);
    free(esc);
    free(fold);
    free(app);
    return st;
}

/* The occurrence the timetable shows: the next one, else the last. */
static int timetable_occurrence(const cst_object *o, const cst_event *ev,
                                time_t now, time_t *start, time_t *end)
{
    time_t skip[64];
    size_t n_skip = 0, i;
    int has_next = 0, has_last = 0;
    cst_occurrence next, last;

    for (i = 0; i < cst_object_n_events(o) && n_skip < 64; i++) {
        const cst_event *x = cst_object_event(o, i);

        if (ev->is_recurring && x->is_override && strcmp(x->uid, ev->uid) == 0)
            skip[n_skip++] = x->rid_utc;
    }
    if (cst_occur_find(ev->vcal, ev->comp, now, skip, n_skip, &has_next,
                       &next, &has_last, &last) != CST_OK)
        return 0;
    if (has_next) {
        *start = next.start;
        *end = next.end;
        return 1;
    }
    if (has_last) {
        *start = last.start;
        *end = last.end;
        return 1;
    }
    return 0;
}

cst_status cst_process(const char *data, size_t len, const cst_process_in *in,
                       char **out, size_t *out_len, cst_error *err)
{
    cst_object *obj = NULL, *prev = NULL;
    cst_icaltext t;
    cst_findings f = {NULL, 0, 0};
    cst_edits e = {NULL, 0, 0};
    cst_error perr;
    cst_status st;
    size_t i, n_vevent = 0;
    char *uid = NULL;

    *out = NULL;
    *out_len = 0;
    memset(&t, 0, sizeof(t));
    st = cst_object_parse(data, len, in->policy, &obj, err);
    if (st != CST_OK)
        return st;
    st = cst_icaltext_scan(data, len, &t, err);
    if (st != CST_OK)
        goto done;
    for (i = 0; i < t.n_comps; i++)
        n_vevent += strcmp(t.comps[i].name, "VEVENT") == 0;
    if (n_vevent != cst_object_n_events(obj)) {
        cst_error_set(err, 0, "libical and the scanner disagree on the "
                      "number of VEVENTs (%zu, %zu)",
                      cst_object_n_events(obj), n_vevent);
        st = CST_ERR_PARSE;
        goto done;
    }
    if (in->previous != NULL
        && cst_object_parse(in->previous, in->previous_len, in->policy, &prev,
                            &perr) != CST_OK)
        prev = NULL; /* a bad stored copy only loses the carry-over */
    st = cst_check(obj, in->policy, in->now, &f);
    if (st != CST_OK)
        goto done;
    for (i = 0; i < cst_object_n_events(obj); i++) {
        const cst_event *ev = cst_object_event(obj, i);
        const cst_event *pe;
        int comp = cst_icaltext_nth_comp(&t, "VEVENT", i);
        int up;
        time_t start = 0, end = 0;
        int has_occ;
        sbuf block = {NULL, 0, 0, 0};

        if (!ev->is_meeting)
            continue;
        up = cst_icaltext_find_prop(&t, comp, "UID", 0);
        free(uid);
        uid = up >= 0 ? cst_icaltext_value(&t, (size_t)up) : NULL;
        if (ev->uid[0] != '\0' && (uid == NULL || strcmp(uid, ev->uid) != 0)) {
            cst_error_set(err, 0, "event %zu: UID does not match", i);
            st = CST_ERR_PARSE;
            goto done;
        }
        pe = prev_event(prev, ev);
        st = add_stamp(&e, &t, comp, "X-CALSTEWARD-AGENDA-SENT",
                       ev->agenda_sent, pe ? pe->agenda_sent : 0,
                       ev->agenda.n > 0, in->now);
        if (st == CST_OK)
            st = add_stamp(&e, &t, comp, "X-CALSTEWARD-MATERIALS-SENT",
                           ev->materials_sent, pe ? pe->materials_sent : 0,
                           ev->has_materials, in->now);
        if (st == CST_OK)
            st = add_stamp(&e, &t, comp, "X-CALSTEWARD-MINUTES-SENT",
                           ev->minutes_sent, pe ? pe->minutes_sent : 0,
                           ev->has_minutes, in->now);
        if (st != CST_OK)
            goto done;
        has_occ = timetable_occurrence(obj, ev, in->now, &start, &end);
        st = structured(&e, &t, comp, ev, in, start, end, has_occ);
        if (st != CST_OK)
            goto done;
        build_block(in, ev, start, has_occ, &f, &block);
        if (block.oom) {
            free(block.s);
            st = CST_ERR_NOMEM;
            goto done;
        }
        st = description(&e, &t, comp, block.s ? block.s : "", block.n);
        free(block.s);
        if (st != CST_OK)
            goto done;
    }
    if (e.n > 0) {
        st = cst_edits_apply(&e, &t, out, out_len);
        if (st == CST_OK && *out_len == len && memcmp(*out, data, len) == 0) {
            free(*out);
            *out = NULL;
            *out_len = 0;
        }
    }
done:
    free(uid);
    cst_edits_fini(&e);
    cst_findings_fini(&f);
    cst_icaltext_fini(&t);
    cst_object_free(&prev);
    cst_object_free(&obj);
    return st;
}
