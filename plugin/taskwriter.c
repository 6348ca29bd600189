/*
 * taskwriter.c -- writes a meeting's tasks after the backend stored it.
 *
 * log_transaction hands the meeting to the child's delivery queue and
 * the worker thread writes the tasks (the client already has its
 * response and the connection is free).  Every write carries the client's own Authorization header,
 * so the backend applies its own access rules; a task is created with
 * If-None-Match: *, and an existing one is re-read, merged (the owner's
 * progress stays) and written back with If-Match, up to three times --
 * all through the follow-up engine's conditional update
 * (steward/update.h), the one the sweep uses.
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
#include "core/icaltext.h"
#include "core/tasks.h"
#include "steward/store.h"
#include "steward/taskedit.h"
#include "steward/update.h"
#include "steward/url.h"

#ifdef APLOG_USE_MODULE
APLOG_USE_MODULE(calsteward);
#endif

/* One task collection found (same-collection): for user, beside the
 * calendar own; until when it is believed. */
typedef struct cs_found {
    char *key; /* user "\n" own, malloc()ed */
    char *url;
    apr_time_t until;
} cs_found;

/* The collections found, read and written by the child's one delivery
 * thread only (NULL for a job run after the response without it). */
typedef struct cs_found_cache {
    cs_found v[CS_FOUND_MAX];
    unsigned next; /* the slot replaced when all are taken */
} cs_found_cache;

typedef struct cs_job {
    struct cs_job *next;
    cs_found_cache *found;     /* the delivery thread's, or NULL */
    const char *found_key;     /* same-collection: its key in found */
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
    /* task i of the meeting is there (written, up to date, or refused
     * for good): not named again when the rest are logged */
    unsigned char done[CS_MAX_TASKS_WRITTEN];
} cs_job;

/* 1 when the handle's last exchange got no answer at all (refused,
 * timeout) or a busy one: worth trying again later. */
