/*
 * caldav.h -- calsteward's CalDAV client (RFC 4791 over RFC 4918), on
 * libcurl.  The only code of calsteward that includes curl.h.
 *
 * One cst_dav holds one curl easy handle, so consecutive requests reuse the
 * connection.  HTTP errors are not failures: a request that got an answer
 * returns CST_OK with the status in the response and the caller decides.
 * Failures are transport failures (CST_ERR_IO, err->msg names the method,
 * the URL without credentials and curl's message), a body past max_body
 * (CST_ERR_TOO_LARGE), invalid arguments (CST_ERR_INVALID), memory
 * (CST_ERR_NOMEM).
 *
 * Thread safety: no mutable globals.  The program calls
 * cst_dav_global_init() (curl_global_init + xmlInitParser) once, before it
 * starts threads -- mod_calsteward does it in child_init -- and
 * cst_dav_global_cleanup() once at the end.  A cst_dav may be used by one
 * thread at a time; give each thread (or each request) its own.  Signals
 * are never used (CURLOPT_NOSIGNAL).
 *
 * Origin binding.  Every cst_dav is bound to one origin (scheme, host,
 * port with the port defaulted from the scheme): the one of
 * opts.base_url when it is set, else that of the URL of its first
 * request.  It sends nothing -- no request, so no credentials either --
 * to any other origin, whatever the URL came from: a caller, a redirect,
 * an href in a multistatus (principal, calendar-home-set, calendars,
 * members) or discovery.  Such a URL is refused with CST_ERR_INVALID and
 * a one-line err->msg naming it and the bound origin.  https -> http is
 * another origin, so a downgrade is refused like any other.  A handle is
 * therefore for one server: give each server its own.
 *
 * Redirects (301, 302, 303, 307, 308) are followed by the client itself
 * (never by curl) for GET and PROPFIND only, at most
 * CST_DAV_MAX_REDIRECTS times and only on the bound origin; a redirect to
 * another origin is refused as above (nothing is sent there), a Location
 * that is not http(s) is not followed (the 3xx comes back).  Other methods
 * return the 3xx as it is.
 */
#ifndef CST_DAV_CALDAV_H
#define CST_DAV_CALDAV_H

#include "core/cst.h"
#include "caldav/multistatus.h"

#include <stddef.h>
#include <time.h>

#define CST_DAV_CONNECT_TIMEOUT_MS 3000L
#define CST_DAV_TIMEOUT_MS         10000L
#define CST_DAV_MAX_REDIRECTS      3
#define CST_DAV_MAX_HEADER_VALUE   8192u /* ETag, Location kept up to this */

/* Calendar component bits (supported-calendar-component-set). */
#define CST_DAV_VEVENT   1u
#define CST_DAV_VTODO    2u
#define CST_DAV_VJOURNAL 4u
#define CST_DAV_ALL_COMPONENTS (CST_DAV_VEVENT | CST_DAV_VTODO | CST_DAV_VJOURNAL)

/* Depth header values for cst_dav_propfind(). */
#define CST_DAV_DEPTH_INFINITY (-1)

typedef struct cst_dav cst_dav;

/*
 * Options.  A zeroed struct gives every default; strings are copied by
 * cst_dav_new() and may be freed afterwards.  At most one of (user,
 * password), bearer and authorization may be set.
 */
typedef struct cst_dav_opts {
    long connect_timeout_ms; /* 0 = CST_DAV_CONNECT_TIMEOUT_MS */
    long timeout_ms;         /* whole transfer; 0 = CST_DAV_TIMEOUT_MS */
    /* TLS certificates and host names are always verified.  Setting this
     * to 1 turns it off and is the only way to; cst_dav_insecure() says so
     * afterwards, for the caller to log. */
    int insecure_skip_tls_verify;
    const char *ca_file; /* CA bundle (PEM) instead of the system's; NULL */
    size_t max_body;     /* response body bytes; 0 = 4 MiB */
    const char *user_agent; /* NULL = "calsteward/VERSION" */
    /* Authentication, one of: */
    const char *user;       /* with password: Basic */
    const char *password;
    const char *bearer;     /* "Authorization: Bearer <bearer>" */
    /* A raw Authorization header value sent as it is, e.g. the one the
     * Apache module received from its client ("Basic dXNlcjpwdw=="). */
    const char *authorization;
    /* The server's URL: binds the handle to its origin at cst_dav_new()
     * (which fails with CST_ERR_INVALID when it is not an http(s) URL).
     * NULL: bound to the origin of the first request's URL. */
    const char *base_url;
} cst_dav_opts;

