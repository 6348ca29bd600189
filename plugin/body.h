/*
 * body.h -- reading a request body once, with a limit, and handing it on
 * (as read, or replaced) to whatever reads it next: mod_proxy, a PHP
 * handler, mod_dav.
 */
#ifndef CST_PLUGIN_BODY_H
#define CST_PLUGIN_BODY_H

#include "httpd.h"
#include "util_filter.h"

#define CS_BODY_FILTER "CALSTEWARD_BODY"

/* What the input filter serves. */
typedef struct cs_body {
    const char *data;       /* from r->pool */
    apr_size_t len;
    apr_size_t pos;
    int complete;           /* data is the whole body: EOS after it; else
                               the rest still comes from the client */
} cs_body;

/*
 * Reads the body of r through its input filters, at most max bytes.
 * Sets *b: complete when the whole body (up to EOS) fit, else the bytes
 * read so far (max + 1 at most) with complete = 0.  Returns APR_SUCCESS
 * or the error of the read.
 */
apr_status_t cs_body_read(request_rec *r, apr_size_t max, cs_body *b);

/*
 * Puts b in front of r's input filters, so that the next reader gets
 * b's bytes (then, when b is not complete, the rest of the client's).
 * For a complete body, Content-Length is set to its length and
 * Transfer-Encoding removed.
 */
void cs_body_reinject(request_rec *r, cs_body *b);

/* The filter function, registered by the module. */
apr_status_t cs_body_in_filter(ap_filter_t *f, apr_bucket_brigade *bb,
                               ap_input_mode_t mode, apr_read_type_e block,
                               apr_off_t readbytes);

#endif /* CST_PLUGIN_BODY_H */
