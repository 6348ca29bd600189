/*
 * taskwriter.c -- writes a meeting's tasks after the backend stored it.
 *
 * log_transaction hands the meeting to the child's delivery queue and
 * the worker thread writes the tasks (the client already has its
 * response and the connection is free).  Every write carries the client's own Authorization header,
 * so the backend applies its own access rules; a task is created with
 * If-None-Match: *, and an existing one is re-read, merged (the owner's
 * progress stays) and written back with If-Match, up to three times.
 */
#include "plugin/taskwriter.h"

#include <string.h>

#include "apr_strings.h"
#include "apr_thread_cond.h"
#include "apr_thread_mutex.h"
#include "apr_thread_proc.h"
#include "http_core.h"
#include "http_log.h"
#include "http_protocol.h"

#include "caldav/caldav.h"
#include "core/tasks.h"

#ifdef APLOG_USE_MODULE
APLOG_USE_MODULE(calsteward);
#endif

#define MAX_TRIES 3

/* A meeting whose tasks are to be written, in the child's queue: copies
 * of everything it needs (the request and its pools are gone by then);
 * the client's credentials live here, in memory only. */
typedef struct cs_job {
    struct cs_job *next;
    apr_pool_t *pool;          /* the job's own */
    server_rec *s;
    const char *uri;           /* the meeting, for the log */
    const char *path;          /* its escaped path */
    const char *base;          /* where the requests go */
    cs_tasks_mode tasks;
    const char *tasks_template;
    const cst_policy *policy;  /* from the configuration's pool */
    cst_catalog *catalog;
    char *body;
    apr_size_t len;
    const char *user, *auth;
    time_t now;                /* the request's time */
    apr_time_t first, not_before;
    int tries;
    char last_error[256];
} cs_job;

/* 1 for a status that means "busy, ask again": 408, 429, 5xx. */
static int busy(long status)
{
    return status == 408 || status == 429 || status >= 500;
}

/* 1 when the handle's last exchange got no answer at all (refused,
 * timeout) or a busy one: worth trying again later. */
static int transient(const cst_dav *dav)
{
    long st = cst_dav_last_status(dav);

    return st == 0 || busy(st);
}

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
static const char *expand_template(apr_pool_t *p, const char *tpl,
                                   const char *user)
{
    const char *at = strstr(tpl, "{user}");
    const char *rest;

    if (at == NULL)
        return tpl;
    if (strcmp(user, ".") == 0 || strcmp(user, "..") == 0)
        return NULL;
    rest = expand_template(p, at + 6, user);
    if (rest == NULL)
        return NULL;
    return apr_pstrcat(p, apr_pstrndup(p, tpl, at - tpl),
                       ap_escape_path_segment(p, user), rest, NULL);
}

/* The collection the request's resource is in: "/a/b/c.ics" -> "/a/b/",
 * escaped as it is sent */
static const char *parent_path(apr_pool_t *p, const char *path)
{
    const char *slash = strrchr(path, '/');

    if (slash == NULL)
        return "/";
    return apr_pstrndup(p, path, (apr_size_t)(slash - path) + 1);
}

/* Finds (or makes) a collection that takes VTODOs for same-collection:
 * the meeting's own, else the first such calendar in the user's home,
 * else a new one named "Action items". */