/* One HTTP exchange's answer.  Initialise with cst_dav_response_init()
 * (or zero it); every request function resets it before filling it. */
typedef struct cst_dav_response {
    long status;        /* HTTP status, 0 when nothing was received */
    char *body;         /* heap, NUL-terminated (never NULL after a request
                           returned CST_OK), body_len bytes before the NUL */
    size_t body_len;
    char *etag;         /* ETag header verbatim (quotes, W/ kept) or NULL */
    char *location;     /* Location header verbatim or NULL */
    char *content_type; /* Content-Type header or NULL */
    char *url;          /* the URL finally answered (after redirects) */
} cst_dav_response;

void cst_dav_response_init(cst_dav_response *r);
/* Frees what r owns and re-initialises it; accepts NULL. */
void cst_dav_response_fini(cst_dav_response *r);

/* Once per process, before any thread uses the client: curl_global_init()
 * and xmlInitParser().  Returns CST_OK or CST_ERR_IO. */
cst_status cst_dav_global_init(cst_error *err);
/* curl_global_cleanup() and xmlCleanupParser(): only at the very end of a
 * program in which nothing else uses curl or libxml2 (an httpd child,
 * where other modules may, should not call it). */
void cst_dav_global_cleanup(void);

/*
 * Creates a client.  o may be NULL (all defaults, no authentication).
 * Returns NULL on failure with err set (CST_ERR_INVALID for conflicting
 * credentials or a CR/LF in a header value; out of memory).
 * @par Ownership  the caller owns the result; cst_dav_free() releases it.
 */
cst_dav *cst_dav_new(const cst_dav_opts *o, cst_error *err);

/* Frees *d (NULL allowed) and sets *d to NULL. */
void cst_dav_free(cst_dav **d);

/* The origin d is bound to, "scheme://host:port" (borrowed), or NULL
 * while it is not bound yet. */
const char *cst_dav_origin(const cst_dav *d);

/* Returns CST_OK when url is on the origin d is bound to (or d is not
 * bound yet), else CST_ERR_INVALID with err->msg "caldav: URL refused: not
 * on ORIGIN, the origin this client is bound to; nothing sent" -- with
 * where not NULL "WHERE: href URL refused: ..." (where names the answer
 * the URL came from, e.g. "PROPFIND http://h/dav/").  For code about to
 * hand a URL a server gave to a request; the requests check it anyway. */
cst_status cst_dav_check_origin(const cst_dav *d, const char *where,
                                const char *url, cst_error *err);

/* Returns 1 when TLS verification was turned off in the options. */
int cst_dav_insecure(const cst_dav *d);

/* The HTTP status of the last exchange (0 when none was received); the
 * discovery helpers below leave it for callers that must pass a 401 on. */
long cst_dav_last_status(const cst_dav *d);

/* --- raw requests: CST_OK whenever an HTTP answer arrived -------------- */

/* GET url. */
cst_status cst_dav_get(cst_dav *d, const char *url, cst_dav_response *resp,
                       cst_error *err);

/*
 * PUT len bytes of body (borrowed for the call) to url.  content_type NULL
 * = "text/calendar; charset=utf-8".  if_match: NULL, "*" or an ETag as
 * the server gave it (quotes included); if_none_match likewise (usually
 * "*" to create only).
 */
cst_status cst_dav_put(cst_dav *d, const char *url, const char *body,
                       size_t len, const char *content_type,
                       const char *if_match, const char *if_none_match,
                       cst_dav_response *resp, cst_error *err);

