/*
 * followup.c -- the overdue flag on stored tasks, and when a meeting
 * object next needs the sweep.
 *
 * The flag is written as edits of the stored text (core/icaltext.h), never
 * through libical's serialiser; libical only reads the object's
 * VTIMEZONEs when a DUE names a TZID.  The schedule reads the meeting
 * model (core/meeting.h) and its occurrences (core/occur.h) and mirrors
 * the comparisons of core/rules.c, core/process.c and core/tasks.c.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "doc.h"
#include "followup.h"
#include "icaltext.h"
#include "meeting.h"
#include "messages.h"
#include "occur.h"
#include "text.h"
#include "tz.h"
#include "util.h"

/* The flag's category per cst_lang. */
static const char *const overdue_category[] = {
    /* TRANSLATORS: the CATEGORIES value calsteward gives an overdue task.
     * calsteward writes it itself in the policy's language and recognises
     * exactly "Overdue" and "逾期": keep the Chinese translation 逾期. */
    [CST_LANG_EN] = N_("Overdue"),
    [CST_LANG_ZH_CN] = CST_OVERDUE_CATEGORY_ZH,
};

#define STATE_PROP "X-CALSTEWARD-STATE"
#define STATE_OVERDUE "overdue"

/* Occurrences looked at one by one for running meetings and the window,
 * before the answer is taken to be "now + 1" / "in the window". */
#define MAX_PROBES 1000

/* ---- the overdue flag ------------------------------------------------- */

/* The 1-based line of b[0..len) holding offset off. */
static int line_of(const char *b, size_t len, size_t off)
{
    size_t i;
    int line = 1;

    for (i = 0; i < off && i < len; i++) {
        if (b[i] == '\n' ||
            (b[i] == '\r' && (i + 1 == len || b[i + 1] != '\n')))
            line++;
    }
    return line;
}