static int transient(const cst_dav *dav)
{
    return cst_stw_classify(cst_dav_last_status(dav)) == CST_STW_CLASS_RETRY;
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

/* The slot of key in c, or NULL; an expired one is emptied. */
static cs_found *found_get(cs_found_cache *c, const char *key)
{
    unsigned i;

    for (i = 0; c != NULL && i < CS_FOUND_MAX; i++) {
        cs_found *f = &c->v[i];

        if (f->key == NULL || strcmp(f->key, key) != 0)
            continue;
        if (f->until > apr_time_now())
            return f;
        free(f->key);
        free(f->url);
        memset(f, 0, sizeof(*f));
    }
    return NULL;
}

static void found_put(cs_found_cache *c, const char *key, const char *url)
{
    cs_found *f = NULL;
    unsigned i;

    if (c == NULL)
        return;
    for (i = 0; i < CS_FOUND_MAX && f == NULL; i++) {
        if (c->v[i].key == NULL)
            f = &c->v[i];
    }
    if (f == NULL) {
        f = &c->v[c->next];
        c->next = (c->next + 1) % CS_FOUND_MAX;
        free(f->key);
        free(f->url);
    }
    f->key = strdup(key);
    f->url = strdup(url);
    f->until = apr_time_now() + apr_time_from_sec(CS_FOUND_TTL_S);
    if (f->key == NULL || f->url == NULL) {
        free(f->key);
        free(f->url);
        memset(f, 0, sizeof(*f));
    }
}

static void found_forget(cs_found_cache *c, const char *key)
{
    cs_found *f = found_get(c, key);

    if (f != NULL) {
        free(f->key);
        free(f->url);
        memset(f, 0, sizeof(*f));
    }
}

static void found_fini(cs_found_cache *c)
{
    unsigned i;

    for (i = 0; i < CS_FOUND_MAX; i++) {
        free(c->v[i].key);
        free(c->v[i].url);
    }
    memset(c, 0, sizeof(*c));
}

/* Finds (or makes) a collection that takes VTODOs for same-collection:
 * the meeting's own, else the first such calendar in the user's home,
 * else a new one named "Action items" (steward/store.h).  Sets *retry
 * when the backend was unreachable or busy. */
static const char *task_collection(cs_job *j, cst_dav *dav, int *retry)
{
    apr_pool_t *p = j->pool;
    char *parent = NULL, *own = NULL, *url = NULL;
    unsigned mask = 0;
    cst_error err = {0, ""};
    cst_stw_home home;
    cst_stw_tpl_why why;
    const char *found = NULL;
    int make = 0;

    *retry = 0;
    memset(&home, 0, sizeof(home));
    if (j->tasks == CS_TASKS_TEMPLATE) {
        if (cst_stw_template_expand(j->tasks_template, j->user, NULL, &url,
                                    &why) != CST_OK) {
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, j->s,
                         "calsteward: CS011 %s: no task collection: user "
                         "name \"%s\" %s", j->uri,
                         ap_escape_logitem(p, j->user),
                         why == CST_STW_TPL_OUTSIDE
                             ? "leaves the template's prefix"
                             : "is a dot segment or no path segment");
            goto done;
        }
        found = apr_pstrcat(p, j->base, url, NULL);
        goto done;
    }
    parent = cst_stw_parent_url(j->path);
    if (parent == NULL)
        goto done;
    own = apr_pstrcat(p, j->base, parent, NULL);
    j->found_key = apr_pstrcat(p, j->user ? j->user : "", "\n", own, NULL);
    {
        cs_found *f = found_get(j->found, j->found_key);

        if (f != NULL) {
            free(parent);
            return apr_pstrdup(p, f->url); /* found before, still good */
        }
    }
    if (cst_dav_supported_components(dav, own, &mask, &err) == CST_OK
        && (mask & CST_DAV_VTODO)) {
        found = own;
        goto done;
    }
    if (err.msg[0] != '\0' && transient(dav)) {
        *retry = 1;
        goto done;
    }
    if (cst_stw_home_read(dav, own, &home, &err) != CST_OK) {
        if (transient(dav)) {
            *retry = 1;
            goto done;
        }
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, j->s,
                     "calsteward: CS011 %s: no task collection: %s", j->uri,
                     err.msg);
        goto done;
    }
    if (cst_stw_tasks_choose(&home, &url, &make, &err) != CST_OK)
        goto done;
    if (make && cst_stw_tasks_make(dav, url,
                                   cst_catalog_translate(N_("Action items"),
                                                         j->catalog),
                                   &err) != CST_OK) {
        if (transient(dav))
            *retry = 1;
        else
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, j->s,
                         "calsteward: CS012 %s: cannot create %s: %s",
                         j->uri, url, err.msg);
        goto done;
    }
    found = apr_pstrdup(p, url);
done:
    if (found != NULL && j->found_key != NULL)
        found_put(j->found, j->found_key, found);
    cst_stw_home_fini(&home);
    free(parent);
    free(url);
    return found;
}

/* Writes one task through the engine's conditional update: create, or
 * merge into the existing copy (known from the prefetch, else read).
 * Returns 0 when it is there (written or up to date), 1 when the backend
 * could not be reached or was busy (try again later), -1 when it refused
 * (logged, CS013). */