/* DELETE url, conditional on if_match when not NULL. */
cst_status cst_dav_delete(cst_dav *d, const char *url, const char *if_match,
                          cst_dav_response *resp, cst_error *err);

/* PROPFIND url with Depth 0, 1 or CST_DAV_DEPTH_INFINITY; xml_body NULL
 * sends an empty body (allprop). */
cst_status cst_dav_propfind(cst_dav *d, const char *url, int depth,
                            const char *xml_body, cst_dav_response *resp,
                            cst_error *err);

/* MKCALENDAR url, setting displayname (NULL = none) and the supported
 * components (0 = leave it to the server). */
cst_status cst_dav_mkcalendar(cst_dav *d, const char *url,
                              const char *displayname,
                              unsigned components_mask,
                              cst_dav_response *resp, cst_error *err);

/* --- helpers: CST_OK only on a 207 that parsed ------------------------ *
 * A non-207 answer returns CST_ERR_IO with the status in err->msg and in
 * cst_dav_last_status(); a malformed body CST_ERR_PARSE.                  */

/* Sets *mask to the components the collection takes; a collection that
 * does not say (no supported-calendar-component-set) takes them all. */
cst_status cst_dav_supported_components(cst_dav *d, const char *collection_url,
                                        unsigned *mask, cst_error *err);

/* The CST_DAV_* bits of a C:supported-calendar-component-set property
 * p: all of them when p is NULL or not 2xx (not reported). */
unsigned cst_dav_components_of(const cst_dav_prop *p);

/* Sets *href to the absolute URL of the current user's principal (RFC
 * 5397), or to NULL when the server does not report one.
 * @par Ownership  *href is the caller's, free() it. */
cst_status cst_dav_current_user_principal(cst_dav *d, const char *url,
                                          char **href, cst_error *err);

/* Sets *href to the absolute URL of the principal's first
 * calendar-home-set, or NULL when not reported.  Caller frees. */
cst_status cst_dav_calendar_home(cst_dav *d, const char *principal_url,
                                 char **href, cst_error *err);

/* Sets *out to the absolute URLs of the principal's
 * calendar-user-address-set hrefs ("mailto:..." kept as they are), *n to
 * their count.  Caller frees with cst_dav_strings_free(). */
cst_status cst_dav_user_addresses(cst_dav *d, const char *principal_url,
                                  char ***out, size_t *n, cst_error *err);
void cst_dav_strings_free(char ***v, size_t n);

typedef struct cst_dav_calendar {
    char *href;        /* absolute URL */
    char *displayname; /* NULL when none */
    unsigned components; /* CST_DAV_* bits; all when not reported */
} cst_dav_calendar;

/* Lists the calendar collections (resourcetype C:calendar) directly in
 * home_url (PROPFIND Depth 1), in the server's order.
 * @par Ownership  *v is the caller's: cst_dav_calendars_free(v, n). */
cst_status cst_dav_list_calendars(cst_dav *d, const char *home_url,
                                  cst_dav_calendar **v, size_t *n,
                                  cst_error *err);
/* Frees *v (NULL allowed) and sets it to NULL. */
void cst_dav_calendars_free(cst_dav_calendar **v, size_t n);

/* --- REPORT, sync and discovery (report.c) ---------------------------- *
 * Like the helpers above: CST_OK only on a 207 that parsed (sync-collection
 * also on the answers it classifies, see there).  Any other answer is
 * CST_ERR_IO with err->msg "METHOD URL: HTTP 500" -- "HTTP 401 (wrong user
 * or password?)" for a 401 -- naming the URL that answered, without
 * credentials; the status stays in cst_dav_last_status().  A malformed
 * 207 is CST_ERR_PARSE ("METHOD URL: multistatus: line N: ...").  The 207
 * is parsed with max_bytes = the handle's max_body (opts.max_body) and
 * CST_DAV_MAX_RESPONSES (100 000) responses.                              */

#define CST_DAV_MULTIGET_MAX 200 /* hrefs in one calendar-multiget */

