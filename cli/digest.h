/*
 * digest.h -- the sweep's follow-up digests (spec section 10): after an
 * account's calendars are swept, one VTODO per organizer and period in
 * the account's task collection (core/digest.h builds it).
 */
#ifndef CST_CLI_DIGEST_H
#define CST_CLI_DIGEST_H

#include <stddef.h>
#include <time.h>

#include "caldav/caldav.h"
#include "core/digest.h"

/* How far back an open action item is still chased: older dues are
 * outside the REPORT's time range. */
#define CLI_DIGEST_BACK_DAYS 366

typedef struct cli_digest_run {
    cst_dav *dav;
    const char *tasks_url;    /* where the digests go; read first */
    const char *const *lists; /* further task lists to read (owners') */
    size_t n_lists;
    cst_digest_period period;
    time_t now;
    const char *local_tz;
    cst_translate_fn tr;
    void *tr_ctx;
    int dry_run;
    /* the host: a warning line; what --dry-run prints for a write */
    void (*warn)(void *host, const char *msg);
    void (*show)(void *host, const char *what, const char *url,
                 const char *body, size_t len);
    void *host;
    /* out */
    unsigned written, unchanged, errors;
} cli_digest_run;

/*
 * Reads the action items due since CLI_DIGEST_BACK_DAYS before now (one
 * calendar-query with a time range per list), and for every organizer
 * with something overdue or due before the period ends creates his
 * digest (If-None-Match: *), or brings the existing one up to date
 * (If-Match; on 412 read again, at most 3 times) -- also when nothing is
 * listed any more, which completes it.  Returns 0, or -1 when a list
 * could not be read or a digest not written (r->errors counts them, a
 * warning names each).
 */
int cli_digest_write(cli_digest_run *r);

#endif /* CST_CLI_DIGEST_H */