static const char *task_collection(cs_job *j, cst_dav *dav, int *retry)
{
    apr_pool_t *p = j->pool;
    const char *base = j->base, *user = j->user;
    cst_catalog *cat = j->catalog;
    const char *own = apr_pstrcat(p, base, parent_path(p, j->path), NULL);
    char *principal = NULL, *home = NULL;
    cst_dav_calendar *cals = NULL;
    size_t n = 0, i;
    unsigned mask = 0;
    cst_error err = {0, ""};
    cst_dav_response resp;
    const char *found = NULL, *url;

    *retry = 0;
    if (j->tasks == CS_TASKS_TEMPLATE) {
        const char *path = expand_template(p, j->tasks_template, user);

        if (path == NULL) {
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, j->s,
                         "calsteward: CS011 %s: no task collection: user "
                         "name \"%s\" is a dot segment", j->uri,
                         ap_escape_logitem(p, user));
            return NULL;
        }
        return apr_pstrcat(p, base, path, NULL);
    }
    if (cst_dav_supported_components(dav, own, &mask, &err) == CST_OK
        && (mask & CST_DAV_VTODO))
        return own;
    if (err.msg[0] != '\0' && transient(dav)) {
        *retry = 1;
        return NULL;
    }
    if (cst_dav_current_user_principal(dav, own, &principal, &err) != CST_OK
        || principal == NULL
        || cst_dav_calendar_home(dav, principal, &home, &err) != CST_OK
        || home == NULL || home[0] == '\0') {
        if (err.msg[0] == '\0')
            apr_cpystrn(err.msg, "the server names no calendar home",
                        sizeof(err.msg));
        if (transient(dav)) {
            *retry = 1;
            goto done;
        }
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, j->s,
                     "calsteward: CS011 %s: no task collection: %s", j->uri,
                     err.msg);
        goto done;
    }
    if (cst_dav_list_calendars(dav, home, &cals, &n, &err) == CST_OK) {
        for (i = 0; i < n && found == NULL; i++) {
            if (cals[i].components & CST_DAV_VTODO)
                found = apr_pstrdup(p, cals[i].href);
        }
    }
    if (found == NULL) {
        url = apr_pstrcat(p, home,
                          home[strlen(home) - 1] == '/' ? "" : "/",
                          "action-items/", NULL);
        cst_dav_response_init(&resp);
        if (cst_dav_mkcalendar(dav, url,
                               cst_catalog_translate(N_("Action items"), cat),
                               CST_DAV_VTODO, &resp, &err) == CST_OK
            && resp.status >= 200 && resp.status < 300)
            found = url;
        else
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, j->s,
                         "calsteward: CS012 %s: cannot create %s: %ld %s",
                         j->uri, url, resp.status, err.msg);
        cst_dav_response_fini(&resp);
    }
done:
    cst_dav_calendars_free(&cals, n);
    free(principal);
    free(home);
    return found;
}

/* Writes one task: create, or merge into the existing copy.  Returns 0
 * when it is there (written or up to date), 1 when the backend could not
 * be reached or was busy (try again later), -1 when it refused (logged,
 * CS013). */
/* resp as a GET of the item would have filled it; 0, or -1 when the
 * item cannot stand for a GET (then the task is read with one). */
static int from_item(const cst_dav_item *it, cst_dav_response *resp)
{
    if (it->status == 404)
        return (resp->status = 404, 0);
    if (it->status != 200 || it->data == NULL || it->etag == NULL)
        return -1;
    resp->body = cst_dav_restore_crlf(it->data, it->len, &resp->body_len);
    resp->etag = strdup(it->etag);
    if (resp->body == NULL || resp->etag == NULL) {
        cst_dav_response_fini(resp);
        return -1;
    }
    resp->status = 200;
    return 0;
}

static int write_one(cs_job *j, cst_dav *dav, const char *collection,
                     const cst_task *t, const cst_dav_item *pre)
{
    const char *url = apr_pstrcat(j->pool, collection,
                                  collection[strlen(collection) - 1] == '/'
                                      ? ""
                                      : "/",
                                  t->uid, ".ics", NULL);
    cst_dav_response resp;
    cst_error err = {0, ""};
    char *etag = NULL;
    int tries, ret = -1;

    for (tries = 0; tries < MAX_TRIES; tries++) {
        char *merged = NULL;
        size_t mlen = 0;

        free(etag);
        etag = NULL;
        cst_dav_response_init(&resp);
        if (tries == 0 && pre != NULL && from_item(pre, &resp) == 0) {
            /* known from the collection's multiget */
        } else if (cst_dav_get(dav, url, &resp, &err) != CST_OK) {
            ret = transient(dav) ? 1 : -1;
            break;
        }
        if (resp.status == 404) {
            cst_dav_response_fini(&resp);
            if (cst_dav_put(dav, url, t->ics, t->len, "text/calendar", NULL,
                            "*", &resp, &err) != CST_OK) {
                ret = transient(dav) ? 1 : -1;
                break;
            }
        } else if (resp.status == 200 && (resp.etag == NULL
                                          || resp.etag[0] == '\0')) {
            /* without an ETag no write can be conditional: never risk
             * overwriting the owner's change (the sweep does the same) */
            apr_snprintf(err.msg, sizeof(err.msg), "GET %s: no ETag; left "
                         "alone", url);
            cst_dav_response_fini(&resp);
            break;
        } else if (resp.status == 200) {
            etag = strdup(resp.etag);
            if (etag == NULL
                || cst_task_merge(resp.body, resp.body_len, t, j->now,
                                  &merged, &mlen, &err) != CST_OK) {
                cst_dav_response_fini(&resp);
                break;
            }
            cst_dav_response_fini(&resp);
            if (merged == NULL) {
                ret = 0; /* up to date */
                break;
            }
            if (cst_dav_put(dav, url, merged, mlen, "text/calendar", etag,
                            NULL, &resp, &err) != CST_OK) {
                free(merged);
                ret = transient(dav) ? 1 : -1;
                break;
            }
            free(merged);
        } else {
            apr_snprintf(err.msg, sizeof(err.msg), "GET %s: HTTP %ld", url,
                         resp.status);
            ret = busy(resp.status) ? 1 : -1;
            cst_dav_response_fini(&resp);
            break;
        }
        if (resp.status == 412) {
            cst_dav_response_fini(&resp); /* changed meanwhile: again */
            continue;
        }
        if (resp.status >= 200 && resp.status < 300) {
            cst_dav_response_fini(&resp);
            ret = 0;
            break;
        }
        apr_snprintf(err.msg, sizeof(err.msg), "PUT %s: HTTP %ld", url,
                     resp.status);
        ret = busy(resp.status) ? 1 : -1;
        cst_dav_response_fini(&resp);
        break;
    }
    free(etag);
    if (tries == MAX_TRIES)
        apr_snprintf(err.msg, sizeof(err.msg), "PUT %s: still 412 after %d "
                     "tries", url, MAX_TRIES);
    if (ret < 0)
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, j->s,
                     "calsteward: CS013 %s: task %s not written: %s", j->uri,
                     t->uid, err.msg);
    else if (ret > 0)
        snprintf(j->last_error, sizeof(j->last_error), "%s", err.msg);
    return ret;
}