/* REPORT url with Depth depth (0, 1, CST_DAV_DEPTH_INFINITY, or -2 for no
 * Depth header) and the XML body xml_body (NUL-terminated, required). */
#define CST_DAV_DEPTH_NONE (-2)
cst_status cst_dav_report(cst_dav *d, const char *url, int depth,
                          const char *xml_body, cst_dav_response *resp,
                          cst_error *err);

/*
 * Checks that resp (from method, e.g. "PROPFIND") is a 207 and parses its
 * body with the limits of d, as every helper here does: CST_ERR_IO with
 * the message above for any other status, CST_ERR_PARSE, CST_ERR_TOO_LARGE.
 * @par Ownership  *ms is the caller's: cst_dav_multistatus_fini(), also
 * after a failure (it is left empty then).
 */
cst_status cst_dav_parse_207(const cst_dav *d, const char *method,
                             const cst_dav_response *resp,
                             cst_dav_multistatus *ms, cst_error *err);

/* One resource from a REPORT or a Depth-1 PROPFIND. */
typedef struct cst_dav_item {
    char *href;  /* as the server wrote it (still %-encoded), never NULL */
    char *url;   /* absolute, resolved against the URL that answered */
    char *etag;  /* DAV:getetag verbatim (quotes kept) or NULL */
    /* C:calendar-data as the XML parser gives it, or NULL when not asked
     * or absent.  XML turns a CRLF the server wrote literally into LF (a
     * server that writes &#13; keeps its CR): callers that need CRLF must
     * restore it. */
    char *data;
    size_t len;  /* bytes of data */
    int status;  /* 200; 404 for a member removed (sync-collection) or
                    missing (multiget); else the status the server gave */
} cst_dav_item;

typedef struct cst_dav_items {
    cst_dav_item *v;
    size_t n;
    char *sync_token; /* sync-collection: the new token; else NULL */
    int truncated;    /* sync-collection answered 507 for the request-URI:
                         more to fetch with the new token */
} cst_dav_items;

/* Frees what it owns and zeroes it; NULL ok. */
void cst_dav_items_fini(cst_dav_items *it);

/* An item's calendar-data with its line ends as stored: XML parsers turn
 * every CRLF into LF, so each bare LF becomes CRLF again before the data
 * is processed or written back.  A heap copy (*out_len bytes), NULL when
 * out of memory. */
char *cst_dav_restore_crlf(const char *data, size_t len, size_t *out_len);

/* PROPFIND Depth 0 of a collection. */
typedef struct cst_dav_colinfo {
    char *sync_token;    /* DAV:sync-token or NULL */
    char *ctag;          /* CS:getctag or NULL */
    char *displayname;   /* or NULL */
    unsigned components; /* CST_DAV_* (all when not reported) */
    int is_calendar;     /* resourcetype holds C:calendar */
} cst_dav_colinfo;

/* Frees what it owns and zeroes it; NULL ok. */
void cst_dav_colinfo_fini(cst_dav_colinfo *c);

/* Fills *out (overwritten; cst_dav_colinfo_fini() it, also after a
 * failure) from a PROPFIND Depth 0 of url. */
cst_status cst_dav_collection_info(cst_dav *d, const char *url,
                                   cst_dav_colinfo *out, cst_error *err);

/*
 * RFC 6764 + RFC 4791 discovery from start_url: asks start_url for
 * current-user-principal; when it names none (or answers 404, 405, or
 * anything but 207 or 401), asks <origin>/.well-known/caldav (redirects
 * followed); then the principal's calendar-home-set.
 * Returns CST_OK with *principal and *home set (absolute URLs, the
 * caller's to free()); CST_ERR_IO naming the URL and the HTTP status when
 * it cannot -- a 401 anywhere stops it at once: "PROPFIND URL: HTTP 401
 * (wrong user or password?)"; transport failures as everywhere.  Both are
 * NULL after a failure.
 */
cst_status cst_dav_discover(cst_dav *d, const char *start_url,
                            char **principal, char **home, cst_error *err);

