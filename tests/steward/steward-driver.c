/*
 * steward-driver.c -- runs one cst_stw_update_run() against a server (the
 * replay server of tests/caldav/replay.py) and prints what came of it,
 * for tests/steward/test-steward-cases.sh.
 *
 *   steward-driver BASE key=value...
 *     path=/x.ics          the object (BASE + path)
 *     url=...              or a whole URL
 *     known=TEXT           the stored copy as the caller knows it ...
 *     known-etag=ETAG      ... with its ETag (empty: unknown, read first)
 *     absent=1             known not to exist: create straight away
 *     may-create=1         a 404 means create
 *     max-tries=N          PUTs at most (0: the default, 3)
 *     edit=write|none|fail the edit gives "edit N of CUR prev PREV\n"
 *                          (CUR, PREV: the first line of each, "none"),
 *                          nothing to change, or a failure
 *     dry-run=1            show instead of PUT
 *
 * Prints "result: OUTCOME", "status: N", "created: 0|1", "shown: 0|1",
 * "edit-failed: 0|1", "etag: E", "body: B" (first line), "edits: N",
 * "message: M".
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caldav/caldav.h"
#include "steward/update.h"

typedef struct edit_ctx {
    const char *mode;
    int calls;
} edit_ctx;

static const char *arg(int argc, char **argv, const char *key)
{
    size_t n = strlen(key);
    int i;

    for (i = 2; i < argc; i++) {
        if (strncmp(argv[i], key, n) == 0 && argv[i][n] == '=')
            return argv[i] + n + 1;
    }
    return NULL;
}

static void first_line(const char *s, char *buf, size_t n)
{
    size_t k;

    if (s == NULL) {
        snprintf(buf, n, "none");
        return;
    }
    k = strcspn(s, "\r\n");
    snprintf(buf, n, "%.*s", (int)(k < n - 1 ? k : n - 1), s);
}

static cst_status edit(void *ctx, const char *cur, size_t len,
                       const char *prev, size_t prev_len, char **out,
                       size_t *out_len, cst_error *err)
{
    edit_ctx *e = ctx;
    char c[64], p[64], buf[200];
    int n;

    (void)len;
    (void)prev_len;
    e->calls++;
    if (strcmp(e->mode, "fail") == 0) {
        cst_error_set(err, 3, "the edit refuses");
        return CST_ERR_PARSE;
    }
    if (strcmp(e->mode, "none") == 0)
        return CST_OK;
    first_line(cur, c, sizeof(c));
    first_line(prev, p, sizeof(p));
    n = snprintf(buf, sizeof(buf), "edit %d of %s prev %s\n", e->calls, c, p);
    *out = strdup(buf);
    *out_len = (size_t)n;
    return *out != NULL ? CST_OK : CST_ERR_NOMEM;
}

static void show(void *ctx, int create, const char *url, const char *body,
                 size_t len)
{
    (void)ctx;
    printf("show: %s %s %zu\n", create ? "create" : "update", url, len);
    (void)body;
}

static const char *outcome_name(cst_stw_outcome o)
{
    switch (o) {
    case CST_STW_WRITTEN: return "WRITTEN";
    case CST_STW_UNCHANGED: return "UNCHANGED";
    case CST_STW_GONE: return "GONE";
    case CST_STW_LATER: return "LATER";
    case CST_STW_DENIED: return "DENIED";
    case CST_STW_CONFLICT: return "CONFLICT";
    case CST_STW_ERROR: return "ERROR";
    }
    return "?";
}

int main(int argc, char **argv)
{
    cst_dav_opts o;
    cst_dav *d;
    cst_error err = {0, ""};
    cst_stw_update u;
    cst_stw_result res;
    edit_ctx e = {"write", 0};
    const char *s;
    char url[2048], line[200];

    if (argc < 2) {
        fprintf(stderr, "usage: steward-driver BASE key=value...\n");
        return 2;
    }
    if ((s = arg(argc, argv, "url")) != NULL)
        snprintf(url, sizeof(url), "%s", s);
    else
        snprintf(url, sizeof(url), "%s%s", argv[1],
                 (s = arg(argc, argv, "path")) != NULL ? s : "/x.ics");
    if ((s = arg(argc, argv, "edit")) != NULL)
        e.mode = s;
    memset(&u, 0, sizeof(u));
    u.url = url;
    u.known = arg(argc, argv, "known");
    u.known_len = u.known != NULL ? strlen(u.known) : 0;
    u.known_etag = arg(argc, argv, "known-etag");
    u.known_absent = (s = arg(argc, argv, "absent")) != NULL && atoi(s);
    u.may_create = (s = arg(argc, argv, "may-create")) != NULL && atoi(s);
    u.max_tries = (s = arg(argc, argv, "max-tries")) != NULL ? atoi(s) : 0;
    u.content_type = "text/calendar";
    u.edit = edit;
    u.edit_ctx = &e;
    if ((s = arg(argc, argv, "dry-run")) != NULL && atoi(s))
        u.show = show;

    if (cst_dav_global_init(&err) != CST_OK) {
        printf("result: INIT\nmessage: %s\n", err.msg);
        return 1;
    }
    memset(&o, 0, sizeof(o));
    o.connect_timeout_ms = 2000;
    o.timeout_ms = 5000;
    d = cst_dav_new(&o, &err);
    if (d == NULL) {
        printf("result: NEW\nmessage: %s\n", err.msg);
        cst_dav_global_cleanup();
        return 1;
    }
    cst_stw_update_run(d, &u, &res, &err);
    first_line(res.body, line, sizeof(line));
    printf("result: %s\nstatus: %ld\ncreated: %d\nshown: %d\n"
           "edit-failed: %d\netag: %s\nbody: %s\nedits: %d\nmessage: %s\n",
           outcome_name(res.outcome), res.status, res.created, res.shown,
           res.edit_failed, res.etag != NULL ? res.etag : "(none)", line,
           e.calls, err.msg);
    cst_stw_result_fini(&res);
    cst_dav_free(&d);
    cst_dav_global_cleanup();
    return 0;
}