/* 1 when the last segment of url, %-decoded, is name. */
static int last_segment_is(apr_pool_t *p, const char *url, const char *name)
{
    const char *slash = strrchr(url, '/');
    char *seg;

    if (slash == NULL)
        return 0;
    seg = apr_pstrdup(p, slash + 1);
    if (ap_unescape_url(seg) != OK)
        return 0;
    return strcmp(seg, name) == 0;
}

/*
 * What the collection holds of the tasks, read with one calendar-multiget
 * instead of a GET each: pre[i] is task i's item (status 200 with its
 * data and ETag, or 404), NULL where the answer did not say -- that task
 * is then read with its own GET, as are all of them when the server
 * refuses the REPORT.
 */
static void prefetch(cs_job *j, cst_dav *dav, const char *collection,
                     const cst_task_list *l, const cst_dav_item **pre,
                     cst_dav_items *items)
{
    size_t n = l->n < CS_MAX_TASKS_WRITTEN ? l->n : CS_MAX_TASKS_WRITTEN;
    const char **hrefs;
    cst_error err = {0, ""};
    size_t i, k;

    if (n < 2)
        return; /* one GET is as cheap */
    hrefs = apr_palloc(j->pool, n * sizeof(*hrefs));
    for (i = 0; i < n; i++)
        hrefs[i] = apr_pstrcat(j->pool, collection,
                               collection[strlen(collection) - 1] == '/'
                                   ? ""
                                   : "/",
                               ap_escape_path_segment(j->pool,
                                                      l->v[i].uid),
                               ".ics", NULL);
    if (cst_dav_multiget(dav, collection, hrefs, n, items, &err) != CST_OK) {
        cst_dav_items_fini(items);
        return;
    }
    for (i = 0; i < n; i++) {
        const char *name = apr_pstrcat(j->pool, l->v[i].uid, ".ics", NULL);

        for (k = 0; k < items->n; k++) {
            if (items->v[k].url != NULL
                && last_segment_is(j->pool, items->v[k].url, name)) {
                pre[i] = &items->v[k];
                break;
            }
        }
    }
}

/*
 * Writes the job's tasks.  Returns 0 when every task is there or was
 * refused for good (logged), 1 when some could not be written for now
 * (the backend unreachable or busy): the job is run again later -- the
 * tasks already written are then up to date, nothing is doubled.
 */
