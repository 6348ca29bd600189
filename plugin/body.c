/*
 * body.c -- body capture and re-injection (as mod_request keeps a body).
 */
#include "plugin/body.h"

#include <string.h>

#include "apr_strings.h"
#include "http_protocol.h"

apr_status_t cs_body_read(request_rec *r, apr_size_t max, cs_body *b)
{
    apr_bucket_brigade *bb;
    apr_size_t cap = 8192, len = 0;
    char *buf = apr_palloc(r->pool, cap);
    int eos = 0;
    apr_status_t rv = APR_SUCCESS;

    memset(b, 0, sizeof(*b));
    bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    while (!eos && len <= max) {
        apr_bucket *e;

        rv = ap_get_brigade(r->input_filters, bb, AP_MODE_READBYTES,
                            APR_BLOCK_READ, HUGE_STRING_LEN);
        if (rv != APR_SUCCESS)
            break;
        for (e = APR_BRIGADE_FIRST(bb); e != APR_BRIGADE_SENTINEL(bb);
             e = APR_BUCKET_NEXT(e)) {
            const char *d;
            apr_size_t n;

            if (APR_BUCKET_IS_EOS(e)) {
                eos = 1;
                break;
            }
            if (APR_BUCKET_IS_METADATA(e))
                continue;
            rv = apr_bucket_read(e, &d, &n, APR_BLOCK_READ);
            if (rv != APR_SUCCESS)
                break;
            if (len + n > cap) {
                char *nb;

                while (cap < len + n)
                    cap *= 2;
                nb = apr_palloc(r->pool, cap);
                memcpy(nb, buf, len);
                buf = nb;
            }
            memcpy(buf + len, d, n);
            len += n;
        }
        apr_brigade_cleanup(bb);
        if (rv != APR_SUCCESS)
            break;
    }
    apr_brigade_destroy(bb);
    b->data = buf;
    b->len = len;
    b->complete = eos && len <= max;
    return rv;
}

apr_status_t cs_body_in_filter(ap_filter_t *f, apr_bucket_brigade *bb,
                               ap_input_mode_t mode, apr_read_type_e block,
                               apr_off_t readbytes)
{
    cs_body *b = f->ctx;
    apr_size_t n;
    apr_bucket *e;

    if (mode != AP_MODE_READBYTES && mode != AP_MODE_SPECULATIVE
        && mode != AP_MODE_GETLINE)
        return ap_get_brigade(f->next, bb, mode, block, readbytes);
    if (b->pos >= b->len) {
        if (!b->complete)
            return ap_get_brigade(f->next, bb, mode, block, readbytes);
        APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_eos_create(bb->bucket_alloc));
        return APR_SUCCESS;
    }
    n = b->len - b->pos;
    if (readbytes > 0 && (apr_off_t)n > readbytes)
        n = (apr_size_t)readbytes;
    if (mode == AP_MODE_GETLINE) {
        const char *nl = memchr(b->data + b->pos, '\n', n);

        if (nl != NULL)
            n = (apr_size_t)(nl - (b->data + b->pos)) + 1;
    }
    /* the bytes live in r->pool, which outlives the request's reads */
    e = apr_bucket_immortal_create(b->data + b->pos, n, bb->bucket_alloc);
    APR_BRIGADE_INSERT_TAIL(bb, e);
    if (mode != AP_MODE_SPECULATIVE) {
        b->pos += n;
        if (b->pos >= b->len && b->complete)
            APR_BRIGADE_INSERT_TAIL(bb,
                                    apr_bucket_eos_create(bb->bucket_alloc));
    }
    return APR_SUCCESS;
}

void cs_body_reinject(request_rec *r, cs_body *b)
{
    b->pos = 0;
    if (b->complete) {
        apr_table_setn(r->headers_in, "Content-Length",
                       apr_off_t_toa(r->pool, (apr_off_t)b->len));
        apr_table_unset(r->headers_in, "Transfer-Encoding");
    }
    ap_add_input_filter(CS_BODY_FILTER, b, r, r->connection);
}
