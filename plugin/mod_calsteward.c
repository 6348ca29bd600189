/*
 * mod_calsteward.c -- applies calsteward to every invite a CalDAV server
 * behind (or inside) this Apache stores.
 *
 * Only PUT of text/calendar in enabled locations is touched.  The body
 * is read once (up to CalStewardMaxBody), run through the core as the
 * organizer's copy, and handed on with a correct Content-Length to
 * whatever handles the request (mod_proxy, a PHP application, mod_dav).
 * On any doubt -- a body too large or not iCalendar, a core error -- the
 * client's bytes go on exactly as sent.  After the backend stored the
 * event, the tasks are written with the client's own credentials
 * (taskwriter.c), without delaying the client's response.
 */
#include "httpd.h"
#include "http_config.h"
#include "http_core.h"
#include "http_log.h"
#include "http_protocol.h"
#include "http_request.h"
#include "util_filter.h"
#include "apr_base64.h"
#include "apr_file_io.h"
#include "apr_strings.h"

#include "base/xml.h"
#include "caldav/caldav.h"
#include "core/catalog.h"
#include "core/doc.h"
#include "core/process.h"
#include "plugin/body.h"
#include "plugin/config.h"
#include "plugin/taskwriter.h"

module AP_MODULE_DECLARE_DATA calsteward_module;

#define CS_ETAG_FILTER "CALSTEWARD_ETAG"
#define CS_REJECT_HANDLER "calsteward-reject"

/* ---- structs ---------------------------------------------------------- */

/* Per-process state, read-only once the server runs. */
typedef struct cs_server_conf {
    cst_catalog *zh_cn;     /* the zh_CN catalog, or NULL */
} cs_server_conf;

/* Per-request state, in the request config. */
typedef struct cs_req {
    cs_body body;
    int changed;            /* the body differs from what the client sent */
    const char *reject_xml; /* the 403 body, when rejected */
    const char *user;       /* the authenticated user, or NULL */
    const char *auth;       /* the client's Authorization header */
} cs_req;

/* ---- filters ---------------------------------------------------------- */

/* Drops the backend's ETag when the stored body is not what the client
 * sent (RFC 4791 5.3.4), so that clients fetch the stored version. */
static apr_status_t etag_out_filter(ap_filter_t *f, apr_bucket_brigade *bb)
{
    apr_table_unset(f->r->headers_out, "ETag");
    apr_table_unset(f->r->err_headers_out, "ETag");
    ap_remove_output_filter(f);
    return ap_pass_brigade(f->next, bb);
}

/* ---- helpers ---------------------------------------------------------- */

static int is_calendar(request_rec *r)
{
    const char *ct = apr_table_get(r->headers_in, "Content-Type");

    return ct != NULL && strncasecmp(ct, "text/calendar", 13) == 0
           && (ct[13] == '\0' || ct[13] == ';' || ct[13] == ' ');
}

/* The authenticated user: Apache's own, else the user name of the Basic
 * credentials a proxied backend checks. */
static const char *request_user(request_rec *r)
{
    const char *auth = apr_table_get(r->headers_in, "Authorization");
    char *dec, *colon;
    int len;

    if (r->user != NULL)
        return r->user;
    if (auth == NULL || strncasecmp(auth, "Basic ", 6) != 0)
        return NULL;
    auth += 6;
    while (*auth == ' ')
        auth++;
    if (strlen(auth) > 1024)
        return NULL;
    dec = apr_palloc(r->pool, (apr_size_t)apr_base64_decode_len(auth) + 1);
    len = apr_base64_decode(dec, auth);
    if (len <= 0)
        return NULL;
    dec[len] = '\0';
    colon = strchr(dec, ':');
    if (colon == NULL)
        return NULL;
    *colon = '\0';
    return dec[0] ? dec : NULL;
}

/* Text for an XML 1.0 element or attribute: markup escaped, and the
 * characters XML 1.0 forbids (C0 controls but TAB, LF, CR; U+FFFE,
 * U+FFFF) dropped -- a UID may hold them, the body must still parse
 * (base/xml.h); from r's pool. */
