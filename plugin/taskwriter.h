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
 * Builds the tasks of body (the event as stored) for the meetings user
 * organizes and writes them.  Runs after the response went out; failures
 * are logged with the meeting's URL and the task's UID, never returned.
 */
void cs_write_tasks(request_rec *r, const cs_dir_conf *dc, const char *body,
                    apr_size_t len, const char *user, const char *auth,
                    cst_catalog *catalog);

#endif /* CST_PLUGIN_TASKWRITER_H */
