/*
 * state.h -- what `calsteward sweep` remembers about one collection
 * between runs: the sync token or ctag, how far ahead the window has been
 * looked at, and per member its ETag, what it is and when time alone
 * makes it worth looking at again.
 *
 * One file per collection, <dir>/<16 hex digits of the URL's FNV-1a
 * hash>.state, line-based text (a human can read it while debugging):
 *
 *     calsteward-state 1
 *     url<TAB>https://cal.example.com/dav/alice/calendar/
 *     mode<TAB>sync | ctag
 *     token<TAB>...            (sync mode)
 *     ctag<TAB>...             (when the server reports one)
 *     window-end<TAB>1700000000
 *     item<TAB>KIND<TAB>NEXT<TAB>ETAG<TAB>HREF
 *     end<TAB>LINES<TAB>CHECKSUM
 *
 * (the header says calsteward-state 2).  The end line names the number of
 * lines before it and their checksum: the 64-bit FNV-1a hash of every byte
 * before the end line, as 16 lower-case hex digits.  It catches a file cut
 * short (even at a line end), garbage and hand edits -- not a deliberate
 * forgery: whoever may write the state folder may write a valid end line.
 * A file of the previous release (calsteward-state 1, no end line) is
 * read as before, once: the run writes it back in version 2.
 *
 * Written to a temporary file, fsync()ed and renamed over the old one, so
 * that a run killed at any moment leaves either the old state or the new:
 * the next run then re-reads what changed since the old one, and every
 * write the sweep makes is idempotent.
 */
#ifndef CLI_STATE_H
#define CLI_STATE_H

#include <stddef.h>
#include <time.h>

#include "core/cst.h"

#define CLI_STATE_MAX_BYTES (256u * 1024u * 1024u)

typedef enum cli_item_kind {
    CLI_ITEM_OTHER = 'o',   /* no meeting in the window, not our task */
    CLI_ITEM_MEETING = 'm', /* a meeting in the window */
    CLI_ITEM_TASK = 't'     /* one of calsteward's VTODOs */
} cli_item_kind;

typedef struct cli_state_item {
    char *href;  /* as the server writes it (the key) */
    char *etag;  /* "" when unknown: fetched again next run */
    time_t next; /* look again once now >= next; 0 = only on a change */
    char kind;   /* cli_item_kind */
    int seen;    /* scratch for the sweep: listed in this run */
} cli_state_item;

typedef struct cli_state {
    char *path;    /* the file */
    char *url;     /* the collection */
    int fresh;     /* no state file yet (or an unusable one) */
    int ctag_mode; /* the server has no sync-collection */
    char *token;   /* sync token, or NULL */
    char *ctag;    /* getctag, or NULL */
    time_t window_end;
    /* open hash table of items by href */
    cli_state_item **slot;
    size_t nslot, n;
} cli_state;

/*
 * Loads the state of collection url from dir (which must exist).  A
 * missing file gives an empty, fresh state (err->msg empty).
 * Returns CST_OK; CST_ERR_INVALID for a damaged file (no valid end line,
 * a line that is not the format's, another collection's URL) or one that
 * is not a regular file; CST_ERR_TOO_LARGE past CLI_STATE_MAX_BYTES;
 * CST_ERR_IO (cannot read: not ENOENT, or a symbolic link); CST_ERR_NOMEM.
 * Every error leaves one line naming the file in err->msg and an empty
 * state (path and url set).  The sweep does not start over from a damaged
 * file -- a full re-read would write again what owners deleted since --
 * it leaves the collection alone, and the file as it is, until the
 * administrator removes it.
 */
cst_status cli_state_load(const char *dir, const char *url, cli_state *s,
                          cst_error *err);
/* Writes the state atomically, with its end line.  CST_ERR_IO with
 * "FILE: reason"; CST_ERR_NOMEM. */
cst_status cli_state_save(const cli_state *s, cst_error *err);

/*
 * A list of lines (the owners' task lists of an account) kept the same
 * way: "calsteward-list 2", the lines, the end line; written atomically.
 * A file of the previous release (bare http(s) URLs, one a line) is read
 * once.  Lines with a tab or line end in them are not saved.
 *
 * _load: a missing file gives no lines.  Returns CST_OK with *lines (n of
 * them; the caller frees each and the array) or the errors of
 * cli_state_load(), with one line naming the file in err->msg.
 * _save: CST_ERR_IO with "FILE: reason"; CST_ERR_NOMEM.
 */
cst_status cli_state_list_load(const char *path, char ***lines, size_t *n,
                               cst_error *err);
cst_status cli_state_list_save(const char *path, char *const *lines, size_t n,
                               cst_error *err);
void cli_state_fini(cli_state *s);

/* Forgets all items and the token (a full resync). */
void cli_state_reset(cli_state *s);

/* The item of href, or NULL. */
cli_state_item *cli_state_get(const cli_state *s, const char *href);
/* The item of href, created (kind OTHER, etag "", next 0) when missing;
 * NULL when out of memory. */
cli_state_item *cli_state_put(cli_state *s, const char *href);
/* Removes the item of href (no-op when missing). */
void cli_state_del(cli_state *s, const char *href);
/* Sets a string field (etag) to a copy of v (NULL = ""); 0 on ENOMEM. */
int cli_state_set_str(char **field, const char *v);

/* Calls fn for every item; fn may not add or remove items. */
void cli_state_each(const cli_state *s,
                    void (*fn)(cli_state_item *it, void *ctx), void *ctx);

#endif /* CLI_STATE_H */
