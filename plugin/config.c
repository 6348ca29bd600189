/*
 * config.c -- mod_calsteward's per-directory configuration.
 */
#include "plugin/config.h"

#include <errno.h>
#include <string.h>

#include "apr_file_io.h"
#include "apr_strings.h"
#include "apr_uri.h"
#include "http_log.h"

#ifdef APLOG_USE_MODULE
APLOG_USE_MODULE(calsteward);
#endif

static const cst_policy *default_policy(apr_pool_t *p)
{
    cst_policy *pol = apr_pcalloc(p, sizeof(*pol));

    cst_policy_init(pol);
    return pol;
}

void *cs_create_dir_conf(apr_pool_t *p, char *dir)
{
    cs_dir_conf *c = apr_pcalloc(p, sizeof(*c));

    (void)dir;
    c->max_body = CS_DEFAULT_MAX_BODY;
    c->tasks = CS_TASKS_OFF;
    c->policy = default_policy(p);  /* the built-in defaults */
    return c;
}

void *cs_merge_dir_conf(apr_pool_t *p, void *basev, void *addv)
{
    cs_dir_conf *base = basev, *add = addv;
    cs_dir_conf *c = apr_pcalloc(p, sizeof(*c));

#define MERGE(field, flag)                                                 \
    do {                                                                   \
        c->flag = add->flag || base->flag;                                 \
        c->field = add->flag ? add->field : base->field;                   \
    } while (0)
    MERGE(enabled, enabled_set);
    c->policy_set = add->policy_set || base->policy_set;
    MERGE(policy_path, policy_set);
    c->policy = add->policy_set ? add->policy : base->policy;
    MERGE(max_body, max_body_set);
    MERGE(tasks, tasks_set);
    MERGE(tasks_template, tasks_set);
    MERGE(backend, backend_set);
#undef MERGE
    return c;
}

const cst_policy *cs_policy(const cs_dir_conf *c)
{
    return c->policy;
}

const char *cs_set_enabled(cmd_parms *cmd, void *conf, int on)
{
    cs_dir_conf *c = conf;

    (void)cmd;
    c->enabled = on;
    c->enabled_set = 1;
    return NULL;
}

/* Reads and checks the policy file now, so that a bad one fails
 * `apachectl configtest` with the file, line and reason. */
typedef struct policy_ctx {
    cmd_parms *cmd;
    const char *path;
} policy_ctx;

/* Logs an unknown key of a policy file at start-up, with file and line. */
static void policy_warn(void *ctx, int line, const char *msg)
{
    const policy_ctx *w = ctx;

    ap_log_error(APLOG_MARK, APLOG_WARNING, 0, w->cmd->server,
                 "calsteward: CS008 %s:%d: %s", w->path, line, msg);
}

const char *cs_set_policy(cmd_parms *cmd, void *conf, const char *path)
{
    cs_dir_conf *c = conf;
    const char *full = ap_server_root_relative(cmd->pool, path);
    apr_file_t *f = NULL;
    apr_finfo_t fi;
    apr_size_t n;
    apr_status_t rv;
    char *text, ebuf[120];
    cst_policy *pol;
    cst_error err = {0, ""};
    cst_status st;
    policy_ctx w;

    if (full == NULL)
        return apr_psprintf(cmd->pool, "CalStewardPolicy: bad path %s", path);
    w.cmd = cmd;
    w.path = full;
    rv = apr_file_open(&f, full, APR_FOPEN_READ, APR_OS_DEFAULT, cmd->temp_pool);
    if (rv == APR_SUCCESS)
        rv = apr_file_info_get(&fi, APR_FINFO_SIZE, f);
    if (rv != APR_SUCCESS) {
        if (f != NULL)
            apr_file_close(f);
        return apr_psprintf(cmd->pool, "CalStewardPolicy: %s: %s", full,
                            apr_strerror(rv, ebuf, sizeof(ebuf)));
    }
    if (fi.size > (apr_off_t)CST_MAX_POLICY_BYTES) {
        apr_file_close(f);
        return apr_psprintf(cmd->pool, "CalStewardPolicy: %s: larger than "
                            "%u bytes", full, CST_MAX_POLICY_BYTES);
    }
    n = (apr_size_t)fi.size;
    text = apr_palloc(cmd->temp_pool, n + 1);
    rv = apr_file_read_full(f, text, n, &n);
    apr_file_close(f);
    if (rv != APR_SUCCESS && rv != APR_EOF)
        return apr_psprintf(cmd->pool, "CalStewardPolicy: %s: %s", full,
                            apr_strerror(rv, ebuf, sizeof(ebuf)));
    text[n] = '\0';
    pol = apr_pcalloc(cmd->pool, sizeof(*pol));
    cst_policy_init(pol);
    st = cst_policy_parse_warn(pol, text, n, &err, policy_warn, &w);
    if (st != CST_OK)
        return apr_psprintf(cmd->pool, "CalStewardPolicy: %s:%d: %s", full,
                            err.line, err.msg);
    c->policy = pol;
    c->policy_path = full;
    c->policy_set = 1;
    return NULL;
}

const char *cs_set_max_body(cmd_parms *cmd, void *conf, const char *v)
{
    cs_dir_conf *c = conf;
    char *end = NULL;
    apr_int64_t n;

    errno = 0;
    n = apr_strtoi64(v, &end, 10);
    if (errno != 0 || end == v || *end != '\0' || n < 1024
        || n > (apr_int64_t)CST_MAX_OBJECT_BYTES)
        return apr_psprintf(cmd->pool, "CalStewardMaxBody: '%s' is not a "
                            "number of bytes from 1024 to %u", v,
                            CST_MAX_OBJECT_BYTES);
    c->max_body = (apr_off_t)n;
    c->max_body_set = 1;
    return NULL;
}

const char *cs_set_tasks(cmd_parms *cmd, void *conf, const char *v)
{
    cs_dir_conf *c = conf;

    if (strcasecmp(v, "off") == 0) {
        c->tasks = CS_TASKS_OFF;
        c->tasks_template = NULL;
    } else if (strcasecmp(v, "same-collection") == 0) {
        c->tasks = CS_TASKS_SAME_COLLECTION;
        c->tasks_template = NULL;
    } else if (v[0] == '/' && v[strlen(v) - 1] == '/'
               && strstr(v, "..") == NULL) {
        c->tasks = CS_TASKS_TEMPLATE;
        c->tasks_template = apr_pstrdup(cmd->pool, v);
    } else {
        return apr_psprintf(cmd->pool, "CalStewardTasks: '%s' is neither "
                            "off, same-collection nor a path template "
                            "like /{user}/tasks/ (starting and ending "
                            "with /)", v);
    }
    c->tasks_set = 1;
    return NULL;
}

const char *cs_set_backend(cmd_parms *cmd, void *conf, const char *v)
{
    cs_dir_conf *c = conf;
    apr_uri_t u;

    if (apr_uri_parse(cmd->pool, v, &u) != APR_SUCCESS || u.scheme == NULL
        || u.hostname == NULL
        || (strcasecmp(u.scheme, "http") != 0
            && strcasecmp(u.scheme, "https") != 0))
        return apr_psprintf(cmd->pool, "CalStewardBackend: '%s' is no "
                            "http:// or https:// URL", v);
    /* no trailing slash: request paths are appended as they are */
    c->backend = apr_pstrdup(cmd->pool, v);
    while (strlen(c->backend) > 0
           && c->backend[strlen(c->backend) - 1] == '/')
        ((char *)c->backend)[strlen(c->backend) - 1] = '\0';
    c->backend_set = 1;
    return NULL;
}