static const char *xml_escape(apr_pool_t *p, const char *s)
{
    char *e = cst_xml_escape(s, strlen(s), CST_XML_QUOTES | CST_XML_DROP);
    const char *out = apr_pstrdup(p, e != NULL ? e : "");

    free(e);
    return out;
}

/* The DAV:error body of a 403 (RFC 4918 16), naming the rule in our
 * namespace, with the message in the policy's language. */
static const char *reject_body(request_rec *r, const cst_process_result *res)
{
    return apr_psprintf(
        r->pool,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        "<D:error xmlns:D=\"DAV:\" xmlns:CS=\"urn:calsteward:error:1\">\n"
        "  <CS:rule-violated rule=\"%s\" uid=\"%s\"/>\n"
        "  <D:responsedescription>%s</D:responsedescription>\n"
        "</D:error>\n",
        xml_escape(r->pool, cst_rule_name(res->rule)),
        xml_escape(r->pool, res->uid), xml_escape(r->pool, res->message));
}

/* What the backend said about the stored copy. */
typedef enum cs_stored {
    CS_STORED_BODY,   /* 200: *body holds it */
    CS_STORED_NONE,   /* 404: nothing stored, the meeting is new */
    CS_STORED_DENIED, /* 401, 403: the credentials are not good there */
    CS_STORED_UNKNOWN /* anything else: no answer */
} cs_stored;

/* Reads the copy the backend holds now, with the client's credentials,
 * from the configured origin (cs_backend_base) at the mapped path. */
static cs_stored stored_copy(request_rec *r, const cs_dir_conf *dc,
                             cs_req *q, char **body, size_t *len)
{
    const char *url = apr_pstrcat(r->pool, cs_backend_base(r, dc),
                                  cs_request_path(r), NULL);
    cst_dav_opts opts;
    cst_dav_response resp;
    cst_error err = {0, ""};
    cst_dav *dav;
    cs_stored what = CS_STORED_UNKNOWN;

    *body = NULL;
    *len = 0;
    memset(&opts, 0, sizeof(opts));
    opts.authorization = q->auth;
    opts.timeout_ms = 5000;
    dav = cst_dav_new(&opts, &err);
    if (dav == NULL)
        return CS_STORED_UNKNOWN;
    cst_dav_response_init(&resp);
    if (cst_dav_get(dav, url, &resp, &err) == CST_OK) {
        if (resp.status == 200) {
            *body = resp.body;
            *len = resp.body_len;
            resp.body = NULL;
            what = CS_STORED_BODY;
        } else if (resp.status == 404) {
            what = CS_STORED_NONE;
        } else if (resp.status == 401 || resp.status == 403) {
            what = CS_STORED_DENIED;
        }
    }
    if (what == CS_STORED_UNKNOWN || what == CS_STORED_DENIED)
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      "calsteward: CS007 %s: stored copy not read (%ld%s%s)",
                      r->uri, resp.status, err.msg[0] ? " " : "", err.msg);
    cst_dav_response_fini(&resp);
    cst_dav_free(&dav);
    return what;
}

/*
 * Runs the core over the body.  Returns 1 when the body (b) was
 * replaced or a rejection was set up, 0 to let the original through.
 *
 * No work before authentication: unless Apache itself authenticated the
 * user (r->user), the stored copy is read first with the client's
 * credentials, and only a 200 or 404 -- the backend took them -- lets
 * the core run.  With Apache's own user, a new meeting (If-None-Match:
 * *) needs no read; a copy that cannot be read, or an absolute request
 * target, counts as new, so an enforced rule still applies.  The body is
 * parsed once (a cst_doc), and with Apache's own user before the read: a
 * body without a meeting of the user's needs no stored copy.
 */
