/*
 * digest.c -- the follow-up digest of one organizer (core/digest.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <uuid/uuid.h>

#include "digest.h"
#include "icaltext.h"
#include "sections.h"
#include "tz.h"
#include "util.h"

/* The namespace of the digests' UIDs (fixed forever; not the tasks'). */
#define DIGEST_UUID_NS "8b0c4f52-3d6e-5f1a-a7c9-2e4d6b8f0a13"

#define PRODID "-//calsteward//calsteward " VERSION "//EN"

static const char *tr(const cst_digest_in *in, const char *msgid)
{
    const char *t = in->tr ? in->tr(msgid, in->tr_ctx) : msgid;

    return t ? t : msgid;
}

/* The local date of a midnight-based icaltimetype, moved by days. */
static struct icaltimetype date_plus(struct icaltimetype d, int days)
{
    icaltime_adjust(&d, days, 0, 0, 0);
    return d;
}

static time_t midnight(struct icaltimetype d, icaltimezone *z)
{
    struct icaltimetype t = icaltime_null_time();

    t.year = d.year;
    t.month = d.month;
    t.day = d.day;
    return cst_tz_local_to_utc(t, z);
}

/* Resolves local_tz; NULL for UTC. */
static cst_status zone_of(const char *local_tz, icaltimezone **z,
                          cst_error *err)
{
    *z = NULL;
    if (local_tz == NULL)
        return CST_OK;
    *z = cst_tz_resolve(NULL, local_tz);
    if (*z == NULL) {
        cst_error_set(err, 0, "unknown time zone \"%.64s\"", local_tz);
        return CST_ERR_INVALID;
    }
    if (*z == icaltimezone_get_utc_timezone())
        *z = NULL;
    return CST_OK;
}

/* The period's first day (Monday of the week, or the day). */
static cst_status first_day(cst_digest_period period, time_t now,
                            icaltimezone *z, struct icaltimetype *day,
                            cst_error *err)
{
    struct icaltimetype lt = cst_tz_from_utc(now, 0, z), d;
    int iso;

    d = icaltime_null_date();
    d.year = lt.year;
    d.month = lt.month;
    d.day = lt.day;
    switch (period) {
    case CST_DIGEST_DAILY:
        *day = d;
        return CST_OK;
    case CST_DIGEST_WEEKLY:
        iso = icaltime_day_of_week(d); /* 1 = Sunday */
        iso = iso == 1 ? 7 : iso - 1;
        *day = date_plus(d, 1 - iso);
        return CST_OK;
    case CST_DIGEST_OFF:
        break;
    }
    cst_error_set(err, 0, "the digest is off");
    return CST_ERR_INVALID;
}

cst_status cst_digest_period_of(cst_digest_period period, time_t now,
                                const char *local_tz, char key[16],
                                time_t *start, time_t *end, cst_error *err)
{
    icaltimezone *z;
    struct icaltimetype d;
    cst_status st = zone_of(local_tz, &z, err);

    if (st == CST_OK)
        st = first_day(period, now, z, &d, err);
    if (st != CST_OK)
        return st;
    *start = midnight(d, z);
    if (period == CST_DIGEST_DAILY) {
        *end = midnight(date_plus(d, 1), z);
        snprintf(key, 16, "%04u-%02u-%02u", (unsigned)d.year % 10000u,
                 (unsigned)d.month % 100u, (unsigned)d.day % 100u);
    } else {
        *end = midnight(date_plus(d, 7), z);
        cst_iso_week(d.year, d.month, d.day, key, 16, NULL);
    }
    return CST_OK;
}

/* One listed item, pointing into the caller's facts. */
typedef struct entry {
    const cst_task_facts *f;
    const char *owner_key; /* address, "" for none */
    const char *owner_name;
    int overdue;
} entry;