/*
 * REPORT calendar-query (Depth 1) on a collection for component comp
 * ("VEVENT", "VTODO" or "VJOURNAL") with, when start < end, a C:time-range
 * start="yyyymmddThhmmssZ" end="..." (UTC) on that component; with_data 0
 * asks getetag only, 1 getetag + calendar-data.  The collection's own
 * entry, should the server list it, is left out.
 * @par Ownership  *out is overwritten; the caller cst_dav_items_fini()s
 * it, also after a failure (it is left empty then).
 */
cst_status cst_dav_calendar_query(cst_dav *d, const char *collection_url,
                                  const char *comp, time_t start, time_t end,
                                  int with_data, cst_dav_items *out,
                                  cst_error *err);

/*
 * REPORT calendar-multiget (no Depth header, RFC 4791 7.9) on
 * collection_url for n hrefs, with getetag + calendar-data.  An href is
 * sent as it is when it starts with one "/"; an absolute URL (or a
 * relative href) is resolved against collection_url and its path (and
 * query) sent.  n may be 0 (no request, empty *out); more than
 * CST_DAV_MULTIGET_MAX is CST_ERR_INVALID -- callers batch.  Members the
 * server does not have come back with status 404.  Ownership as above.
 */
cst_status cst_dav_multiget(cst_dav *d, const char *collection_url,
                            const char *const *hrefs, size_t n,
                            cst_dav_items *out, cst_error *err);

/* Outcome of cst_dav_sync_collection(). */
typedef enum cst_dav_sync_result {
    CST_DAV_SYNC_OK = 0,
    /* 403/409 with DAV:valid-sync-token, or 400/403/409 answering a
     * non-empty token: start over with "" */
    CST_DAV_SYNC_INVALID_TOKEN,
    /* 400/403/405/415/501 for the REPORT itself (or a 207 without
     * sync-token): use the ctag and ETags instead */
    CST_DAV_SYNC_UNSUPPORTED
} cst_dav_sync_result;

/*
 * REPORT sync-collection (RFC 6578) on collection_url with token (NULL or
 * "" = initial sync), sync-level 1, asking getetag.  No Depth header is
 * sent (RFC 6578 3.2: absent means 0, the only value defined; Radicale
 * and Xandikos take it).
 * Returns CST_OK with *sync = CST_DAV_SYNC_OK and *out filled: changed
 * and new members with status 200 and their ETag, removed ones with
 * status 404, out->sync_token the new token, out->truncated 1 when the
 * server answered 507 for the request-URI (ask again with the new token).
 * Returns CST_OK with *sync = INVALID_TOKEN or UNSUPPORTED (and *out
 * empty) for the answers listed above; any other answer is CST_ERR_IO.
 * Ownership as above.
 */
cst_status cst_dav_sync_collection(cst_dav *d, const char *collection_url,
                                   const char *token, cst_dav_items *out,
                                   cst_dav_sync_result *sync, cst_error *err);

/*
 * PROPFIND Depth 1 of collection_url asking getetag and resourcetype:
 * every member that is not a collection, with its ETag (the fallback when
 * sync-collection is not supported).  The collection's own entry and
 * sub-collections are left out.  Ownership as above.
 */
cst_status cst_dav_list_etags(cst_dav *d, const char *collection_url,
                              cst_dav_items *out, cst_error *err);

/* --- URLs -------------------------------------------------------------- */

/*
 * Resolves href (absolute, absolute-path or relative, as in a multistatus
 * or a Location header) against base with curl's URL API.
 * Returns CST_OK with *out set (caller frees), CST_ERR_INVALID when either
 * does not parse, CST_ERR_NOMEM.
 */
cst_status cst_dav_url_resolve(const char *base, const char *href,
                               char **out, cst_error *err);

/* Returns 1 when a and b have the same scheme, host and port (the port
 * defaulted from the scheme), else 0 (also when either does not parse). */
int cst_dav_same_origin(const char *a, const char *b);

#endif /* CST_DAV_CALDAV_H */