static int apply(request_rec *r, const cs_dir_conf *dc, cs_req *q)
{
    cs_server_conf *sc = ap_get_module_config(r->server->module_config,
                                              &calsteward_module);
    const cst_policy *pol = cs_policy(dc);
    const char *inm = apr_table_get(r->headers_in, "If-None-Match");
    int is_new = inm != NULL && strcmp(inm, "*") == 0;
    int absolute = r->parsed_uri.hostinfo != NULL;
    cs_stored what = CS_STORED_NONE;
    cst_process_result res;
    cst_process_in in;
    cst_error err = {0, ""}, perr;
    char *out = NULL, *prev = NULL;
    size_t out_len = 0, prev_len = 0;
    cst_doc *doc = NULL, *prev_doc = NULL;
    cst_status st = CST_OK;
    int done = 0;

    if (r->user != NULL) {
        st = cst_doc_parse(q->body.data, q->body.len, pol, &doc, &err);
        done = st != CST_OK || !cst_doc_needs_previous(doc, q->user);
    }
    if (!done && (r->user == NULL || !(is_new || absolute))) {
        what = stored_copy(r, dc, q, &prev, &prev_len);
        if (r->user == NULL && what != CS_STORED_BODY
            && what != CS_STORED_NONE) {
            free(prev);
            return 0; /* not known to be authenticated: no work */
        }
    }
    if (is_new || absolute) {
        free(prev); /* stamps of a new meeting are not carried over */
        prev = NULL;
        prev_len = 0;
    }
    if (doc == NULL && st == CST_OK) {
        st = cst_doc_parse(q->body.data, q->body.len, pol, &doc, &err);
        done = st != CST_OK || !cst_doc_needs_previous(doc, q->user);
    }
    if (st != CST_OK || done) {
        free(prev);
        cst_doc_free(&doc);
        if (st != CST_OK)
            ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                          "calsteward: CS001 %s: passed through unchanged: "
                          "%s%s", r->uri, cst_status_str(st),
                          err.msg[0] ? apr_pstrcat(r->pool, ": ", err.msg,
                                                   NULL)
                                     : "");
        return 0; /* not iCalendar, or nothing of the user's to process */
    }
    if (prev != NULL
        && cst_doc_parse(prev, prev_len, pol, &prev_doc, &perr) != CST_OK)
        prev_doc = NULL; /* a bad stored copy only loses the carry-over */
    memset(&in, 0, sizeof(in));
    memset(&res, 0, sizeof(res));
    in.policy = pol;
    in.now = apr_time_sec(r->request_time);
    in.tr = cst_catalog_translate;
    in.tr_ctx = pol->language == CST_LANG_ZH_CN ? sc->zh_cn : NULL;
    in.organizer_user = q->user;
    in.result = &res;
    in.previous_known = 1;
    st = cst_doc_process(doc, prev_doc, &in, &out, &out_len, &err);
    cst_doc_free(&prev_doc);
    cst_doc_free(&doc);
    free(prev);
    if (st != CST_OK) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      "calsteward: CS001 %s: passed through unchanged: %s%s",
                      r->uri, cst_status_str(st),
                      err.msg[0] ? apr_pstrcat(r->pool, ": ", err.msg, NULL)
                                 : "");
        return 0;
    }
    if (res.reject) {
        q->reject_xml = reject_body(r, &res);
        free(out);
        ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r,
                      "calsteward: CS002 %s: rejected, rule %s (uid %s)",
                      r->uri, cst_rule_name(res.rule),
                      ap_escape_logitem(r->pool, res.uid));
        return 1;
    }
    if (out == NULL)
        return 0;
    q->body.data = apr_pmemdup(r->pool, out, out_len);
    q->body.len = out_len;
    q->changed = 1;
    free(out);
    return 1;
}

/* ---- hooks ------------------------------------------------------------ */