static int cmp_entry(const void *pa, const void *pb)
{
    const entry *a = pa, *b = pb;
    int c;

    /* owners by name, the items without an owner last */
    if ((a->owner_key[0] == '\0') != (b->owner_key[0] == '\0'))
        return a->owner_key[0] == '\0' ? 1 : -1;
    c = strcasecmp(a->owner_name, b->owner_name);
    if (c == 0)
        c = strcmp(a->owner_key, b->owner_key);
    if (c != 0)
        return c;
    if (a->overdue != b->overdue)
        return a->overdue ? -1 : 1;
    if (a->f->due != b->f->due)
        return a->f->due < b->f->due ? -1 : 1;
    return strcmp(a->f->uid, b->f->uid);
}

/* A due date as the owner reads it: the DATE, or the local date and
 * time. */
static void due_string(const cst_task_facts *f, icaltimezone *z, char *buf,
                       size_t n)
{
    if (f->due_is_date && f->due_y > 0) {
        snprintf(buf, n, "%04d-%02d-%02d", f->due_y, f->due_m, f->due_d);
    } else {
        struct icaltimetype t = cst_tz_from_utc(f->due, 0, z);

        snprintf(buf, n, "%04d-%02d-%02d %02d:%02d", t.year, t.month, t.day,
                 t.hour, t.minute);
    }
}

/* The digest's text, between calsteward's markers. */
static void describe(const cst_digest_in *in, cst_digest *d, entry *v,
                     size_t n, icaltimezone *z, cst_sbuf *b)
{
    char line[160], due[32];
    const char *owner = NULL;
    size_t i, listed = n > CST_DIGEST_MAX_LISTED ? CST_DIGEST_MAX_LISTED : n;

    cst_sbuf_str(b, CST_BLOCK_BEGIN "\n");
    snprintf(line, sizeof(line), tr(in, N_("Overdue: %u")), d->overdue);
    cst_sbuf_str(b, line);
    cst_sbuf_str(b, "\n");
    snprintf(line, sizeof(line),
             in->period == CST_DIGEST_DAILY ? tr(in, N_("Due today: %u"))
                                            : tr(in, N_("Due this week: %u")),
             d->due_soon);
    cst_sbuf_str(b, line);
    cst_sbuf_str(b, "\n");
    for (i = 0; i < listed; i++) {
        const cst_task_facts *f = v[i].f;

        if (owner == NULL || strcmp(owner, v[i].owner_key) != 0) {
            owner = v[i].owner_key;
            cst_sbuf_str(b, "\n");
            if (owner[0] == '\0') {
                cst_sbuf_str(b, tr(in, N_("No owner")));
            } else {
                cst_sbuf_str(b, v[i].owner_name);
                if (strcmp(v[i].owner_name, owner) != 0) {
                    cst_sbuf_str(b, " <");
                    cst_sbuf_str(b, owner);
                    cst_sbuf_str(b, ">");
                }
            }
            cst_sbuf_str(b, "\n");
        }
        due_string(f, z, due, sizeof(due));
        cst_sbuf_str(b, "- ");
        cst_sbuf_str(b, f->summary != NULL ? f->summary : f->uid);
        cst_sbuf_str(b, " \xE2\x80\x94 "); /* — */
        snprintf(line, sizeof(line),
                 v[i].overdue ? tr(in, N_("overdue, due %s"))
                              : tr(in, N_("due %s")),
                 due);
        cst_sbuf_str(b, line);
        if (f->meeting != NULL || f->related != NULL) {
            cst_sbuf_str(b, " \xE2\x80\x94 ");
            cst_sbuf_str(b, f->meeting != NULL ? f->meeting : f->related);
        }
        cst_sbuf_str(b, "\n");
    }
    if (listed < n) {
        snprintf(line, sizeof(line), tr(in, N_("... and %u more")),
                 (unsigned)(n - listed));
        cst_sbuf_str(b, "\n");
        cst_sbuf_str(b, line);
        cst_sbuf_str(b, "\n");
    }
    cst_sbuf_str(b, CST_BLOCK_END);
}

