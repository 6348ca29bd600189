/*
 * store.h -- the task store: where a user's tasks go (the first calendar
 * of the calendar home that takes VTODOs, else a new "action-items/"
 * made there) and what it holds of a meeting's tasks already (one
 * calendar-multiget instead of a GET each).  Shared by the module
 * (plugin/taskwriter.c) and the sweep (cli/sweep.c).
 */
#ifndef CST_STEWARD_STORE_H
#define CST_STEWARD_STORE_H

#include <stddef.h>

#include "caldav/caldav.h"
#include "core/cst.h"

/* The member name of the task collection calsteward makes. */
#define CST_STW_TASKS_NAME "action-items/"

/* Most tasks one prefetch asks for. */
#define CST_STW_PREFETCH_MAX 50

/* A user's calendar home and the calendars in it. */
typedef struct cst_stw_home {
    char *principal; /* absolute URLs */
    char *home;
    cst_dav_calendar *cals;
    size_t n;
} cst_stw_home;

/* Frees what h owns and zeroes it; NULL ok. */
void cst_stw_home_fini(cst_stw_home *h);

/*
 * Discovers the principal and calendar home from start_url
 * (cst_dav_discover) and lists the calendars in it.  Fills *h (zeroed
 * first; cst_stw_home_fini it after any return).  Returns CST_OK, or the
 * client's failure with err set (cst_dav_last_status(dav) says whether
 * the server answered).
 */
cst_status cst_stw_home_read(cst_dav *dav, const char *start_url,
                             cst_stw_home *h, cst_error *err);

/*
 * Where the tasks of h's user go: the first calendar taking VTODOs (*make
 * 0), else h->home + CST_STW_TASKS_NAME, still to be made (*make 1).
 * Sets *url (the caller frees it).  Returns CST_OK, CST_ERR_INVALID when
 * there is no home, CST_ERR_NOMEM.
 */
cst_status cst_stw_tasks_choose(const cst_stw_home *h, char **url, int *make,
                                cst_error *err);

/*
 * Makes the task collection url (MKCALENDAR taking VTODO only, named
 * displayname).  Returns CST_OK on a 2xx; CST_ERR_IO with err
 * "MKCALENDAR <url>: HTTP <status>" (or the client's reason) otherwise.
 */
cst_status cst_stw_tasks_make(cst_dav *dav, const char *url,
                              const char *displayname, cst_error *err);

/*
 * What collection holds of the tasks named uids[0..n-1] (their members
 * are <uid>.ics), read with one calendar-multiget: pre[i] points into
 * *items at task i's item (status 200 with data and ETag, or 404), NULL
 * where the answer did not say (read it with a GET).  Fewer than two
 * tasks (one GET is as cheap), more than CST_STW_PREFETCH_MAX, or a
 * server that refuses the REPORT: every pre[i] NULL.  *items is the
 * caller's to cst_dav_items_fini.
 */
void cst_stw_tasks_prefetch(cst_dav *dav, const char *collection,
                            const char *const *uids, size_t n,
                            const cst_dav_item **pre, cst_dav_items *items);

/* The item of a prefetch as the update takes it: 1 with *body (CRLF
 * restored, the caller frees it) and *etag borrowed from it, or with
 * *absent 1 for a 404; 0 when it cannot stand for a GET. */
int cst_stw_item_known(const cst_dav_item *it, char **body, size_t *len,
                       const char **etag, int *absent);

#endif /* CST_STEWARD_STORE_H */
