/*
 * config.h -- mod_calsteward's per-directory configuration: the
 * directives of spec section 8, with "was it set" flags and a merge.
 */
#ifndef CST_PLUGIN_CONFIG_H
#define CST_PLUGIN_CONFIG_H

#include "httpd.h"
#include "http_config.h"

#include "core/policy.h"

#define CS_DEFAULT_MAX_BODY (1024 * 1024)

typedef enum cs_tasks_mode {
    CS_TASKS_OFF = 0,
    CS_TASKS_SAME_COLLECTION,
    CS_TASKS_TEMPLATE
} cs_tasks_mode;

typedef struct cs_dir_conf {
    int enabled;
    int enabled_set;
    const cst_policy *policy;       /* from the pool; never changed */
    const char *policy_path;
    int policy_set;
    apr_off_t max_body;
    int max_body_set;
    cs_tasks_mode tasks;
    const char *tasks_template;     /* "/{user}/tasks/" */
    int tasks_set;
    const char *backend;            /* "http://127.0.0.1:5232" or NULL */
    int backend_set;
} cs_dir_conf;

void *cs_create_dir_conf(apr_pool_t *p, char *dir);
void *cs_merge_dir_conf(apr_pool_t *p, void *base, void *add);

/* Directive handlers: each returns NULL or an error message that
 * names the reason (httpd adds the file and line). */
const char *cs_set_enabled(cmd_parms *cmd, void *conf, int on);
const char *cs_set_policy(cmd_parms *cmd, void *conf, const char *path);
const char *cs_set_max_body(cmd_parms *cmd, void *conf, const char *v);
const char *cs_set_tasks(cmd_parms *cmd, void *conf, const char *v);
const char *cs_set_backend(cmd_parms *cmd, void *conf, const char *v);

/* The policy in force: the directory's, else the built-in defaults. */
const cst_policy *cs_policy(const cs_dir_conf *c);

#endif /* CST_PLUGIN_CONFIG_H */