static void digest_uid(const char *organizer, const char *period,
                       char out[40])
{
    uuid_t ns, u;
    cst_sbuf name = {NULL, 0, 0, 0};

    cst_sbuf_str(&name, "digest\n");
    cst_sbuf_str(&name, organizer);
    cst_sbuf_str(&name, "\n");
    cst_sbuf_str(&name, period);
    uuid_parse(DIGEST_UUID_NS, ns);
    uuid_generate_sha1(u, ns, name.s ? name.s : "", name.n);
    uuid_unparse_lower(u, out);
    free(name.s);
}

cst_status cst_digest_build(const cst_digest_in *in,
                            const cst_task_facts *facts, size_t n,
                            cst_digest *out, cst_error *err)
{
    icaltimezone *z;
    struct icaltimetype day;
    cst_sbuf b = {NULL, 0, 0, 0}, desc = {NULL, 0, 0, 0};
    entry *v = NULL;
    size_t i, nv = 0;
    char line[128], ts[24];
    cst_status st;

    memset(out, 0, sizeof(*out));
    out->task.kind = CST_TASK_DIGEST;
    st = zone_of(in->local_tz, &z, err);
    if (st == CST_OK)
        st = first_day(in->period, in->now, z, &day, err);
    if (st == CST_OK)
        st = cst_digest_period_of(in->period, in->now, in->local_tz,
                                  out->period, &out->period_start,
                                  &out->period_end, err);
    if (st != CST_OK)
        return st;
    if (n > 0 && (v = calloc(n, sizeof(*v))) == NULL)
        return CST_ERR_NOMEM;
    for (i = 0; i < n; i++) {
        const cst_task_facts *f = &facts[i];

        if (f->uid == NULL || f->kind == NULL ||
            strcmp(f->kind, "action-item") != 0 || f->done || !f->has_due ||
            f->organizer == NULL || strcmp(f->organizer, in->organizer) != 0)
            continue;
        if (in->now > f->due) {
            v[nv].overdue = 1;
            out->overdue++;
        } else if (f->due < out->period_end) {
            out->due_soon++;
        } else {
            continue;
        }
        v[nv].f = f;
        v[nv].owner_key = f->owner != NULL ? f->owner : "";
        v[nv].owner_name = f->owner_cn != NULL ? f->owner_cn : v[nv].owner_key;
        nv++;
    }
    if (nv > 1)
        qsort(v, nv, sizeof(*v), cmp_entry);
    describe(in, out, v, nv, z, &desc);
    free(v);

    digest_uid(in->organizer, out->period, out->task.uid);
    cst_sbuf_str(&b, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:" PRODID
                     "\r\nBEGIN:VTODO\r\n");
    snprintf(line, sizeof(line), "UID:%s", out->task.uid);
    cst_task_put_line(&b, line);
    cst_utc_string(in->now, ts, sizeof(ts));
    snprintf(line, sizeof(line), "DTSTAMP:%s", ts);
    cst_task_put_line(&b, line);
    if (out->overdue == 0) {
        cst_task_put_text(&b, "SUMMARY:",
                          tr(in, N_("Follow up: no overdue action items")));
    } else {
        snprintf(line, sizeof(line),
                 out->overdue == 1
                     ? tr(in, N_("Follow up 1 overdue action item"))
                     : tr(in, N_("Follow up %u overdue action items")),
                 out->overdue);
        cst_task_put_text(&b, "SUMMARY:", line);
    }
    /* the end of the period's first working day: Monday, or the day
     * itself (a daily digest on a weekend is due that day) */
    snprintf(line, sizeof(line), "DUE;VALUE=DATE:%04d%02d%02d", day.year,
             day.month, day.day);
    cst_task_put_line(&b, line);
    if (out->overdue == 0) {
        cst_task_put_line(&b, "STATUS:COMPLETED");
        cst_task_put_line(&b, "PERCENT-COMPLETE:100");
        snprintf(line, sizeof(line), "COMPLETED:%s", ts);
        cst_task_put_line(&b, line);
    } else {
        cst_task_put_line(&b, "STATUS:NEEDS-ACTION");
    }
    if (desc.s != NULL)
        cst_task_put_text(&b, "DESCRIPTION:", desc.s);
    cst_task_put_address(&b, "ORGANIZER", in->organizer, in->organizer_cn);
    cst_task_put_line(&b, "X-CALSTEWARD-KIND:digest");
    snprintf(line, sizeof(line), "X-CALSTEWARD-PERIOD:%s", out->period);
    cst_task_put_line(&b, line);
    snprintf(line, sizeof(line), "X-CALSTEWARD-OVERDUE:%u", out->overdue);
    cst_task_put_line(&b, line);
    cst_sbuf_str(&b, "END:VTODO\r\nEND:VCALENDAR\r\n");
    if (b.oom || desc.oom) {
        free(b.s);
        free(desc.s);
        memset(out, 0, sizeof(*out));
        return CST_ERR_NOMEM;
    }
    free(desc.s);
    out->task.ics = b.s;
    out->task.len = b.n;
    return CST_OK;
}