static int cs_fixups(request_rec *r)
{
    cs_dir_conf *dc = ap_get_module_config(r->per_dir_config,
                                           &calsteward_module);
    const char *cl;
    cs_req *q;
    apr_status_t rv;

    if (!dc->enabled || r->method_number != M_PUT || !ap_is_initial_req(r)
        || !is_calendar(r))
        return DECLINED;
    cl = apr_table_get(r->headers_in, "Content-Length");
    if (cl != NULL && apr_atoi64(cl) > dc->max_body) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      "calsteward: CS003 %s: body of %s bytes over "
                      "CalStewardMaxBody, passed through", r->uri, cl);
        return DECLINED;
    }
    q = apr_pcalloc(r->pool, sizeof(*q));
    q->user = request_user(r);
    q->auth = apr_table_get(r->headers_in, "Authorization");
    rv = cs_body_read(r, (apr_size_t)dc->max_body, &q->body);
    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, rv, r,
                      "calsteward: CS004 %s: reading the body failed",
                      r->uri);
        return ap_map_http_request_error(rv, HTTP_BAD_REQUEST);
    }
    ap_set_module_config(r->request_config, &calsteward_module, q);
    if (!q->body.complete) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      "calsteward: CS003 %s: body over CalStewardMaxBody, "
                      "passed through", r->uri);
        cs_body_reinject(r, &q->body);
        return DECLINED;
    }
    if (q->user != NULL)
        apply(r, dc, q);
    if (q->reject_xml != NULL) {
        r->handler = CS_REJECT_HANDLER;
        return DECLINED;
    }
    cs_body_reinject(r, &q->body);
    if (q->changed)
        ap_add_output_filter(CS_ETAG_FILTER, NULL, r, r->connection);
    return DECLINED;
}

/* Answers a rejected PUT: 403 with the DAV:error body; nothing stored. */
static int cs_reject_handler(request_rec *r)
{
    cs_req *q;

    if (r->handler == NULL || strcmp(r->handler, CS_REJECT_HANDLER) != 0)
        return DECLINED;
    q = ap_get_module_config(r->request_config, &calsteward_module);
    if (q == NULL || q->reject_xml == NULL)
        return DECLINED;
    r->status = HTTP_FORBIDDEN;
    ap_set_content_type(r, "application/xml; charset=utf-8");
    ap_set_content_length(r, (apr_off_t)strlen(q->reject_xml));
    ap_rputs(q->reject_xml, r);
    return OK;
}

/* After the response: write the tasks of a stored meeting. */
static int cs_log_transaction(request_rec *r)
{
    cs_dir_conf *dc = ap_get_module_config(r->per_dir_config,
                                           &calsteward_module);
    cs_server_conf *sc = ap_get_module_config(r->server->module_config,
                                              &calsteward_module);
    cs_req *q = ap_get_module_config(r->request_config, &calsteward_module);
    const cst_policy *pol;

    if (q == NULL || q->reject_xml != NULL || !q->body.complete
        || q->user == NULL || dc->tasks == CS_TASKS_OFF || r->status < 200
        || r->status > 299)
        return DECLINED;
    pol = cs_policy(dc);
    cs_write_tasks(r, dc, q->body.data, q->body.len, q->user, q->auth,
                   pol->language == CST_LANG_ZH_CN ? sc->zh_cn : NULL);
    return DECLINED;
}

static void *cs_create_server_conf(apr_pool_t *p, server_rec *s)
{
    (void)s;
    return apr_pcalloc(p, sizeof(cs_server_conf));
}

static apr_status_t free_catalog(void *data)
{
    cst_catalog *c = data;

    cst_catalog_free(&c);
    return APR_SUCCESS;
}