static int run_job(cs_job *j)
{
    cst_task_list list = {NULL, 0, 0};
    cst_tasks_in in;
    cst_dav_opts opts;
    cst_dav *dav = NULL;
    cst_error err = {0, ""};
    const char *collection;
    const cst_dav_item *pre[CS_MAX_TASKS_WRITTEN];
    cst_dav_items items;
    size_t i;
    int again = 0, retry = 0;

    memset(&items, 0, sizeof(items));
    memset(pre, 0, sizeof(pre));
    memset(&in, 0, sizeof(in));
    in.policy = j->policy;
    in.now = j->now;
    in.tr = cst_catalog_translate;
    in.tr_ctx = j->catalog;
    in.organizer_user = j->user;
    if (cst_tasks_build(j->body, j->len, &in, &list, &err) != CST_OK
        || list.n == 0)
        goto done;
    memset(&opts, 0, sizeof(opts));
    opts.authorization = j->auth;
    opts.timeout_ms = CS_TASK_TIMEOUT_MS;
    dav = cst_dav_new(&opts, &err);
    if (dav == NULL) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, j->s,
                     "calsteward: CS010 %s: %s", j->uri, err.msg);
        goto done;
    }
    collection = task_collection(j, dav, &retry);
    if (collection == NULL) {
        again = retry;
        if (retry)
            snprintf(j->last_error, sizeof(j->last_error), "%s",
                     "the task collection could not be reached");
        goto done;
    }
    prefetch(j, dav, collection, &list, pre, &items);
    for (i = 0; i < list.n && i < CS_MAX_TASKS_WRITTEN; i++) {
        if (write_one(j, dav, collection, &list.v[i], pre[i]) > 0) {
            again = 1;
            if (cst_dav_last_status(dav) == 0)
                break; /* not reachable: the others would not be either */
        }
    }
    if (list.n > CS_MAX_TASKS_WRITTEN && j->tries == 0)
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, j->s,
                     "calsteward: CS014 %s: %" APR_SIZE_T_FMT " tasks, the "
                     "first %d written, %" APR_SIZE_T_FMT " not", j->uri,
                     (apr_size_t)list.n, CS_MAX_TASKS_WRITTEN,
                     (apr_size_t)(list.n - CS_MAX_TASKS_WRITTEN));
done:
    cst_dav_items_fini(&items);
    cst_dav_free(&dav);
    cst_task_list_fini(&list);
    return again;
}

/* ---- the child's delivery queue ---------------------------------------
 * One worker thread per child writes the queued meetings' tasks, oldest
 * first; a job the backend could not take is run again after a backoff
 * (1 s, doubling, at most CS_RETRY_MAX_S), for at most CS_DELIVERY_MAX_S.
 * At most CS_QUEUE_MAX jobs wait; past that, or past the time, or when
 * the child stops with jobs left, a log line names the meeting (never
 * the credentials), and the next save of it or the sweep writes them.   */

typedef struct cs_queue {
    apr_pool_t *pool;
    apr_thread_mutex_t *lock;
    apr_thread_cond_t *cond;
    apr_thread_t *thread;
    cs_job *head, *tail;
    int n;
    int stopping;
    int running;
    server_rec *s;
} cs_queue;

static cs_queue *queue; /* the child's; set once in child_init */

static void drop_job(cs_job *j, const char *why)
{
    ap_log_error(APLOG_MARK, APLOG_WARNING, 0, j->s,
                 "calsteward: CS015 %s: tasks not written (%s%s%s); the "
                 "next save of the meeting or the sweep writes them",
                 j->uri, why, j->last_error[0] ? ": " : "", j->last_error);
    apr_pool_destroy(j->pool);
}

