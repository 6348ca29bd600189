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

#define MAX_TRIES 3
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

static char *member_url(const char *col, const char *uid)
{
    size_t n = strlen(col), len = n + strlen(uid) + 6;
    char *u = malloc(len);

    if (u != NULL)
        snprintf(u, len, "%s%s%s.ics", col,
                 n > 0 && col[n - 1] == '/' ? "" : "/", uid);
    return u;
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

/* Reads the digest at url again (after a 412): 1 with *d refreshed, 0
 * when it is gone, -1 on a failure (warned). */
static int reread(cli_digest_run *r, const char *url, stored *d)
{
    cst_dav_response resp;
    cst_error err = {0, ""};
    int ret = -1;

    cst_dav_response_init(&resp);
    if (cst_dav_get(r->dav, url, &resp, &err) != CST_OK) {
        say(r, _("%s not written: %s"), url, err.msg);
    } else if (resp.status == 404) {
        ret = 0;
    } else if (resp.status != 200 || resp.etag == NULL ||
               resp.etag[0] == '\0') {
        say(r, _("%s not written: %s"), url,
            resp.status != 200 ? _("the server did not give it back")
                               : _("no ETag, so no write can be "
                                   "conditional; left alone"));
    } else {
        free(d->etag);
        free(d->body);
        d->etag = strdup(resp.etag);
        d->body = malloc(resp.body_len + 1);
        if (d->etag == NULL || d->body == NULL) {
            say(r, _("%s not written: %s"), url, strerror(ENOMEM));
        } else {
            memcpy(d->body, resp.body, resp.body_len);
            d->body[resp.body_len] = '\0';
            d->len = resp.body_len;
            ret = 1;
        }
    }
    cst_dav_response_fini(&resp);
    return ret;
}

/* Creates or updates one digest; conditional every time. */
static int write_one(cli_digest_run *r, const cst_digest *dg, stored *found)
{
    stored tmp, *d = found;
    char *url = found ? strdup(found->url) : member_url(r->tasks_url,
                                                        dg->task.uid);
    cst_dav_response resp;
    cst_error err = {0, ""};
    int tries, ret = -1;

    memset(&tmp, 0, sizeof(tmp));
    cst_dav_response_init(&resp);
    if (url == NULL) {
        say(r, _("%s not written: %s"), dg->task.uid, strerror(ENOMEM));
        goto done;
    }
    for (tries = 0; tries < MAX_TRIES; tries++) {
        char *merged = NULL;
        size_t mlen = 0;
        const char *body = dg->task.ics;
        size_t blen = dg->task.len;

        if (d != NULL) {
            if (d->etag == NULL || d->etag[0] == '\0') {
                say(r, _("%s not written: %s"), url,
                    _("no ETag, so no write can be conditional; left "
                      "alone"));
                goto done;
            }
            if (cst_task_merge(d->body, d->len, &dg->task, r->now, &merged,
                               &mlen, &err) != CST_OK) {
                say(r, _("%s not written: %s"), url, err.msg);
                goto done;
            }
            if (merged == NULL) {
                r->unchanged++;
                ret = 0;
                goto done;
            }
            body = merged;
            blen = mlen;
        }
        if (r->dry_run) {
            r->show(r->host, d ? _("update") : _("create"), url, body, blen);
            free(merged);
            r->written++;
            ret = 0;
            goto done;
        }
        if (cst_dav_put(r->dav, url, body, blen, NULL, d ? d->etag : NULL,
                        d ? NULL : "*", &resp, &err) != CST_OK) {
            free(merged);
            say(r, _("%s not written: %s"), url, err.msg);
            goto done;
        }
        free(merged);
        if (resp.status == 412) {
            /* made or changed meanwhile: merge over what is there now */
            int got;

            if (d == NULL)
                d = &tmp;
            got = reread(r, url, d);
            if (got < 0)
                goto done;
            if (got == 0)
                d = NULL;
            continue;
        }
        if (resp.status < 200 || resp.status >= 300) {
            say(r, _("%s not written: %s"), url,
                resp.status == 403 || resp.status == 401
                    ? _("the server refused the write")
                    : _("the server did not take it"));
            goto done;
        }
        r->written++;
        ret = 0;
        goto done;
    }
    say(r, _("%s not written: %s"), url,
        _("changed by someone else at every try; left for the next run"));
done:
    if (ret != 0)
        r->errors++;
    free(tmp.etag);
    free(tmp.body);
    cst_dav_response_fini(&resp);
    free(url);
    return ret;
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
        cst_dav_response resp;
        cst_error err = {0, ""};
        char *out = NULL;
        size_t len = 0;

        /* a digest is due on its period's first day: one due before
         * this period began belongs to an earlier one */
        if (f->done || f->organizer == NULL || !f->has_due ||
            strcmp(f->organizer, organizer) != 0 || f->due > period_start)
            continue; /* closed, another's, or not earlier */
        if (d->etag == NULL || d->etag[0] == '\0') {
            say(r, _("%s not written: %s"), d->url,
                _("no ETag, so no write can be conditional; left alone"));
            r->errors++;
            ret = -1;
            continue;
        }
        if (cst_digest_close(d->body, d->len, r->now, &out, &len, &err) !=
            CST_OK) {
            say(r, _("%s not written: %s"), d->url,
                err.msg[0] ? err.msg : strerror(ENOMEM));
            r->errors++;
            ret = -1;
            continue;
        }
        if (out == NULL)
            continue;
        if (r->dry_run) {
            r->show(r->host, _("update"), d->url, out, len);
            r->written++;
            free(out);
            continue;
        }
        cst_dav_response_init(&resp);
        if (cst_dav_put(r->dav, d->url, out, len, NULL, d->etag, NULL, &resp,
                        &err) != CST_OK ||
            resp.status < 200 || resp.status >= 300) {
            /* 412: the organizer changed it meanwhile; the next run
             * reads it again */
            say(r, _("%s not written: %s"), d->url,
                err.msg[0] ? err.msg : _("the server did not take it"));
            r->errors++;
            ret = -1;
        } else {
            r->written++;
        }
        cst_dav_response_fini(&resp);
        free(out);
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
