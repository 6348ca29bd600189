/*
 * update.c -- the conditional update (see update.h).  It replaces the
 * four write loops there were: write_task_in, handle_meeting and
 * handle_task in cli/sweep.c and write_one in plugin/taskwriter.c.
 */
#include "config.h"

#include "steward/update.h"

#include <stdlib.h>
#include <string.h>

cst_stw_class cst_stw_classify(long status)
{
    if (status >= 200 && status < 300)
        return CST_STW_CLASS_OK;
    if (status == 0 || status == 408 || status == 429 || status >= 500)
        return CST_STW_CLASS_RETRY;
    if (status == 401 || status == 403 || status == 404 || status == 405 ||
        status == 409)
        return CST_STW_CLASS_REFUSED;
    return CST_STW_CLASS_FAILED;
}

void cst_stw_result_fini(cst_stw_result *r)
{
    if (r == NULL)
        return;
    free(r->body);
    free(r->etag);
    memset(r, 0, sizeof(*r));
}

/* The outcome of an exchange that did not give what was needed. */
static cst_stw_outcome outcome_of(long status)
{
    switch (cst_stw_classify(status)) {
    case CST_STW_CLASS_RETRY:
        return CST_STW_LATER;
    case CST_STW_CLASS_REFUSED:
        return CST_STW_DENIED;
    default:
        return CST_STW_ERROR;
    }
}

static char *dup_n(const char *s, size_t n)
{
    char *d = malloc(n + 1);

    if (d != NULL) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

cst_stw_outcome cst_stw_update_run(cst_dav *dav, const cst_stw_update *u,
                                   cst_stw_result *res, cst_error *err)
{
    char *cur = NULL, *etag = NULL, *prev = NULL, *out = NULL;
    size_t cur_len = 0, prev_len = 0, out_len = 0;
    int max = u->max_tries > 0 ? u->max_tries : CST_STW_MAX_TRIES;
    int absent = u->known_absent, have = 0, tries = 0;
    cst_dav_response resp;
    cst_stw_outcome oc = CST_STW_ERROR;

    memset(res, 0, sizeof(*res));
    cst_dav_response_init(&resp);
    if (!absent && u->known != NULL && u->known_etag != NULL &&
        u->known_etag[0] != '\0') {
        cur = dup_n(u->known, u->known_len);
        etag = strdup(u->known_etag);
        if (cur == NULL || etag == NULL)
            goto nomem;
        cur_len = u->known_len;
        have = 1;
    }
    for (;;) {
        if (!absent && !have) {
            /* the stored copy, with the ETag the PUT must match */
            if (cst_dav_get(dav, u->url, &resp, err) != CST_OK) {
                res->status = cst_dav_last_status(dav);
                oc = res->status == 0 ? CST_STW_LATER
                                      : outcome_of(res->status);
                goto done;
            }
            res->status = resp.status;
            if (resp.status == 404) {
                cst_dav_response_fini(&resp);
                if (!u->may_create) {
                    oc = CST_STW_GONE;
                    goto done;
                }
                absent = 1;
            } else if (resp.status != 200) {
                cst_error_set(err, 0, "GET %.160s: HTTP %ld", u->url,
                              resp.status);
                oc = outcome_of(resp.status);
                goto done;
            } else if (resp.etag == NULL || resp.etag[0] == '\0') {
                /* without an ETag no write can be conditional: never
                 * risk overwriting someone else's change */
                cst_error_set(err, 0, "GET %.160s: no ETag; left alone",
                              u->url);
                oc = CST_STW_ERROR;
                goto done;
            } else {
                cur = resp.body;
                cur_len = resp.body_len;
                resp.body = NULL;
                etag = resp.etag;
                resp.etag = NULL;
                cst_dav_response_fini(&resp);
            }
        }
        have = 0;
        out = NULL;
        out_len = 0;
        if (u->edit(u->edit_ctx, absent ? NULL : cur, absent ? 0 : cur_len,
                    prev, prev_len, &out, &out_len, err) != CST_OK) {
            free(out);
            out = NULL;
            res->edit_failed = 1;
            oc = CST_STW_ERROR;
            goto done;
        }
        if (out == NULL) {
            oc = CST_STW_UNCHANGED;
            if (!absent) {
                res->body = cur;
                res->len = cur_len;
                res->etag = etag;
                cur = etag = NULL;
            }
            goto done;
        }
        if (u->show != NULL) {
            u->show(u->show_ctx, absent, u->url, out, out_len);
            res->shown = 1;
            res->created = absent;
            res->etag = strdup(!absent && etag != NULL ? etag : "");
            if (res->etag == NULL)
                goto nomem;
            oc = CST_STW_WRITTEN;
            goto written;
        }
        if (!absent && (etag == NULL || etag[0] == '\0')) {
            /* cannot happen (read above); never an unconditional PUT */
            cst_error_set(err, 0, "PUT %.160s: no ETag to match; left alone",
                          u->url);
            oc = CST_STW_ERROR;
            goto done;
        }
        tries++;
        if (cst_dav_put(dav, u->url, out, out_len, u->content_type,
                        absent ? NULL : etag, absent ? "*" : NULL, &resp,
                        err) != CST_OK) {
            res->status = cst_dav_last_status(dav);
            oc = res->status == 0 ? CST_STW_LATER : outcome_of(res->status);
            goto done;
        }
        res->status = resp.status;
        if (resp.status >= 200 && resp.status < 300) {
            res->created = absent;
            res->etag = strdup(resp.etag != NULL ? resp.etag : "");
            cst_dav_response_fini(&resp);
            if (res->etag == NULL)
                goto nomem;
            oc = CST_STW_WRITTEN;
            goto written;
        }
        if (resp.status != 412) {
            cst_error_set(err, 0, "PUT %.160s: HTTP %ld", u->url,
                          resp.status);
            cst_dav_response_fini(&resp);
            oc = outcome_of(res->status);
            goto done;
        }
        /* made or changed meanwhile: read it again, edit again */
        cst_dav_response_fini(&resp);
        free(out);
        out = NULL;
        if (tries >= max) {
            cst_error_set(err, 0,
                          "PUT %.160s: still 412 after %d tries; left for "
                          "the next run",
                          u->url, max);
            oc = CST_STW_CONFLICT;
            goto done;
        }
        free(prev);
        prev = cur;
        prev_len = cur_len;
        cur = NULL;
        cur_len = 0;
        free(etag);
        etag = NULL;
        absent = 0;
    }
written:
    res->body = out;
    res->len = out_len;
    out = NULL;
    goto done;
nomem:
    cst_error_set(err, 0, "%s", cst_status_str(CST_ERR_NOMEM));
    oc = CST_STW_ERROR;
done:
    res->outcome = oc;
    cst_dav_response_fini(&resp);
    free(out);
    free(cur);
    free(prev);
    free(etag);
    return oc;
}
