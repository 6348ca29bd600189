/*
 * taskwriter.c -- writes a meeting's tasks after the backend stored it.
 *
 * Runs in the log_transaction phase: the client already has its
 * response.  Every write carries the client's own Authorization header,
 * so the backend applies its own access rules; a task is created with
 * If-None-Match: *, and an existing one is re-read, merged (the owner's
 * progress stays) and written back with If-Match, up to three times.
 */
#include "plugin/taskwriter.h"

#include <string.h>

#include "apr_strings.h"
#include "http_core.h"
#include "http_log.h"
#include "http_protocol.h"

#include "caldav/caldav.h"
#include "core/tasks.h"

#ifdef APLOG_USE_MODULE
APLOG_USE_MODULE(calsteward);
#endif

#define MAX_TRIES 3

const char *cs_backend_base(request_rec *r, const cs_dir_conf *dc)
{
    const server_rec *s = r->server;
    const char *host = s->server_hostname;
    apr_port_t port = s->port;

    if (dc->backend != NULL)
        return dc->backend;
    if (port == 0 && r->connection->local_addr != NULL)
        port = r->connection->local_addr->port;
    if (host == NULL || *host == '\0')
        host = r->connection->local_ip;
    if (strchr(host, ':') != NULL && host[0] != '[')
        host = apr_pstrcat(r->pool, "[", host, "]", NULL);
    return apr_psprintf(r->pool, "%s://%s:%u", ap_http_scheme(r), host,
                        (unsigned)port);
}

const char *cs_request_path(request_rec *r)
{
    return ap_os_escape_path(r->pool, r->uri, 1);
}

/* The template with {user} replaced by the (escaped) user name; NULL
 * when the name is "." or "..", which would leave the template's
 * prefix. */
static const char *expand_template(request_rec *r, const char *tpl,
                                   const char *user)
{
    const char *at = strstr(tpl, "{user}");
    const char *rest;

    if (at == NULL)
        return tpl;
    if (strcmp(user, ".") == 0 || strcmp(user, "..") == 0)
        return NULL;
    rest = expand_template(r, at + 6, user);
    return apr_pstrcat(r->pool, apr_pstrndup(r->pool, tpl, at - tpl),
                       ap_escape_path_segment(r->pool, user), rest, NULL);
}

/* The collection the request's resource is in: "/a/b/c.ics" -> "/a/b/",
 * escaped as it is sent */
static const char *parent_path(request_rec *r)
{
    const char *path = cs_request_path(r);
    const char *slash = strrchr(path, '/');

    if (slash == NULL)
        return "/";
    return apr_pstrndup(r->pool, path, (apr_size_t)(slash - path) + 1);
}

/* Finds (or makes) a collection that takes VTODOs for same-collection:
 * the meeting's own, else the first such calendar in the user's home,
 * else a new one named "Action items". */
static const char *task_collection(request_rec *r, cst_dav *dav,
                                   const char *base, const cs_dir_conf *dc,
                                   const char *user, cst_catalog *cat)
{
    const char *own = apr_pstrcat(r->pool, base, parent_path(r), NULL);
    char *principal = NULL, *home = NULL;
    cst_dav_calendar *cals = NULL;
    size_t n = 0, i;
    unsigned mask = 0;
    cst_error err = {0, ""};
    cst_dav_response resp;
    const char *found = NULL, *url;

    if (dc->tasks == CS_TASKS_TEMPLATE) {
        const char *path = expand_template(r, dc->tasks_template, user);

        if (path == NULL) {
            ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                          "calsteward: CS011 %s: no task collection: user "
                          "name \"%s\" is a dot segment", r->uri,
                          ap_escape_logitem(r->pool, user));
            return NULL;
        }
        return apr_pstrcat(r->pool, base, path, NULL);
    }
    if (cst_dav_supported_components(dav, own, &mask, &err) == CST_OK
        && (mask & CST_DAV_VTODO))
        return own;
    if (cst_dav_current_user_principal(dav, own, &principal, &err) != CST_OK
        || principal == NULL
        || cst_dav_calendar_home(dav, principal, &home, &err) != CST_OK
        || home == NULL || home[0] == '\0') {
        if (err.msg[0] == '\0')
            apr_cpystrn(err.msg, "the server names no calendar home",
                        sizeof(err.msg));
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                      "calsteward: CS011 %s: no task collection: %s", r->uri,
                      err.msg);
        goto done;
    }
    if (cst_dav_list_calendars(dav, home, &cals, &n, &err) == CST_OK) {
        for (i = 0; i < n && found == NULL; i++) {
            if (cals[i].components & CST_DAV_VTODO)
                found = apr_pstrdup(r->pool, cals[i].href);
        }
    }
    if (found == NULL) {
        url = apr_pstrcat(r->pool, home,
                          home[strlen(home) - 1] == '/' ? "" : "/",
                          "action-items/", NULL);
        cst_dav_response_init(&resp);
        if (cst_dav_mkcalendar(dav, url,
                               cst_catalog_translate(N_("Action items"), cat),
                               CST_DAV_VTODO, &resp, &err) == CST_OK
            && resp.status >= 200 && resp.status < 300)
            found = url;
        else
            ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                          "calsteward: CS012 %s: cannot create %s: %ld %s",
                          r->uri, url, resp.status, err.msg);
        cst_dav_response_fini(&resp);
    }