void cst_digest_fini(cst_digest *d)
{
    if (d == NULL)
        return;
    free(d->task.ics);
    free(d->task.owner_addr);
    memset(d, 0, sizeof(*d));
}

/* Sets the first `name` of comp c to value, or adds it. */
static cst_status set_prop(cst_edits *e, const cst_icaltext *t, int c,
                           const char *name, const char *value)
{
    char line[96];
    int i = cst_icaltext_find_prop(t, c, name, 0);
    int n = snprintf(line, sizeof(line), "%s:%s", name, value);

    return i >= 0 ? cst_edits_replace(e, t, (size_t)i, line, (size_t)n)
                  : cst_edits_add(e, t, c, line, (size_t)n);
}

cst_status cst_digest_close(const char *existing, size_t len, time_t now,
                            char **out, size_t *out_len, cst_error *err)
{
    cst_icaltext t;
    cst_edits e = {NULL, 0, 0};
    cst_status st;
    char ts[24], *v = NULL;
    size_t n;
    int c = -1, i;

    *out = NULL;
    *out_len = 0;
    st = cst_icaltext_scan(existing, len, &t, err);
    if (st != CST_OK)
        return st;
    for (n = 0; n < t.n_comps && c < 0; n++) {
        int k = cst_icaltext_find_prop(&t, (int)n, "X-CALSTEWARD-KIND", 0);

        if (strcmp(t.comps[n].name, "VTODO") != 0 || k < 0)
            continue;
        v = cst_icaltext_value(&t, (size_t)k);
        if (v == NULL) {
            st = CST_ERR_NOMEM;
            goto done;
        }
        if (strcmp(v, "digest") == 0)
            c = (int)n;
        free(v);
        v = NULL;
    }
    if (c < 0) {
        cst_error_set(err, 0, "no digest in the object");
        st = CST_ERR_PARSE;
        goto done;
    }
    i = cst_icaltext_find_prop(&t, c, "STATUS", 0);
    if (i >= 0) {
        if ((v = cst_icaltext_value(&t, (size_t)i)) == NULL) {
            st = CST_ERR_NOMEM;
            goto done;
        }
        if (strcasecmp(v, "COMPLETED") == 0 ||
            strcasecmp(v, "CANCELLED") == 0)
            goto done; /* closed already, by calsteward or the organizer */
    }
    cst_utc_string(now, ts, sizeof(ts));
    st = set_prop(&e, &t, c, "STATUS", "COMPLETED");
    if (st == CST_OK)
        st = set_prop(&e, &t, c, "PERCENT-COMPLETE", "100");
    if (st == CST_OK)
        st = set_prop(&e, &t, c, "COMPLETED", ts);
    if (st == CST_OK)
        st = set_prop(&e, &t, c, "DTSTAMP", ts);
    if (st == CST_OK && cst_icaltext_find_prop(&t, c, "LAST-MODIFIED", 0) >= 0)
        st = set_prop(&e, &t, c, "LAST-MODIFIED", ts);
    if (st == CST_OK)
        st = cst_edits_apply(&e, &t, out, out_len);
done:
    free(v);
    cst_edits_fini(&e);
    cst_icaltext_fini(&t);
    return st;
}