static int write_one(cs_job *j, cst_dav *dav, const char *collection,
                     const cst_task *t, const cst_dav_item *pre)
{
    char *url = cst_stw_member_url(collection, t->uid, ".ics");
    char *known = NULL;
    cst_stw_task_edit edit;
    cst_stw_update u;
    cst_stw_result res;
    cst_error err = {0, ""};
    int ret = -1;

    memset(&res, 0, sizeof(res));
    if (url == NULL) {
        apr_cpystrn(err.msg, "out of memory", sizeof(err.msg));
        goto done;
    }
    memset(&edit, 0, sizeof(edit));
    edit.task = t;
    edit.now = j->now;
    memset(&u, 0, sizeof(u));
    u.url = url;
    u.may_create = 1;
    u.content_type = "text/calendar";
    u.edit = cst_stw_task_edit_fn;
    u.edit_ctx = &edit;
    cst_stw_item_known(pre, &known, &u.known_len, &u.known_etag,
                       &u.known_absent);
    u.known = known;
    switch (cst_stw_update_run(dav, &u, &res, &err)) {
    case CST_STW_WRITTEN:
    case CST_STW_UNCHANGED:
        ret = 0;
        break;
    case CST_STW_LATER:
        ret = 1;
        break;
    default:
        ret = -1;
        break;
    }
done:
    if (ret < 0)
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, j->s,
                     "calsteward: CS013 %s: task %s not written: %s", j->uri,
                     t->uid, err.msg);
    else if (ret > 0)
        snprintf(j->last_error, sizeof(j->last_error), "%s", err.msg);
    cst_stw_result_fini(&res);
    free(known);
    free(url);
    return ret;
}

/*
 * Writes the job's tasks.  Returns 0 when every task is there or was
 * refused for good (logged), 1 when some could not be written for now
 * (the backend unreachable or busy): the job is run again later -- the
 * tasks already written are then up to date, nothing is doubled.
 */