static void *APR_THREAD_FUNC worker(apr_thread_t *thd, void *data)
{
    cs_queue *q = data;
    cs_job *j, *prev;
    apr_time_t now, wait;

    (void)thd;
    apr_thread_mutex_lock(q->lock);
    for (;;) {
        now = apr_time_now();
        /* the first job due, in queue order */
        wait = apr_time_from_sec(CS_RETRY_MAX_S);
        for (prev = NULL, j = q->head; j != NULL; prev = j, j = j->next) {
            if (j->not_before <= now || q->stopping)
                break;
            if (j->not_before - now < wait)
                wait = j->not_before - now;
        }
        if (j == NULL) {
            if (q->stopping)
                break;
            apr_thread_cond_timedwait(q->cond, q->lock,
                                      q->head ? wait
                                              : apr_time_from_sec(60));
            continue;
        }
        if (prev == NULL)
            q->head = j->next;
        else
            prev->next = j->next;
        if (q->tail == j)
            q->tail = prev;
        q->n--;
        j->next = NULL;
        apr_thread_mutex_unlock(q->lock);

        if (run_job(j) == 0) {
            apr_pool_destroy(j->pool);
        } else if (apr_time_now() - j->first
                   > apr_time_from_sec(CS_DELIVERY_MAX_S)) {
            drop_job(j, "the backend did not take them in time");
        } else {
            apr_time_t backoff = apr_time_from_sec(1) << (j->tries < 6
                                                              ? j->tries
                                                              : 6);

            if (backoff > apr_time_from_sec(CS_RETRY_MAX_S))
                backoff = apr_time_from_sec(CS_RETRY_MAX_S);
            j->tries++;
            j->not_before = apr_time_now() + backoff;
            apr_thread_mutex_lock(q->lock);
            if (q->stopping) {
                apr_thread_mutex_unlock(q->lock);
                drop_job(j, "Apache stopped");
                apr_thread_mutex_lock(q->lock);
            } else {
                if (q->tail)
                    q->tail->next = j;
                else
                    q->head = j;
                q->tail = j;
                q->n++;
            }
            continue;
        }
        apr_thread_mutex_lock(q->lock);
    }
    /* stopping: what the backend did not take in the grace time */
    while ((j = q->head) != NULL) {
        q->head = j->next;
        q->n--;
        apr_thread_mutex_unlock(q->lock);
        drop_job(j, "Apache stopped");
        apr_thread_mutex_lock(q->lock);
    }
    q->tail = NULL;
    q->running = 0;
    apr_thread_mutex_unlock(q->lock);
    return NULL;
}

static apr_status_t stop_queue(void *data)
{
    cs_queue *q = data;
    apr_status_t rv;

    apr_thread_mutex_lock(q->lock);
    q->stopping = 1;
    apr_thread_cond_broadcast(q->cond);
    apr_thread_mutex_unlock(q->lock);
    apr_thread_join(&rv, q->thread);
    return APR_SUCCESS;
}

void cs_delivery_start(apr_pool_t *pchild, server_rec *s)
{
    cs_queue *q = apr_pcalloc(pchild, sizeof(*q));

    q->pool = pchild;
    q->s = s;
    if (apr_thread_mutex_create(&q->lock, APR_THREAD_MUTEX_DEFAULT, pchild)
            != APR_SUCCESS
        || apr_thread_cond_create(&q->cond, pchild) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s,
                     "calsteward: CS016 no delivery queue: tasks are "
                     "written after each response instead");
        return;
    }
    q->running = 1;
    if (apr_thread_create(&q->thread, NULL, worker, q, pchild)
        != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s,
                     "calsteward: CS016 no delivery thread: tasks are "
                     "written after each response instead");
        return;
    }
    /* before the subpools (the thread's) go at child exit */
    apr_pool_pre_cleanup_register(pchild, q, stop_queue);
    queue = q;
}

void cs_write_tasks(request_rec *r, const cs_dir_conf *dc, const char *body,
                    apr_size_t len, const char *user, const char *auth,
                    cst_catalog *catalog)
{
    apr_pool_t *p;
    cs_job *j;
    cs_queue *q = queue;

    if (apr_pool_create(&p, NULL) != APR_SUCCESS)
        return;
    j = apr_pcalloc(p, sizeof(*j));
    j->pool = p;
    j->s = r->server;
    j->uri = apr_pstrdup(p, r->uri);
    j->path = apr_pstrdup(p, cs_request_path(r));
    j->base = apr_pstrdup(p, cs_backend_base(r, dc));
    j->tasks = dc->tasks;
    j->tasks_template = dc->tasks_template
                            ? apr_pstrdup(p, dc->tasks_template)
                            : NULL;
    j->policy = cs_policy(dc);
    j->catalog = catalog;
    j->body = apr_pmemdup(p, body, len);
    j->len = len;
    j->user = apr_pstrdup(p, user);
    j->auth = auth ? apr_pstrdup(p, auth) : NULL;
    j->now = apr_time_sec(r->request_time);
    j->first = j->not_before = apr_time_now();
    if (q == NULL) {
        run_job(j); /* no queue: as before, after the response */
        apr_pool_destroy(p);
        return;
    }
    apr_thread_mutex_lock(q->lock);
    if (q->stopping || !q->running || q->n >= CS_QUEUE_MAX) {
        int full = q->n >= CS_QUEUE_MAX;

        apr_thread_mutex_unlock(q->lock);
        drop_job(j, full ? "the queue is full" : "Apache is stopping");
        return;
    }
    if (q->tail)
        q->tail->next = j;
    else
        q->head = j;
    q->tail = j;
    q->n++;
    apr_thread_cond_signal(q->cond);
    apr_thread_mutex_unlock(q->lock);
}
