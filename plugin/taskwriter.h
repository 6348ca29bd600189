/*
 * taskwriter.h -- writes the VTODOs of a stored meeting into the task
 * collection, with the requesting user's own credentials, merging with
 * copies already there (If-Match; on 412 re-read and retry).
 */
#ifndef CST_PLUGIN_TASKWRITER_H
#define CST_PLUGIN_TASKWRITER_H

#include "httpd.h"

#include "core/catalog.h"
#include "plugin/config.h"

/*
 * scheme://host:port where the module's own requests go: CalStewardBackend,
 * else this virtual host's configured ServerName and port (the port the
 * connection came in on when ServerName names none) -- never the client's
 * Host header or an absolute request target.
 */
const char *cs_backend_base(request_rec *r, const cs_dir_conf *dc);

/* The request's path as Apache mapped it (r->uri: decoded, dot segments
 * resolved), each segment escaped once; no query. */
const char *cs_request_path(request_rec *r);

/* Most tasks written for one meeting; the rest are logged (CS014). */
#define CS_MAX_TASKS_WRITTEN 50
/* The delivery queue of a child: at most this many meetings waiting,
 * each retried for at most CS_DELIVERY_MAX_S seconds, backing off up to
 * CS_RETRY_MAX_S between tries; one request's timeout. */
#define CS_QUEUE_MAX 1000
#define CS_DELIVERY_MAX_S 600
#define CS_RETRY_MAX_S 30
#define CS_TASK_TIMEOUT_MS 10000
/* When the child stops, what is still queued gets one more try, all of
 * it within CS_STOP_MAX_S seconds (a request already under way may take
 * its CS_TASK_TIMEOUT_MS); the rest is logged (CS015: the meeting's URL
 * and UID and the UIDs of the tasks not written, never the credentials). */
#define CS_STOP_MAX_S 3
/* same-collection: the task collection found for a user and a calendar is
 * remembered by the child's delivery thread for CS_FOUND_TTL_S seconds
 * (at most CS_FOUND_MAX of them), so that a save does not discover it
 * again; a write refused there forgets it. */
#define CS_FOUND_TTL_S 300
#define CS_FOUND_MAX 64

/* Starts the child's delivery thread (child_init); stopped with pchild,
 * after writing what the backend takes before the child exits. */
void cs_delivery_start(apr_pool_t *pchild, server_rec *s);

/*
 * Queues the tasks of body (the event as stored) for the meetings user
 * organizes; the child's delivery thread writes them, retrying while the
 * backend is unreachable or busy.  Failures are logged with the
 * meeting's URL and the task's UID, never returned.
 */
void cs_write_tasks(request_rec *r, const cs_dir_conf *dc, const char *body,
                    apr_size_t len, const char *user, const char *auth,
                    cst_catalog *catalog);

#endif /* CST_PLUGIN_TASKWRITER_H */