static int run_job(cs_job *j, apr_time_t deadline)
{
    cst_task_list list = {NULL, 0, 0};
    cst_tasks_in in;
    cst_dav_opts opts;
    cst_dav *dav = NULL;
    cst_error err = {0, ""};
    const char *collection;
    const cst_dav_item *pre[CS_MAX_TASKS_WRITTEN];
    const char *uids[CS_MAX_TASKS_WRITTEN];
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
    if (deadline != 0) {
        /* Apache is stopping: no request outlasts the stop time */
        apr_time_t left = deadline - apr_time_now();

        if (left < apr_time_from_msec(100)) {
            again = 1;
            goto done;
        }
        if (apr_time_as_msec(left) < opts.timeout_ms)
            opts.timeout_ms = (long)apr_time_as_msec(left);
        opts.connect_timeout_ms = opts.timeout_ms < CST_DAV_CONNECT_TIMEOUT_MS
                                      ? opts.timeout_ms
                                      : 0;
    }
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
    for (i = 0; i < list.n && i < CS_MAX_TASKS_WRITTEN; i++)
        uids[i] = list.v[i].uid;
    cst_stw_tasks_prefetch(dav, collection, uids, i, pre, &items);
    for (i = 0; i < list.n && i < CS_MAX_TASKS_WRITTEN; i++) {
        if (j->done[i])
            continue; /* written by an earlier try */
        if (deadline != 0 && apr_time_now() >= deadline) {
            again = 1; /* the stop time is over: logged */
            break;
        }
        int w = write_one(j, dav, collection, &list.v[i], pre[i]);

        if (w > 0) {
            again = 1;
            if (cst_dav_last_status(dav) == 0)
                break; /* not reachable: the others would not be either */
        } else {
            if (w < 0 && j->found_key != NULL)
                found_forget(j->found, j->found_key); /* gone, or no right */
            j->done[i] = 1;
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
 * At most CS_QUEUE_MAX jobs wait; past that, or past the time, a log
 * line names the meeting.  When the child stops, every job left gets one
 * more try, all within CS_STOP_MAX_S of the stop (each request's timeout
 * cut to what is left); then one line per meeting (CS015: its URL and
 * UID, the UIDs of the tasks not yet written, never the credentials)
 * says the next save of it or the sweep writes them.                    */

typedef struct cs_queue {
    apr_pool_t *pool;
    apr_thread_mutex_t *lock;
    apr_thread_cond_t *cond;
    apr_thread_t *thread;
    cs_job *head, *tail;
    int n;
    int stopping;
    apr_time_t stop_at; /* when the child began to stop */
    int running;
    server_rec *s;
    cs_found_cache found; /* the delivery thread's */
} cs_queue;

static cs_queue *queue; /* the child's; set once in child_init */

/* The UID of the first VEVENT of body, for the log; "-" when none. */
static const char *meeting_uid(cs_job *j)
{
    cst_icaltext t;
    cst_error err = {0, ""};
    const char *uid = "-";
    char *v;
    int comp, prop;

    memset(&t, 0, sizeof(t));
    if (cst_icaltext_scan(j->body, j->len, &t, &err) != CST_OK)
        goto done;
    comp = cst_icaltext_nth_comp(&t, "VEVENT", 0);
    prop = comp < 0 ? -1 : cst_icaltext_find_prop(&t, comp, "UID", 0);
    if (prop >= 0 && (v = cst_icaltext_value(&t, (size_t)prop)) != NULL) {
        uid = ap_escape_logitem(j->pool, v);
        free(v);
    }
done:
    cst_icaltext_fini(&t);
    return uid;
}

/* The UIDs of the meeting's tasks not known to be there, comma
 * separated; "-" when none could be built. */
static const char *pending_tasks(cs_job *j)
{
    cst_task_list list = {NULL, 0, 0};
    cst_tasks_in in;
    cst_error err = {0, ""};
    const char *out = NULL;
    size_t i;

    memset(&in, 0, sizeof(in));
    in.policy = j->policy;
    in.now = j->now;
    in.tr = cst_catalog_translate;
    in.tr_ctx = j->catalog;
    in.organizer_user = j->user;
    if (cst_tasks_build(j->body, j->len, &in, &list, &err) == CST_OK) {
        for (i = 0; i < list.n && i < CS_MAX_TASKS_WRITTEN; i++) {
            if (j->done[i])
                continue;
            out = out == NULL ? apr_pstrdup(j->pool, list.v[i].uid)
                              : apr_pstrcat(j->pool, out, ",",
                                            list.v[i].uid, NULL);
        }
    }
    cst_task_list_fini(&list);
    return out != NULL ? out : "-";
}

/* One line per meeting whose tasks are given up (never the
 * credentials): the meeting's URL and UID and the tasks' UIDs, for the
 * administrator; the next save of the meeting or the sweep writes them.
 * Frees the job. */
static void drop_job(cs_job *j, const char *why)
{
    ap_log_error(APLOG_MARK, APLOG_WARNING, 0, j->s,
                 "calsteward: CS015 %s: meeting %s: tasks %s not written "
                 "(%s%s%s); the next save of the meeting or the sweep "
                 "writes them",
                 j->uri, meeting_uid(j), pending_tasks(j), why,
                 j->last_error[0] ? ": " : "", j->last_error);
    apr_pool_destroy(j->pool);
}

static void *APR_THREAD_FUNC worker(apr_thread_t *thd, void *data)
{
    cs_queue *q = data;
    cs_job *j, *prev;
    apr_time_t now, wait, deadline;

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
        /* stopping: one more try each, all within CS_STOP_MAX_S */
        deadline = q->stopping
                       ? q->stop_at + apr_time_from_sec(CS_STOP_MAX_S)
                       : 0;
        apr_thread_mutex_unlock(q->lock);

        if (deadline != 0 && apr_time_now() >= deadline) {
            drop_job(j, "Apache stopped");
            apr_thread_mutex_lock(q->lock);
            continue;
        }
        if (run_job(j, deadline) == 0) {
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
    q->stop_at = apr_time_now();
    apr_thread_cond_broadcast(q->cond);
    apr_thread_mutex_unlock(q->lock);
    apr_thread_join(&rv, q->thread);
    found_fini(&q->found);
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
        run_job(j, 0); /* no queue: as before, after the response */
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
    j->found = &q->found; /* used by the delivery thread alone */
    if (q->tail)
        q->tail->next = j;
    else
        q->head = j;
    q->tail = j;
    q->n++;
    apr_thread_cond_signal(q->cond);
    apr_thread_mutex_unlock(q->lock);
}
