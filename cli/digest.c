/*
 * digest.c -- the sweep's follow-up digests (cli/digest.h).
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/digest.h"
#include "cli/i18n.h"
#include "core/tasks.h"
#include "steward/taskedit.h"
#include "steward/update.h"
#include "steward/url.h"

/* Tasks read for the digests of one account, at most. */
#define MAX_FACTS 100000u

/* A digest found in the task collection. */
typedef struct stored {
    char *uid, *url, *etag, *body;
    size_t len;
    size_t fact; /* its facts: run_state.f[fact] */
} stored;

typedef struct run_state {
    cli_digest_run *r;
    cst_task_facts *f;
    size_t nf, capf;
    stored *d;
    size_t nd, capd;
} run_state;

static void say(cli_digest_run *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void say(cli_digest_run *r, const char *fmt, ...)
{
    char line[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    r->warn(r->host, line);
}

/* Keeps the facts of one listed member; a digest of the task collection
 * also keeps its text, URL and ETag. */
static int keep(run_state *s, const cst_dav_item *it, int is_tasks)
{
    cst_error err = {0, ""};
    cst_task_facts f;
    size_t len = 0;
    char *crlf;
    cst_status st;

    if (it->status != 200 || it->data == NULL)
        return 0;
    crlf = cst_dav_restore_crlf(it->data, it->len, &len);
    if (crlf == NULL)
        return -1;
    st = cst_task_facts_read(crlf, len, s->r->local_tz, &f, &err);
    if (st == CST_ERR_NOMEM) {
        free(crlf);
        return -1;
    }
    if (st != CST_OK) {
        say(s->r, _("%s: left out of the digest: %s"), it->url, err.msg);
        free(crlf);
        return 0;
    }
    if (f.uid == NULL || f.kind == NULL || s->nf >= MAX_FACTS) {
        cst_task_facts_fini(&f);
        free(crlf);
        return 0;
    }
    if (is_tasks && strcmp(f.kind, "digest") == 0) {
        stored *d;

        if (s->nd == s->capd) {
            size_t cap = s->capd ? s->capd * 2 : 8;
            stored *v = realloc(s->d, cap * sizeof(*v));

            if (v == NULL)
                goto oom;
            s->d = v;
            s->capd = cap;
        }
        d = &s->d[s->nd];
        memset(d, 0, sizeof(*d));
        d->uid = strdup(f.uid);
        d->url = strdup(it->url);
        d->etag = it->etag ? strdup(it->etag) : NULL;
        if (d->uid == NULL || d->url == NULL ||
            (it->etag != NULL && d->etag == NULL)) {
            free(d->uid);
            free(d->url);
            free(d->etag);
            goto oom;
        }
        d->body = crlf;
        d->len = len;
        d->fact = s->nf; /* appended below */
        crlf = NULL;
        s->nd++;
    }
    free(crlf);
    if (s->nf == s->capf) {
        size_t cap = s->capf ? s->capf * 2 : 64;
        cst_task_facts *v = realloc(s->f, cap * sizeof(*v));

        if (v == NULL) {
            cst_task_facts_fini(&f);
            return -1;
        }
        s->f = v;
        s->capf = cap;
    }
    s->f[s->nf++] = f;
    return 0;
oom:
    cst_task_facts_fini(&f);
    free(crlf);
    return -1;
}

/* Reads one task list into s. */
static int read_list(run_state *s, const char *url, int is_tasks,
                     time_t end)
{
    cli_digest_run *r = s->r;
    cst_dav_items items;
    cst_error err = {0, ""};
    size_t i;
    int ret = 0;

    memset(&items, 0, sizeof(items));
    if (cst_dav_calendar_query(r->dav, url, "VTODO",
                               r->now - (time_t)CLI_DIGEST_BACK_DAYS * 86400,
                               end, 1, &items, &err) != CST_OK) {
        say(r, _("%s: the digest cannot read it: %s"), url, err.msg);
        cst_dav_items_fini(&items);
        return -1;
    }
    for (i = 0; i < items.n && ret == 0; i++)
        ret = keep(s, &items.v[i], is_tasks);
    if (ret != 0)
        say(r, _("%s: the digest cannot read it: %s"), url,
            strerror(ENOMEM));
    cst_dav_items_fini(&items);
    return ret;
}

/* The digest of that UID found in the task collection, or NULL. */
static stored *find_stored(run_state *s, const char *uid)
{
    size_t i;

    for (i = 0; i < s->nd; i++) {
        if (strcmp(s->d[i].uid, uid) == 0)
            return &s->d[i];
    }
    return NULL;
}

/* What --dry-run shows, through the host. */
static void show_write(void *ctx, int create, const char *url,
                       const char *body, size_t len)
{
    cli_digest_run *r = ctx;

    r->show(r->host, create ? _("create") : _("update"), url, body, len);
}

/* One conditional update of a digest (steward/update.h): the outcome
 * counted, a failure named. */
static int update(cli_digest_run *r, cst_stw_update *u)
{
    cst_stw_result res;
    cst_error err = {0, ""};
    int ret = 0;

    if (r->dry_run) {
        u->show = show_write;
        u->show_ctx = r;
    }
    switch (cst_stw_update_run(r->dav, u, &res, &err)) {
    case CST_STW_WRITTEN:
        r->written++;
        break;
    case CST_STW_UNCHANGED:
    case CST_STW_GONE: /* an old digest deleted meanwhile: nothing to close */
        r->unchanged++;
        break;
    default:
        say(r, _("%s not written: %s"), u->url, err.msg);
        r->errors++;
        ret = -1;
        break;
    }
    cst_stw_result_fini(&res);
    return ret;
}

/* Creates the organizer's digest of the period, or merges it over the
 * stored copy (which keeps the organizer's changes). */
static int write_one(cli_digest_run *r, const cst_digest *dg, stored *found)
{
    cst_stw_task_edit edit;
    cst_stw_update u;
    char *url = found ? strdup(found->url)
                      : cst_stw_member_url(r->tasks_url, dg->task.uid, ".ics");
    int ret;

    if (url == NULL) {
        say(r, _("%s not written: %s"), dg->task.uid, strerror(ENOMEM));
        r->errors++;
        return -1;
    }
    memset(&edit, 0, sizeof(edit));
    edit.task = &dg->task;
    edit.now = r->now;
    memset(&u, 0, sizeof(u));
    u.url = url;
    if (found != NULL) {
        u.known = found->body;
        u.known_len = found->len;
        u.known_etag = found->etag;
    } else {
        u.known_absent = 1;
    }
    u.may_create = 1;
    u.edit = cst_stw_task_edit_fn;
    u.edit_ctx = &edit;
    ret = update(r, &u);
    free(url);
    return ret;
}

/* The edit that closes an old digest (cst_digest_close()). */
static cst_status close_edit(void *ctx, const char *cur, size_t len,
                             const char *prev, size_t prev_len, char **out,
                             size_t *out_len, cst_error *err)
{
    const cli_digest_run *r = ctx;

    (void)prev;
    (void)prev_len;
    *out = NULL;
    *out_len = 0;
    if (cur == NULL)
        return CST_OK; /* gone: nothing to close */
    return cst_digest_close(cur, len, r->now, out, out_len, err);
}

/* Closes the organizer's open digests of earlier periods: what is
 * still overdue is in the current period's.  Conditional, once (a 412
 * leaves it for the next run). */
static int close_old(cli_digest_run *r, run_state *s, const char *organizer,
                     time_t period_start)
{
    size_t i;
    int ret = 0;

    for (i = 0; i < s->nd; i++) {
        stored *d = &s->d[i];
        const cst_task_facts *f = &s->f[d->fact];
        cst_stw_update u;

        /* a digest is due on its period's first day: one due before
         * this period began belongs to an earlier one */
        if (f->done || f->organizer == NULL || !f->has_due ||
            strcmp(f->organizer, organizer) != 0 || f->due > period_start)
            continue; /* closed, another's, or not earlier */
        memset(&u, 0, sizeof(u));
        u.url = d->url;
        u.known = d->body;
        u.known_len = d->len;
        u.known_etag = d->etag;
        u.edit = close_edit;
        u.edit_ctx = r;
        if (update(r, &u) != 0)
            ret = -1;
    }
    return ret;
}

/* Returns 1 when organizer o was handled already (facts before i). */
static int seen_before(const run_state *s, size_t i)
{
    size_t k;

    for (k = 0; k < i; k++) {
        if (s->f[k].organizer != NULL &&
            strcmp(s->f[k].organizer, s->f[i].organizer) == 0)
            return 1;
    }
    return 0;
}

int cli_digest_write(cli_digest_run *r)
{
    run_state s;
    cst_error err = {0, ""};
    char key[16];
    time_t start, end;
    size_t i;
    int ret = 0;

    memset(&s, 0, sizeof(s));
    s.r = r;
    r->written = r->unchanged = r->errors = 0;
    if (cst_digest_period_of(r->period, r->now, r->local_tz, key, &start,
                             &end, &err) != CST_OK) {
        say(r, _("the digest: %s"), err.msg);
        r->errors++;
        return -1;
    }
    /* without the task collection the existing digests are unknown */
    if (read_list(&s, r->tasks_url, 1, end) != 0) {
        r->errors++;
        ret = -1;
        goto done;
    }
    for (i = 0; i < r->n_lists; i++) {
        if (read_list(&s, r->lists[i], 0, end) != 0) {
            r->errors++;
            ret = -1;
        }
    }
    for (i = 0; i < s.nf; i++) {
        cst_digest_in in;
        cst_digest dg;
        stored *found;

        if (s.f[i].organizer == NULL || seen_before(&s, i))
            continue;
        memset(&in, 0, sizeof(in));
        in.period = r->period;
        in.now = r->now;
        in.local_tz = r->local_tz;
        in.tr = r->tr;
        in.tr_ctx = r->tr_ctx;
        in.organizer = s.f[i].organizer;
        in.organizer_cn = s.f[i].organizer_cn;
        if (cst_digest_build(&in, s.f, s.nf, &dg, &err) != CST_OK) {
            say(r, _("the digest of %s: %s"), in.organizer,
                err.msg[0] ? err.msg : strerror(ENOMEM));
            r->errors++;
            ret = -1;
            cst_digest_fini(&dg);
            continue;
        }
        found = find_stored(&s, dg.task.uid);
        /* nothing to chase and no digest yet: none is made */
        if (found != NULL || dg.overdue + dg.due_soon > 0) {
            if (write_one(r, &dg, found) != 0)
                ret = -1;
        }
        if (close_old(r, &s, in.organizer, dg.period_start) != 0)
            ret = -1;
        cst_digest_fini(&dg);
    }
done:
    for (i = 0; i < s.nf; i++)
        cst_task_facts_fini(&s.f[i]);
    free(s.f);
    for (i = 0; i < s.nd; i++) {
        free(s.d[i].uid);
        free(s.d[i].url);
        free(s.d[i].etag);
        free(s.d[i].body);
    }
    free(s.d);
    return ret;
}
