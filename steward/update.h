/*
 * update.h -- the one conditional update of calsteward: every write the
 * Apache module and the sweep make to a calendar object goes through
 * cst_stw_update().
 *
 *     the stored copy unknown (or known without an ETag) -> GET
 *     edit callback: the new text, or "nothing to change"
 *     PUT with If-Match: <ETag>, or If-None-Match: * to create
 *     412 -> read it again (GET) and edit again, at most max_tries PUTs
 *
 * A PUT without If-Match or If-None-Match is never sent: a copy served
 * without an ETag is left alone.  Every HTTP status is classified here
 * (cst_stw_classify), once for both callers.
 */
#ifndef CST_STEWARD_UPDATE_H
#define CST_STEWARD_UPDATE_H

#include <stddef.h>

#include "caldav/caldav.h"
#include "core/cst.h"

#define CST_STW_MAX_TRIES 3

/* What an HTTP status (0: no answer at all) means for a write. */
typedef enum cst_stw_class {
    CST_STW_CLASS_OK = 0,    /* 2xx */
    CST_STW_CLASS_RETRY,     /* no answer (refused, timeout, reset), 408,
                                429, 5xx: busy or away, ask again later */
    CST_STW_CLASS_REFUSED,   /* 401, 403, 404, 405, 409: not as asked; the
                                same request will not do better later */
    CST_STW_CLASS_FAILED     /* anything else (3xx, 400, 412, 413 ...) */
} cst_stw_class;

cst_stw_class cst_stw_classify(long status);

/*
 * The edit: cur/len the stored copy, NULL when there is none (the object
 * is to be created: give its whole text); prev/prev_len the copy the
 * previous try edited when a 412 made the update read it again, else
 * NULL.  Sets *out to the new text (malloc()ed; the update frees it) or
 * leaves it NULL for "nothing to change".  Returns CST_OK, or a failure
 * with err set (the update stops, nothing written).
 */
typedef cst_status (*cst_stw_edit_fn)(void *ctx, const char *cur, size_t len,
                                      const char *prev, size_t prev_len,
                                      char **out, size_t *out_len,
                                      cst_error *err);

/* A dry run: shows what would be written instead of the PUT. */
typedef void (*cst_stw_show_fn)(void *ctx, int create, const char *url,
                                const char *body, size_t len);

typedef struct cst_stw_update {
    const char *url;
    /* What is known of the stored copy (a multiget, the sweep's state):
     * known/known_len with known_etag; known NULL or the ETag empty means
     * unknown: it is read first.  known_absent: not there as far as the
     * caller knows -- created straight away with If-None-Match: * (a 412
     * then reads it). */
    const char *known;
    size_t known_len;
    const char *known_etag;
    int known_absent;
    int may_create;  /* a 404 means: create it; else CST_STW_GONE */
    int max_tries;   /* PUTs; 0 = CST_STW_MAX_TRIES */
    const char *content_type; /* NULL: the client's default */
    cst_stw_edit_fn edit;
    void *edit_ctx;
    cst_stw_show_fn show; /* non-NULL: dry run, nothing is PUT */
    void *show_ctx;
} cst_stw_update;

typedef enum cst_stw_outcome {
    CST_STW_WRITTEN = 0, /* PUT answered 2xx (or shown: dry run) */
    CST_STW_UNCHANGED,   /* the edit had nothing to change */
    CST_STW_GONE,        /* 404 and !may_create: deleted meanwhile */
    CST_STW_LATER,       /* CST_STW_CLASS_RETRY: try again later */
    CST_STW_DENIED,      /* CST_STW_CLASS_REFUSED (result.status says) */
    CST_STW_CONFLICT,    /* still 412 after max_tries PUTs */
    CST_STW_ERROR        /* the edit failed (edit_failed), no ETag, another
                            status, no memory */
} cst_stw_outcome;

typedef struct cst_stw_result {
    cst_stw_outcome outcome;
    long status;      /* of the last exchange; 0 when none answered */
    int created;      /* written with If-None-Match: * */
    int shown;        /* dry run: shown, not written */
    int edit_failed;  /* CST_STW_ERROR from the edit callback */
    /* WRITTEN: the text written; UNCHANGED: the copy as stored (NULL when
     * there is none).  etag: its ETag ("" when the PUT answer gave none;
     * the copy's own in a dry run).  Heap, owned by the result. */
    char *body;
    size_t len;
    char *etag;
} cst_stw_result;

/* Frees what r owns and zeroes it; NULL ok. */
void cst_stw_result_fini(cst_stw_result *r);

/*
 * Runs the update u on dav.  Fills *res (overwritten; cst_stw_result_fini
 * it after any outcome) and returns its outcome; err holds a one-line
 * reason for every outcome but WRITTEN, UNCHANGED and GONE
 * ("PUT <url>: HTTP 500", "GET <url>: no ETag; left alone",
 * "PUT <url>: still 412 after 3 tries; left for the next run", or the
 * edit's own).
 */
cst_stw_outcome cst_stw_update_run(cst_dav *dav, const cst_stw_update *u,
                                   cst_stw_result *res, cst_error *err);

#endif /* CST_STEWARD_UPDATE_H */