done:
    cst_dav_calendars_free(&cals, n);
    free(principal);
    free(home);
    return found;
}

/* Writes one task: create, or merge into the existing copy. */
static void write_one(request_rec *r, cst_dav *dav, const char *collection,
                      const cst_task *t)
{
    const char *url = apr_pstrcat(r->pool, collection,
                                  collection[strlen(collection) - 1] == '/'
                                      ? ""
                                      : "/",
                                  t->uid, ".ics", NULL);
    cst_dav_response resp;
    cst_error err = {0, ""};
    int tries;

    for (tries = 0; tries < MAX_TRIES; tries++) {
        char *merged = NULL;
        size_t mlen = 0;
        char etag[256];

        cst_dav_response_init(&resp);
        if (cst_dav_get(dav, url, &resp, &err) != CST_OK)
            break;
        if (resp.status == 404) {
            cst_dav_response_fini(&resp);
            if (cst_dav_put(dav, url, t->ics, t->len, "text/calendar", NULL,
                            "*", &resp, &err) != CST_OK)
                break;
        } else if (resp.status == 200 && (resp.etag == NULL
                                          || resp.etag[0] == '\0')) {
            /* without an ETag no write can be conditional: never risk
             * overwriting the owner's change (the sweep does the same) */
            apr_snprintf(err.msg, sizeof(err.msg), "GET %s: no ETag; left "
                         "alone", url);
            cst_dav_response_fini(&resp);
            break;
        } else if (resp.status == 200) {
            apr_cpystrn(etag, resp.etag, sizeof(etag));
            if (cst_task_merge(resp.body, resp.body_len, t,
                               apr_time_sec(r->request_time), &merged, &mlen,
                               &err) != CST_OK) {
                cst_dav_response_fini(&resp);
                break;
            }
            cst_dav_response_fini(&resp);
            if (merged == NULL)
                return; /* up to date */
            if (cst_dav_put(dav, url, merged, mlen, "text/calendar", etag,
                            NULL, &resp, &err) != CST_OK) {
                free(merged);
                break;
            }
            free(merged);
        } else {
            apr_snprintf(err.msg, sizeof(err.msg), "GET %s: HTTP %ld", url,
                         resp.status);
            cst_dav_response_fini(&resp);
            break;
        }
        if (resp.status == 412) {
            cst_dav_response_fini(&resp); /* changed meanwhile: again */
            continue;
        }
        if (resp.status >= 200 && resp.status < 300) {
            cst_dav_response_fini(&resp);
            return;
        }
        apr_snprintf(err.msg, sizeof(err.msg), "PUT %s: HTTP %ld", url,
                     resp.status);
        cst_dav_response_fini(&resp);
        break;
    }
    if (tries == MAX_TRIES)
        apr_snprintf(err.msg, sizeof(err.msg), "PUT %s: still 412 after %d "
                     "tries", url, MAX_TRIES);
    ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                  "calsteward: CS013 %s: task %s not written: %s", r->uri,
                  t->uid, err.msg);
}

void cs_write_tasks(request_rec *r, const cs_dir_conf *dc, const char *body,
                    apr_size_t len, const char *user, const char *auth,
                    cst_catalog *catalog)
{
    cst_task_list list = {NULL, 0, 0};
    cst_tasks_in in;
    cst_dav_opts opts;
    cst_dav *dav = NULL;
    cst_error err = {0, ""};
    const char *base, *collection;
    size_t i;

    memset(&in, 0, sizeof(in));
    in.policy = cs_policy(dc);
    in.now = apr_time_sec(r->request_time);
    in.tr = cst_catalog_translate;
    in.tr_ctx = catalog;
    in.organizer_user = user;
    if (cst_tasks_build(body, len, &in, &list, &err) != CST_OK
        || list.n == 0)
        goto done;
    memset(&opts, 0, sizeof(opts));
    opts.authorization = auth;
    dav = cst_dav_new(&opts, &err);
    if (dav == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                      "calsteward: CS010 %s: %s", r->uri, err.msg);
        goto done;
    }
    base = cs_backend_base(r, dc);
    collection = task_collection(r, dav, base, dc, user, catalog);
    if (collection == NULL)
        goto done;
    for (i = 0; i < list.n && i < CS_MAX_TASKS_WRITTEN; i++)
        write_one(r, dav, collection, &list.v[i]);
    if (list.n > CS_MAX_TASKS_WRITTEN)
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                      "calsteward: CS014 %s: %" APR_SIZE_T_FMT " tasks, the "
                      "first %d written, %" APR_SIZE_T_FMT " not", r->uri,
                      (apr_size_t)list.n, CS_MAX_TASKS_WRITTEN,
                      (apr_size_t)(list.n - CS_MAX_TASKS_WRITTEN));
done:
    cst_dav_free(&dav);
    cst_task_list_fini(&list);
}