/* Loads the zh_CN catalog once; the core keeps no language state. */
static int cs_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                          apr_pool_t *ptemp, server_rec *s)
{
    const char *path = LOCALEDIR "/zh_CN/LC_MESSAGES/calsteward.mo";
    const char *env = getenv("CALSTEWARD_LOCALEDIR");
    cst_catalog *cat = NULL;
    apr_file_t *f;
    apr_finfo_t fi;
    apr_size_t n;
    char *buf;
    server_rec *v;

    (void)plog;
    if (env != NULL && *env != '\0')
        path = apr_pstrcat(ptemp, env, "/zh_CN/LC_MESSAGES/calsteward.mo",
                           NULL);
    if (apr_file_open(&f, path, APR_FOPEN_READ, APR_OS_DEFAULT, ptemp)
        == APR_SUCCESS) {
        if (apr_file_info_get(&fi, APR_FINFO_SIZE, f) == APR_SUCCESS
            && fi.size > 0 && fi.size < 4 * 1024 * 1024) {
            n = (apr_size_t)fi.size;
            buf = apr_palloc(ptemp, n);
            if (apr_file_read_full(f, buf, n, &n) == APR_SUCCESS
                && cst_catalog_parse(buf, n, &cat) == CST_OK)
                apr_pool_cleanup_register(pconf, cat, free_catalog,
                                          apr_pool_cleanup_null);
        }
        apr_file_close(f);
    }
    if (cat == NULL)
        ap_log_error(APLOG_MARK, APLOG_INFO, 0, s,
                     "calsteward: CS005 no zh_CN catalog at %s; messages "
                     "stay English", path);
    for (v = s; v != NULL; v = v->next) {
        cs_server_conf *sc = ap_get_module_config(v->module_config,
                                                  &calsteward_module);
        sc->zh_cn = cat;
    }
    return OK;
}

static void cs_child_init(apr_pool_t *p, server_rec *s)
{
    cst_error err = {0, ""};

    /* libcurl, libxml2 and libical: set up once per process, before
     * threads use them */
    if (cst_dav_global_init(&err) != CST_OK)
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s,
                     "calsteward: CS006 CalDAV client: %s", err.msg);
    icalerror_set_errors_are_fatal(0);
    cs_delivery_start(p, s);
}

/* ---- directives ------------------------------------------------------- */

static const command_rec cs_cmds[] = {
    AP_INIT_FLAG("CalSteward", cs_set_enabled, NULL, RSRC_CONF | ACCESS_CONF,
                 "On to check and process invites stored here"),
    AP_INIT_TAKE1("CalStewardPolicy", cs_set_policy, NULL,
                  RSRC_CONF | ACCESS_CONF, "the policy file"),
    AP_INIT_TAKE1("CalStewardMaxBody", cs_set_max_body, NULL,
                  RSRC_CONF | ACCESS_CONF,
                  "largest body processed, in bytes (default 1048576)"),
    AP_INIT_TAKE1("CalStewardTasks", cs_set_tasks, NULL,
                  RSRC_CONF | ACCESS_CONF,
                  "off | same-collection | a path template like "
                  "/{user}/tasks/"),
    AP_INIT_TAKE1("CalStewardBackend", cs_set_backend, NULL,
                  RSRC_CONF | ACCESS_CONF,
                  "where the module's own CalDAV requests go (default: "
                  "this virtual host)"),
    {NULL}};

static void cs_register_hooks(apr_pool_t *p)
{
    (void)p;
    ap_hook_post_config(cs_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(cs_child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_fixups(cs_fixups, NULL, NULL, APR_HOOK_LAST);
    /* before any content handler (mod_proxy, mod_dav, PHP) whatever the
     * LoadModule order: a rejected PUT must not reach the backend */
    ap_hook_handler(cs_reject_handler, NULL, NULL, APR_HOOK_REALLY_FIRST);
    ap_hook_log_transaction(cs_log_transaction, NULL, NULL, APR_HOOK_MIDDLE);
    ap_register_input_filter(CS_BODY_FILTER, cs_body_in_filter, NULL,
                             AP_FTYPE_CONTENT_SET);
    ap_register_output_filter(CS_ETAG_FILTER, etag_out_filter, NULL,
                              AP_FTYPE_CONTENT_SET);
}

AP_DECLARE_MODULE(calsteward) = {
    STANDARD20_MODULE_STUFF,
    cs_create_dir_conf,     /* per-directory config */
    cs_merge_dir_conf,      /* merge per-directory */
    cs_create_server_conf,  /* per-server config */
    NULL,                   /* merge per-server */
    cs_cmds,                /* directives */
    cs_register_hooks,      /* hooks */
#ifdef AP_MODULE_FLAG_NONE
    AP_MODULE_FLAG_NONE     /* flags */
#endif
};