/* Reads n decimal digits; returns -1 when one is no digit. */
static int digits(const char *s, size_t n)
{
    int v = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/*
 * Parses a DATE ("20230630") or DATE-TIME ("20230630T170000", "...Z")
 * value.  Returns 1 and fills *t (is_date set for a DATE, *utc for a
 * trailing Z), else 0.
 */
static int parse_due_value(const char *v, int want_date, struct icaltimetype *t,
                           int *utc)
{
    size_t n = strlen(v);

    *t = icaltime_null_time();
    *utc = 0;
    if (n < 8)
        return 0;
    t->year = digits(v, 4);
    t->month = digits(v + 4, 2);
    t->day = digits(v + 6, 2);
    if (t->year < 1 || t->month < 1 || t->month > 12 || t->day < 1 ||
        t->day > icaltime_days_in_month(t->month, t->year))
        return 0;
    if (n == 8) {
        t->is_date = 1;
        return 1;
    }
    if (want_date || (n != 15 && n != 16) || v[8] != 'T' ||
        (n == 16 && v[15] != 'Z'))
        return 0;
    t->hour = digits(v + 9, 2);
    t->minute = digits(v + 11, 2);
    t->second = digits(v + 13, 2);
    if (t->hour < 0 || t->hour > 23 || t->minute < 0 || t->minute > 59 ||
        t->second < 0 || t->second > 60)
        return 0;
    *utc = n == 16;
    return 1;
}

/*
 * Parses the object's VTIMEZONEs alone with libical (the rest of the text
 * never goes through it).  Returns the VCALENDAR (the caller frees it
 * with icalcomponent_free), NULL when the text has none; *st is set to
 * CST_ERR_NOMEM when out of memory.
 */
static icalcomponent *zones_of(const cst_icaltext *t, cst_status *st)
{
    cst_sbuf b = {NULL, 0, 0, 0};
    icalcomponent *root = NULL;
    size_t i;
    int any = 0;

    cst_sbuf_str(&b, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n");
    for (i = 0; i < t->n_comps; i++) {
        const cst_ical_comp *c = &t->comps[i];

        if (strcmp(c->name, "VTIMEZONE") != 0)
            continue;
        cst_sbuf_put(&b, t->buf + c->begin, c->after - c->begin);
        if (t->buf[c->after - 1] != '\n' && t->buf[c->after - 1] != '\r')
            cst_sbuf_str(&b, "\r\n"); /* the text's last line */
        any = 1;
    }
    cst_sbuf_str(&b, "END:VCALENDAR\r\n");
    if (b.oom)
        *st = CST_ERR_NOMEM;
    else if (any)
        root = icalparser_parse_string(b.s);
    free(b.s);
    return root;
}

/*
 * Reads DUE (property i of t) as a UTC instant: see cst_task_followup().
 * Returns CST_OK, CST_ERR_PARSE (err names the line) or CST_ERR_NOMEM.
 */
static cst_status read_due(const cst_icaltext *t, size_t i, icaltimezone *local,
                           time_t *due, cst_error *err)
{
    char *v = cst_icaltext_value(t, i), *vt = NULL, *tzid = NULL;
    icalcomponent *zones = NULL;
    icaltimezone *z = NULL;
    struct icaltimetype tt;
    cst_status st = CST_OK;
    size_t vl;
    const char *s;
    int utc, want_date;

    vt = cst_icaltext_param(t, i, "VALUE");
    tzid = cst_icaltext_param(t, i, "TZID");
    if (v == NULL) {
        st = CST_ERR_NOMEM;
        goto done;
    }
    want_date = vt != NULL && strcasecmp(vt, "DATE") == 0;
    s = cst_trim(v, strlen(v), &vl);
    if (vl >= 32) {
        st = CST_ERR_PARSE;
    } else {
        char buf[32];

        memcpy(buf, s, vl);
        buf[vl] = '\0';
        if (!parse_due_value(buf, want_date, &tt, &utc))
            st = CST_ERR_PARSE;
    }
    if (st != CST_OK) {
        cst_error_set(err, line_of(t->buf, t->len, t->props[i].start),
                      "DUE \"%.40s\" is no date or date-time", v);
        goto done;
    }
    if (tt.is_date) {
        /* the day passes at its end: 00:00 of the next day, local */
        icaltime_adjust(&tt, 1, 0, 0, 0);
        tt.is_date = 0;
        tt.hour = tt.minute = tt.second = 0;
        z = local;
    } else if (utc) {
        z = NULL;
    } else if (tzid != NULL) {
        zones = zones_of(t, &st);
        if (st != CST_OK)
            goto done;
        st = cst_tz_check_zones(zones, err);
        if (st != CST_OK)
            goto done;
        z = cst_tz_resolve(zones, tzid); /* unknown: UTC, as core/tz.h */
    } else {
        z = local; /* floating */
    }
    tt.zone = NULL;
    *due = cst_tz_to_utc(tt, z);
done:
    if (zones != NULL)
        icalcomponent_free(zones);
    free(v);
    free(vt);
    free(tzid);
    return st;
}

/* One value of a CATEGORIES list: [a, b) in the unfolded value. */
typedef struct cat_val {
    size_t a, b;
    int drop;
} cat_val;

/* Compares a list value (escaped TEXT, blanks around it ignored). */
static int value_is(const char *v, size_t a, size_t b, const char *name)
{
    size_t tl;
    const char *s = cst_trim(v + a, b - a, &tl);

    return tl == strlen(name) && memcmp(s, name, tl) == 0;
}

/* Splits a CATEGORIES value on its unescaped commas.  Returns the number
 * of values, or 0 when out of memory. */
static size_t split_list(const char *v, cat_val **out)
{
    size_t n = 1, i, k = 0, a = 0, len = strlen(v);
    cat_val *r;

    for (i = 0; i < len; i++) {
        if (v[i] == '\\' && i + 1 < len)
            i++;
        else if (v[i] == ',')
            n++;
    }
    r = calloc(n, sizeof(*r));
    if (r == NULL)
        return 0;
    for (i = 0; i <= len; i++) {
        if (i < len && v[i] == '\\' && i + 1 < len) {
            i++;
            continue;
        }
        if (i == len || v[i] == ',') {
            r[k].a = a;
            r[k].b = i;
            k++;
            a = i + 1;
        }
    }
    *out = r;
    return n;
}

/*
 * Deletes unfolded value bytes [a, b) of property i.  The folds inside
 * go with them, unless the two physical lines they join would then be
 * longer than 75 octets: then one fold stays in their place.
 */
static cst_status delete_value_bytes(cst_edits *e, const cst_icaltext *t,
                                     size_t i, size_t a, size_t b)
{
    const char *buf = t->buf;
    size_t ra = cst_icaltext_raw_offset(t, i, a);
    size_t rb = cst_icaltext_raw_offset(t, i, b - 1) + 1;
    size_t k, fold = 0, fold_len = 0, ls, le;

    for (k = ra; k < rb; k++) {
        if (buf[k] == '\r' || buf[k] == '\n') {
            fold = k;
            fold_len =
                (buf[k] == '\r' && k + 1 < rb && buf[k + 1] == '\n') ? 3 : 2;
            break;
        }
    }
    if (fold_len > 0) {
        for (ls = ra; ls > 0 && buf[ls - 1] != '\n' && buf[ls - 1] != '\r';)
            ls--;
        for (le = rb; le < t->len && buf[le] != '\n' && buf[le] != '\r';)
            le++;
        if ((ra - ls) + (le - rb) > 75)
            return cst_edits_raw(e, ra, rb - ra, buf + fold, fold_len);
    }
    return cst_edits_raw(e, ra, rb - ra, "", 0);
}

/*
 * Removes the values named in `names` (NULL-terminated) from every
 * CATEGORIES line of comp c.  *held is set when a line holds `keep`
 * (NULL: none).  Sets *changed when it edits.
 */
static cst_status drop_categories(cst_edits *e, const cst_icaltext *t, int c,
                                  const char *const *names, const char *keep,
                                  int *held, int *changed)
{
    cst_status st = CST_OK;
    int i;

    for (i = cst_icaltext_find_prop(t, c, "CATEGORIES", 0); i >= 0;
         i = cst_icaltext_find_prop(t, c, "CATEGORIES", (size_t)i + 1)) {
        char *v = cst_icaltext_value(t, (size_t)i);
        cat_val *vals = NULL;
        size_t n, k, n_drop = 0, k0;

        if (v == NULL)
            return CST_ERR_NOMEM;
        n = split_list(v, &vals);
        if (n == 0) {
            free(v);
            return CST_ERR_NOMEM;
        }
        for (k = 0; k < n; k++) {
            size_t j;

            if (keep != NULL && value_is(v, vals[k].a, vals[k].b, keep))
                *held = 1;
            for (j = 0; names[j] != NULL; j++) {
                if (value_is(v, vals[k].a, vals[k].b, names[j]))
                    vals[k].drop = 1;
            }
            n_drop += (size_t)vals[k].drop;
        }
        if (n_drop == n) {
            st = cst_edits_remove(e, t, (size_t)i);
        } else if (n_drop > 0) {
            /* values before the first kept one go with the comma after
             * them; later ones with the comma before them */
            k0 = 0;
            while (vals[k0].drop)
                k0++;
            if (k0 > 0)
                st = delete_value_bytes(e, t, (size_t)i, vals[0].a, vals[k0].a);
            for (k = k0 + 1; k < n && st == CST_OK; k++) {
                if (vals[k].drop)
                    st = delete_value_bytes(e, t, (size_t)i, vals[k].a - 1,
                                            vals[k].b);
            }
        }
        *changed |= n_drop > 0;
        free(vals);
        free(v);
        if (st != CST_OK)
            return st;
    }
    return CST_OK;
}

/* Makes X-CALSTEWARD-STATE say overdue (want) or go (!want). */
static cst_status set_state(cst_edits *e, const cst_icaltext *t, int c,
                            int want, int *changed)
{
    static const char line[] = STATE_PROP ":" STATE_OVERDUE;
    cst_status st = CST_OK;
    int i, first = 1;

    for (i = cst_icaltext_find_prop(t, c, STATE_PROP, 0);
         i >= 0 && st == CST_OK;
         i = cst_icaltext_find_prop(t, c, STATE_PROP, (size_t)i + 1)) {
        if (want && first) {
            char *v = cst_icaltext_value(t, (size_t)i);
            size_t vl;
            const char *s;

            if (v == NULL)
                return CST_ERR_NOMEM;
            s = cst_trim(v, strlen(v), &vl);
            if (!cst_eq_ci(s, vl, STATE_OVERDUE)) {
                st = cst_edits_replace(e, t, (size_t)i, line, sizeof(line) - 1);
                *changed = 1;
            }
            free(v);
        } else {
            st = cst_edits_remove(e, t, (size_t)i);
            *changed = 1;
        }
        first = 0;
    }
    if (st == CST_OK && want && first) {
        st = cst_edits_add(e, t, c, line, sizeof(line) - 1);
        *changed = 1;
    }
    return st;
}

/*
 * DTSTAMP (added when missing) and LAST-MODIFIED (when present) of a
 * changed VTODO become now, as cst_task_merge() does.  SEQUENCE stays:
 * it counts the organizer's revisions of the task (RFC 5545 3.8.7.4 --
 * due date, status, summary), and the overdue flag is calsteward's note
 * about the task, no reschedule; a higher SEQUENCE would also make an
 * iTIP client take every sweep for a new version to send to the owner.
 */
static cst_status touch(cst_edits *e, const cst_icaltext *t, int c, time_t now)
{
    char line[64], ts[24];
    int d = cst_icaltext_find_prop(t, c, "DTSTAMP", 0);
    int lm = cst_icaltext_find_prop(t, c, "LAST-MODIFIED", 0);
    cst_status st;
    int n;

    cst_utc_string(now, ts, sizeof(ts));
    n = snprintf(line, sizeof(line), "DTSTAMP:%s", ts);
    st = d >= 0 ? cst_edits_replace(e, t, (size_t)d, line, (size_t)n)
                : cst_edits_add(e, t, c, line, (size_t)n);
    if (st == CST_OK && lm >= 0) {
        n = snprintf(line, sizeof(line), "LAST-MODIFIED:%s", ts);
        st = cst_edits_replace(e, t, (size_t)lm, line, (size_t)n);
    }
    return st;
}

/* Reads STATUS of comp c: 1 for COMPLETED or CANCELLED.  -1: no memory. */
static int is_done(const cst_icaltext *t, int c)
{
    int i = cst_icaltext_find_prop(t, c, "STATUS", 0), r;
    char *v;
    const char *s;
    size_t vl;

    if (i < 0)
        return 0;
    v = cst_icaltext_value(t, (size_t)i);
    if (v == NULL)
        return -1;
    s = cst_trim(v, strlen(v), &vl);
    r = cst_eq_ci(s, vl, "COMPLETED") || cst_eq_ci(s, vl, "CANCELLED");
    free(v);
    return r;
}

/* Applies the flag to one VTODO of ours; fills *one. */
static cst_status followup_one(cst_edits *e, const cst_icaltext *t, int c,
                               const cst_policy *p, time_t now,
                               icaltimezone *local, cst_task_state *one,
                               cst_error *err)
{
    static const char *const both[] = {CST_OVERDUE_CATEGORY_EN,
                                       CST_OVERDUE_CATEGORY_ZH, NULL};
    const char *mine =
        overdue_category[p->language == CST_LANG_ZH_CN ? CST_LANG_ZH_CN
                                                       : CST_LANG_EN];
    const char *other[2] = {NULL, NULL};
    int di = cst_icaltext_find_prop(t, c, "DUE", 0), changed = 0, held = 0;
    int rule_on = p->mode[CST_RULE_ACTION_ITEM_OVERDUE] != CST_MODE_OFF;
    cst_status st;

    memset(one, 0, sizeof(*one));
    one->ours = 1;
    if (di >= 0) {
        st = read_due(t, (size_t)di, local, &one->due, err);
        if (st != CST_OK)
            return st;
    }
    one->done = is_done(t, c);
    if (one->done < 0)
        return CST_ERR_NOMEM;
    one->overdue = rule_on && !one->done && di >= 0 && now > one->due;
    if (rule_on && !one->done && di >= 0 && !one->overdue)
        one->next_check = one->due + 1;
    if (one->overdue) {
        other[0] = strcmp(mine, both[0]) == 0 ? both[1] : both[0];
        st = drop_categories(e, t, c, other, mine, &held, &changed);
        if (st == CST_OK && !held) {
            char line[64];
            int n = snprintf(line, sizeof(line), "CATEGORIES:%s", mine);

            st = cst_edits_add(e, t, c, line, (size_t)n);
            changed = 1;
        }
    } else {
        st = drop_categories(e, t, c, both, NULL, &held, &changed);
    }
    if (st == CST_OK)
        st = set_state(e, t, c, one->overdue, &changed);
    if (st == CST_OK && changed)
        st = touch(e, t, c, now);
    return st;
}

/* Resolves local_tz (NULL: UTC, *local NULL) and scans a stored task
 * object into t: no NUL byte, at least one component.  Returns CST_OK,
 * CST_ERR_INVALID for an unknown zone, the errors of the scan; t is to
 * be released by the caller in every case. */
static cst_status open_task(const char *ics, size_t len, const char *local_tz,
                            cst_icaltext *t, icaltimezone **local,
                            cst_error *err)
{
    const char *nul;
    cst_status st;

    *local = NULL;
    if (local_tz != NULL) {
        *local = cst_tz_resolve(NULL, local_tz);
        if (*local == NULL) {
            cst_error_set(err, 0, "unknown time zone \"%.64s\"", local_tz);
            return CST_ERR_INVALID;
        }
        if (*local == icaltimezone_get_utc_timezone())
            *local = NULL;
    }
    st = cst_icaltext_scan(ics, len, t, err);
    if (st != CST_OK)
        return st;
    nul = memchr(ics, '\0', len);
    if (nul != NULL) {
        cst_error_set(err, line_of(ics, len, (size_t)(nul - ics)),
                      "NUL byte in the text");
        return CST_ERR_PARSE;
    }
    if (t->n_comps == 0) {
        cst_error_set(err, 1, "not iCalendar: no BEGIN line");
        return CST_ERR_PARSE;
    }
    return CST_OK;
}

cst_status cst_task_followup(const char *ics, size_t len, const cst_policy *p,
                             time_t now, const char *local_tz, char **out,
                             size_t *out_len, cst_task_state *state,
                             cst_error *err)
{
    cst_icaltext t;
    cst_edits e = {NULL, 0, 0};
    cst_task_state scratch, one;
    cst_task_state *s = state ? state : &scratch;
    icaltimezone *local = NULL;
    cst_status st = CST_OK;
    size_t n;
    int c, first = 1;

    *out = NULL;
    *out_len = 0;
    memset(s, 0, sizeof(*s));
    memset(&t, 0, sizeof(t));
    st = open_task(ics, len, local_tz, &t, &local, err);
    if (st != CST_OK)
        goto done;
    for (n = 0; n < t.n_comps; n++) {
        c = (int)n;
        int k;

        if (strcmp(t.comps[n].name, "VTODO") != 0 ||
            (k = cst_icaltext_find_prop(&t, c, "X-CALSTEWARD-KIND", 0)) < 0)
            continue; /* no task, or the user's own */
        {
            /* the digest (core/digest.h) is a reminder of overdue items,
             * not one of them: its DUE is for the organizer alone */
            char *kind = cst_icaltext_value(&t, (size_t)k);
            int digest = kind != NULL && strcmp(kind, "digest") == 0;

            if (kind == NULL) {
                st = CST_ERR_NOMEM;
                goto done;
            }
            free(kind);
            if (digest)
                continue;
        }
        st = followup_one(&e, &t, c, p, now, local, &one, err);
        if (st != CST_OK)
            goto done;
        if (first) {
            *s = one;
            first = 0;
        }
        s->overdue |= one.overdue;
        if (one.next_check != 0 &&
            (s->next_check == 0 || one.next_check < s->next_check))
            s->next_check = one.next_check;
    }
    if (e.n > 0) {
        st = cst_edits_apply(&e, &t, out, out_len);
        if (st == CST_OK && *out_len == len && memcmp(*out, ics, len) == 0) {
            free(*out);
            *out = NULL;
            *out_len = 0;
        }
    }
done:
    if (st != CST_OK) {
        free(*out);
        *out = NULL;
        *out_len = 0;
        memset(s, 0, sizeof(*s));
    }
    cst_edits_fini(&e);
    cst_icaltext_fini(&t);
    return st;
}

/* ---- what a task says ------------------------------------------------- */

/* A calendar address as compared (cst_addr_norm()). */
static char *address_of(const cst_icaltext *t, size_t i)
{
    char *v = cst_icaltext_value(t, i), *r;

    if (v == NULL)
        return NULL;
    r = cst_addr_norm(v);
    free(v);
    return r;
}

/* The meeting a task's DESCRIPTION names after "From the meeting: " (as
 * core/tasks.c writes it, in English or Chinese), or NULL (*oom set
 * when the copy failed). */
static char *meeting_of(const char *desc, int *oom)
{
    static const char *const labels[] = {
        "From the meeting: ", "\xE6\x9D\xA5\xE8\x87\xAA\xE4\xBC\x9A\xE8\xAE\xAE: ", /* 来自会议 */
        NULL};
    const char *line = desc;
    size_t k;

    while (line != NULL && *line != '\0') {
        const char *e = strchr(line, '\n');
        size_t n = e ? (size_t)(e - line) : strlen(line);

        for (k = 0; labels[k] != NULL; k++) {
            size_t ll = strlen(labels[k]);

            if (n > ll && memcmp(line, labels[k], ll) == 0) {
                char *m = cst_strndup(line + ll, n - ll);

                if (m == NULL)
                    *oom = 1;
                return m;
            }
        }
        line = e ? e + 1 : NULL;
    }
    return NULL;
}

/* A copy of the unescaped value of the first `name` of comp c, or NULL
 * (*oom set when the copy failed). */
static char *first_value(const cst_icaltext *t, int c, const char *name,
                         int *oom)
{
    int i = cst_icaltext_find_prop(t, c, name, 0);
    char *v;

    if (i < 0)
        return NULL;
    v = cst_icaltext_value(t, (size_t)i);
    if (v == NULL)
        *oom = 1;
    return v;
}

/* As first_value(), for a TEXT value: its escapes undone. */
static char *first_text(const cst_icaltext *t, int c, const char *name,
                        int *oom)
{
    char *v = first_value(t, c, name, oom), *u;
    size_t n;

    if (v == NULL)
        return NULL;
    u = cst_ical_unescape_text(v, strlen(v), &n);
    free(v);
    if (u == NULL)
        *oom = 1;
    return u;
}

cst_status cst_task_facts_read(const char *ics, size_t len,
                               const char *local_tz, cst_task_facts *out,
                               cst_error *err)
{
    cst_icaltext t;
    icaltimezone *local = NULL;
    cst_status st;
    size_t n;
    int c = -1, i, oom = 0;
    char *desc = NULL, *status = NULL;

    memset(out, 0, sizeof(*out));
    memset(&t, 0, sizeof(t));
    st = open_task(ics, len, local_tz, &t, &local, err);
    if (st != CST_OK)
        goto done;
    for (n = 0; n < t.n_comps && c < 0; n++) {
        if (strcmp(t.comps[n].name, "VTODO") == 0 &&
            cst_icaltext_find_prop(&t, (int)n, "X-CALSTEWARD-KIND", 0) >= 0)
            c = (int)n;
    }
    if (c < 0)
        goto done;
    out->uid = first_value(&t, c, "UID", &oom);
    if (out->uid == NULL) {
        if (!oom)
            goto done; /* no UID: nothing to name it by */
        st = CST_ERR_NOMEM;
        goto done;
    }
    out->kind = first_value(&t, c, "X-CALSTEWARD-KIND", &oom);
    out->summary = first_text(&t, c, "SUMMARY", &oom);
    out->related = first_text(&t, c, "RELATED-TO", &oom);
    desc = first_text(&t, c, "DESCRIPTION", &oom);
    status = first_value(&t, c, "STATUS", &oom);
    if (oom) {
        st = CST_ERR_NOMEM;
        goto done;
    }
    if (desc != NULL && (out->meeting = meeting_of(desc, &oom)) == NULL &&
        oom) {
        st = CST_ERR_NOMEM;
        goto done;
    }
    if (status != NULL) {
        const char *s = cst_trim(status, strlen(status), &n);

        out->cancelled = cst_eq_ci(s, n, "CANCELLED");
        out->done = out->cancelled || cst_eq_ci(s, n, "COMPLETED");
    }
    i = cst_icaltext_find_prop(&t, c, "ORGANIZER", 0);
    if (i >= 0) {
        out->organizer = address_of(&t, (size_t)i);
        out->organizer_cn = cst_icaltext_param(&t, (size_t)i, "CN");
        if (out->organizer == NULL) {
            st = CST_ERR_NOMEM;
            goto done;
        }
    }
    i = cst_icaltext_find_prop(&t, c, "ATTENDEE", 0);
    if (i >= 0) {
        out->owner = address_of(&t, (size_t)i);
        out->owner_cn = cst_icaltext_param(&t, (size_t)i, "CN");
        if (out->owner == NULL) {
            st = CST_ERR_NOMEM;
            goto done;
        }
    }
    i = cst_icaltext_find_prop(&t, c, "DUE", 0);
    if (i >= 0) {
        char *v = cst_icaltext_value(&t, (size_t)i);
        const char *s;
        size_t vl;

        st = read_due(&t, (size_t)i, local, &out->due, err);
        if (st != CST_OK || v == NULL) {
            free(v);
            st = st != CST_OK ? st : CST_ERR_NOMEM;
            goto done;
        }
        s = cst_trim(v, strlen(v), &vl);
        out->has_due = 1;
        out->due_is_date = vl == 8;
        if (vl >= 8 && sscanf(s, "%4d%2d%2d", &out->due_y, &out->due_m,
                              &out->due_d) != 3)
            out->due_y = out->due_m = out->due_d = 0;
        free(v);
    }
done:
    free(desc);
    free(status);
    cst_icaltext_fini(&t);
    if (st != CST_OK)
        cst_task_facts_fini(out);
    return st;
}

void cst_task_facts_fini(cst_task_facts *f)
{
    if (f == NULL)
        return;
    free(f->uid);
    free(f->kind);
    free(f->summary);
    free(f->organizer);
    free(f->organizer_cn);
    free(f->owner);
    free(f->owner_cn);
    free(f->related);
    free(f->meeting);
    memset(f, 0, sizeof(*f));
}

/* ---- the schedule ----------------------------------------------------- */

/* Keeps the smallest candidate later than now. */
static void candidate(time_t *best, time_t now, time_t x)
{
    if (x > now && (*best == 0 || x < *best))
        *best = x;
}

/*
 * An upper bound of the length of every occurrence of ev, as core/occur.c
 * measures them: DTEND - DTSTART, else DURATION, and each RDATE PERIOD
 * (counted generously: its wall-clock length and two days, for a zone
 * change between its ends).  Too long only costs a few more probes.
 */
static time_t max_length(const cst_event *ev)
{
    icalproperty *q;
    time_t start0 = 0, end, d = 0;

    q = icalcomponent_get_first_property(ev->comp, ICAL_DTSTART_PROPERTY);
    if (q != NULL && cst_tz_prop_time(ev->vcal, q, &start0, NULL) == CST_OK) {
        q = icalcomponent_get_first_property(ev->comp, ICAL_DTEND_PROPERTY);
        if (q != NULL) {
            if (cst_tz_prop_time(ev->vcal, q, &end, NULL) == CST_OK &&
                end > start0)
                d = end - start0;
        } else {
            q = icalcomponent_get_first_property(ev->comp,
                                                 ICAL_DURATION_PROPERTY);
            if (q != NULL) {
                int secs =
                    icaldurationtype_as_int(icalproperty_get_duration(q));

                if (secs > 0)
                    d = secs;
            }
        }
    }
    for (q = icalcomponent_get_first_property(ev->comp, ICAL_RDATE_PROPERTY);
         q != NULL;
         q = icalcomponent_get_next_property(ev->comp, ICAL_RDATE_PROPERTY)) {
        struct icaldatetimeperiodtype dp = icalproperty_get_rdate(q);
        time_t l;

        if (!icaltime_is_null_time(dp.time) ||
            icaltime_is_null_time(dp.period.start))
            continue;
        if (!icaltime_is_null_time(dp.period.end))
            l = icaltime_as_timet(dp.period.end) -
                icaltime_as_timet(dp.period.start);
        else
            l = icaldurationtype_as_int(dp.period.duration);
        l += 2 * 86400;
        if (l > d)
            d = l;
    }
    return d;
}

/* The occurrences of ev, less its overrides in obj. */
typedef struct occ_set {
    const cst_object *obj;
    const cst_event *ev;
    time_t max_len;
} occ_set;

/* cst_occur_event() on the set; returns 0 when it fails. */
static int find(const occ_set *o, time_t t, int *hn, cst_occurrence *next,
                int *hl, cst_occurrence *last)
{
    return cst_occur_event(o->obj, o->ev, t, hn, next, hl, last) == CST_OK;
}

/*
 * The candidates of one set of occurrences (see cst_meeting_schedule_get)
 * into *best.
 */
static void schedule_set(const occ_set *o, const cst_policy *p, time_t now,
                         time_t *best)
{
    const cst_event *ev = o->ev;
    cst_occurrence next, last;
    int hn = 0, hl = 0, probes;
    time_t t;

    if (!find(o, now, &hn, &next, &hl, &last))
        return; /* no usable DTSTART: the rules skip it too */
    if (hn) {
        /* rules.c checks "before" an occurrence with start > now, and
         * tasks.c builds its preparation tasks; process.c's timetable
         * shows the one with start >= now */
        candidate(best, now, next.start);
        candidate(best, now, next.start + 1);
        candidate(
            best, now,
            cst_add_local_days(next.start, ev->zone, -p->agenda_min_days) + 1);
        candidate(
            best, now,
            cst_add_local_days(next.start, ev->zone, -p->materials_min_days) +
                1);
    }
    if (hl)
        candidate(best, now,
                  last.end + (time_t)p->minutes_max_hours * 3600 + 1);
    /* an occurrence running now becomes "the last that ended" at its end:
     * those that started in (now - max_len, now] */
    if (o->max_len <= 0)
        return;
    t = now - o->max_len + 1;
    for (probes = 0; probes < MAX_PROBES; probes++) {
        if (!find(o, t, &hn, &next, &hl, &last) || !hn || next.start > now)
            return;
        candidate(best, now, next.end);
        t = next.start + 1;
    }
    candidate(best, now, now + 1); /* too many to look at: look soon */
}

/* Returns 1 when an occurrence of the set overlaps [ws, we). */
static int in_window(const occ_set *o, time_t ws, time_t we)
{
    cst_occurrence next, last;
    int hn, hl, probes;
    time_t t = o->max_len > 0 ? ws - o->max_len + 1 : ws;

    if (we <= ws)
        return 0;
    for (probes = 0; probes < MAX_PROBES; probes++) {
        if (!find(o, t, &hn, &next, &hl, &last) || !hn || next.start >= we)
            return 0;
        if (next.start >= ws || next.end > ws)
            return 1;
        t = next.start + 1;
    }
    return 1;
}

/* Returns 1 when comp has an X- property name. */
static int has_x_prop(icalcomponent *comp, const char *name)
{
    icalproperty *q;

    for (q = icalcomponent_get_first_property(comp, ICAL_X_PROPERTY); q != NULL;
         q = icalcomponent_get_next_property(comp, ICAL_X_PROPERTY)) {
        const char *x = icalproperty_get_x_name(q);

        if (x != NULL && strcasecmp(x, name) == 0)
            return 1;
    }
    return 0;
}

/* As core/process.c's add_stamp(): content without any stamp line. */
static int unstamped(const cst_event *ev)
{
    return (ev->agenda.n > 0 && ev->agenda_sent == 0 &&
            !has_x_prop(ev->comp, "X-CALSTEWARD-AGENDA-SENT")) ||
           (ev->has_materials && ev->materials_sent == 0 &&
            !has_x_prop(ev->comp, "X-CALSTEWARD-MATERIALS-SENT")) ||
           (ev->has_minutes && ev->minutes_sent == 0 &&
            !has_x_prop(ev->comp, "X-CALSTEWARD-MINUTES-SENT"));
}

cst_status cst_meeting_schedule_get(const char *ics, size_t len,
                                    const cst_policy *p, time_t now,
                                    time_t win_start, time_t win_end,
                                    cst_meeting_schedule *out, cst_error *err)
{
    cst_doc *d = NULL;
    cst_status st;

    memset(out, 0, sizeof(*out));
    st = cst_doc_parse(ics, len, p, &d, err);
    if (st != CST_OK)
        return st;
    st = cst_doc_schedule(d, now, win_start, win_end, out, err);
    cst_doc_free(&d);
    return st;
}

cst_status cst_doc_schedule(cst_doc *d, time_t now, time_t win_start,
                            time_t win_end, cst_meeting_schedule *out,
                            cst_error *err)
{
    const cst_object *obj = cst_doc_object(d);
    const cst_policy *p = cst_doc_policy(d);
    time_t best = 0;
    size_t i, n;

    (void)err; /* nothing past the parse fails */
    memset(out, 0, sizeof(*out));
    n = cst_object_n_events(obj);
    for (i = 0; i < n; i++) {
        const cst_event *ev = cst_object_event(obj, i);
        occ_set o;

        if (!ev->is_meeting)
            continue;
        out->meetings++;
        if (unstamped(ev))
            out->unstamped = 1;
        memset(&o, 0, sizeof(o));
        o.obj = obj;
        o.ev = ev;
        o.max_len = max_length(ev);
        schedule_set(&o, p, now, &best);
        if (!out->in_window && in_window(&o, win_start, win_end))
            out->in_window = 1;
    }
    out->next_check = best;
    return CST_OK;
}
