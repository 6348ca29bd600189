/*
 * sweep.c -- `calsteward sweep`: the follow-ups that come with time
 * (spec sections 3, 4 and 7), over CalDAV.
 *
 * Per account: discover (or take) the calendars and the task collection,
 * then per collection find what needs a look -- what changed since the
 * last run (sync-collection, else ctag and ETags), meetings that entered
 * the window, and items whose next deadline has passed -- fetch those in
 * calendar-multiget batches and
 *   - process meetings (stamps, agenda, DESCRIPTION block) and write them
 *     back with If-Match, re-reading and retrying on 412 (3 times);
 *   - write their tasks (create with If-None-Match: *, or merge into the
 *     stored copy and write with If-Match);
 *   - flag calsteward's overdue tasks (and unflag done ones).
 * The state (cli/state.h) is saved only after a collection was swept
 * completely; every write is idempotent, so a run that dies halfway is
 * finished by the next one without duplicates.
 */
#define _GNU_SOURCE 1 /* memmem, explicit_bzero */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caldav/caldav.h"
#include "cli/cli.h"
#include "cli/digest.h"
#include "cli/i18n.h"
#include "cli/state.h"
#include "cli/sweepconf.h"
#include "core/catalog.h"
#include "core/followup.h"
#include "core/process.h"
#include "core/tasks.h"
#include "core/text.h"
#include "steward/store.h"
#include "steward/taskedit.h"
#include "steward/update.h"
#include "steward/url.h"

#define EXIT_FAILED 1
#define SWEEP_MAX_BODY (256u * 1024u * 1024u)

/* cli_state_item.seen: 1 listed this run, 2 on the fetch list, 3 written
 * by this run */
#define WRITTEN 3

typedef struct col_stats {
    size_t meetings, tasks_written, unchanged, errors;
} col_stats;

typedef struct collection {
    char *url;
    unsigned components;
    cli_state st;
    int failed;
    int is_tasks;    /* where new tasks go */
    int is_owner;    /* an owner's task list (owner-tasks) */
    int refused;     /* an owner's list that takes no tasks from
                        this account: left out of the run */
    int configured;  /* a calendar or the task collection of the
                        configuration; an owner's list that is
                        neither is only looked at for its tasks */
    int placeholder; /* --dry-run: the task calendar that would be
                        made (not on the server) */
    int bad_state;   /* its state file cannot be used: left alone (no
                        sweep, no write) until it is removed */
    col_stats stats;
    cst_dav_items pre;   /* fetched already (calendar-query with data) */
    cst_dav_items later; /* tasks fetched in the first pass */
    char **fetch;        /* URLs still to fetch */
    size_t nfetch, capfetch;
} collection;

typedef struct sweep {
    const cst_sweep_conf *conf;
    const cst_sweep_account *acc;
    cst_policy policy;
    cst_catalog *catalog; /* the policy's language; NULL: English */
    time_t now, win_start, win_end;
    int dry_run;
    int tty;
    size_t done, total; /* progress */
    cst_dav *dav;
    collection **col;
    size_t ncol;
    char dir[4096];    /* the account's state folder */
    collection *tasks; /* one of col, or NULL (no task collection) */
    int owner_lists_bad; /* <dir>/owner-lists is damaged: kept as it is */
} sweep;

/* ---- messages --------------------------------------------------------- */

static void progress_clear(sweep *s)
{
    if (s->tty && s->total > 0)
        fputs("\r\033[K", stderr);
}

static void warn(sweep *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* One line on stderr: "calsteward: ...". */
static void warn(sweep *s, const char *fmt, ...)
{
    va_list ap;

    progress_clear(s);
    fprintf(stderr, "%s: ", cli_progname);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static void progress(sweep *s, const collection *c)
{
    char bar[31];
    size_t fill, i;

    if (!s->tty || s->total == 0)
        return;
    fill = s->done * 30 / s->total;
    for (i = 0; i < 30; i++)
        bar[i] = i < fill ? '#' : ' ';
    bar[30] = '\0';
    fprintf(stderr, "\r\033[K[%s] %zu/%zu %s", bar, s->done, s->total, c->url);
    fflush(stderr);
}

/* ---- small helpers ---------------------------------------------------- */

static int add_fetch(collection *c, const char *url)
{
    cli_state_item *it = cli_state_put(&c->st, url);
    char **nv;

    if (it == NULL)
        return 0;
    if (it->seen == 2)
        return 1; /* already on the list */
    if (c->nfetch == c->capfetch) {
        size_t cap = c->capfetch ? c->capfetch * 2 : 64;

        nv = realloc(c->fetch, cap * sizeof(*nv));
        if (nv == NULL)
            return 0;
        c->fetch = nv;
        c->capfetch = cap;
    }
    c->fetch[c->nfetch] = strdup(url);
    if (c->fetch[c->nfetch] == NULL)
        return 0;
    c->nfetch++;
    it->seen = 2;
    return 1;
}

static int etag_eq(const char *a, const char *b)
{
    return a != NULL && b != NULL && a[0] != '\0' && strcmp(a, b) == 0;
}

/* What --dry-run prints for a write. */
static void show_write(sweep *s, const char *what, const char *url,
                       const char *body, size_t len)
{
    progress_clear(s);
    printf(_("--- would %s %s\n"), what, url);
    fwrite(body, 1, len, stdout);
    if (len > 0 && body[len - 1] != '\n')
        putchar('\n');
}

/* show_write() as the engine's dry-run callback. */
static void show_update(void *ctx, int create, const char *url,
                        const char *body, size_t len)
{
    show_write(ctx, create ? _("create") : _("update"), url, body, len);
}

/* ---- phase 1: what needs a look --------------------------------------- */

static void mark_seen(cli_state_item *it, void *ctx)
{
    (void)ctx;
    it->seen = 0;
}

typedef struct gone_ctx {
    char **v;
    size_t n, cap;
    int oom;
} gone_ctx;

static void collect_unseen(cli_state_item *it, void *ctx)
{
    gone_ctx *g = ctx;

    if (it->seen != 0)
        return;
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 64;
        char **nv = realloc(g->v, cap * sizeof(*nv));

        if (nv == NULL) {
            g->oom = 1;
            return;
        }
        g->v = nv;
        g->cap = cap;
    }
    g->v[g->n++] = it->href;
}

/*
 * Takes a full listing (every member with its ETag): members new or
 * changed go on the fetch list unless `only_record` (the first run, which
 * fetches what it needs by calendar-query); members no longer listed are
 * forgotten.
 */
static int apply_listing(collection *c, const cst_dav_items *list,
                         int only_record)
{
    gone_ctx g = {NULL, 0, 0, 0};
    size_t i;

    cli_state_each(&c->st, mark_seen, NULL);
    for (i = 0; i < list->n; i++) {
        const cst_dav_item *m = &list->v[i];
        cli_state_item *it;

        if (m->status == 404)
            continue;
        it = cli_state_get(&c->st, m->url);
        if (it != NULL && etag_eq(it->etag, m->etag)) {
            it->seen = 1;
            continue;
        }
        if (only_record) {
            it = cli_state_put(&c->st, m->url);
            if (it == NULL || !cli_state_set_str(&it->etag, m->etag))
                return 0;
            it->seen = 1;
        } else if (!add_fetch(c, m->url)) {
            return 0;
        }
    }
    cli_state_each(&c->st, collect_unseen, &g);
    for (i = 0; i < g.n; i++) {
        char *href = strdup(g.v[i]);

        if (href == NULL) {
            g.oom = 1;
            break;
        }
        cli_state_del(&c->st, href);
        free(href);
    }
    free(g.v);
    return !g.oom;
}

/* sync-collection from the state's token, following 507 truncation.
 * Returns CST_OK with *res set; *full 1 when this was a full listing. */
static cst_status sync_changes(sweep *s, collection *c, int *unsupported,
                               cst_error *err)
{
    cst_dav_items it;
    cst_dav_sync_result res;
    cst_status st;
    int initial = c->st.token == NULL || c->st.fresh, rounds;
    size_t i;

    *unsupported = 0;
    for (rounds = 0; rounds < 100; rounds++) {
        memset(&it, 0, sizeof(it));
        st = cst_dav_sync_collection(s->dav, c->url, initial ? "" : c->st.token,
                                     &it, &res, err);
        if (st == CST_ERR_IO && !initial &&
            cst_dav_last_status(s->dav) >= 400) {
            /* Xandikos answers a token it does not know with a 500
             * rather than 403 valid-sync-token: start over once */
            cst_dav_items_fini(&it);
            initial = 1;
            free(c->st.token);
            c->st.token = NULL;
            continue;
        }
        if (st != CST_OK)
            return st;
        if (res == CST_DAV_SYNC_UNSUPPORTED) {
            cst_dav_items_fini(&it);
            *unsupported = 1;
            return CST_OK;
        }
        if (res == CST_DAV_SYNC_INVALID_TOKEN && !initial) {
            /* the server forgot the token: a full listing compared with
             * the ETags we know */
            cst_dav_items_fini(&it);
            initial = 1;
            free(c->st.token);
            c->st.token = NULL;
            continue;
        }
        if (res != CST_DAV_SYNC_OK) {
            cst_dav_items_fini(&it);
            snprintf(err->msg, sizeof(err->msg),
                     "REPORT %s: the server refuses a sync from scratch",
                     c->url);
            return CST_ERR_IO;
        }
        if (initial) {
            if (!apply_listing(c, &it, c->st.fresh)) {
                cst_dav_items_fini(&it);
                return CST_ERR_NOMEM;
            }
        } else {
            for (i = 0; i < it.n; i++) {
                const cst_dav_item *m = &it.v[i];
                cli_state_item *si = cli_state_get(&c->st, m->url);

                if (m->status == 404) {
                    cli_state_del(&c->st, m->url);
                    continue;
                }
                if (si != NULL && etag_eq(si->etag, m->etag))
                    continue; /* our own write, already known */
                if (!add_fetch(c, m->url)) {
                    cst_dav_items_fini(&it);
                    return CST_ERR_NOMEM;
                }
            }
        }
        if (it.sync_token != NULL &&
            !cli_state_set_str(&c->st.token, it.sync_token)) {
            cst_dav_items_fini(&it);
            return CST_ERR_NOMEM;
        }
        if (!it.truncated) {
            cst_dav_items_fini(&it);
            return CST_OK;
        }
        cst_dav_items_fini(&it);
        initial = 0; /* go on from the token of the partial answer */
    }
    snprintf(err->msg, sizeof(err->msg),
             "REPORT %s: the sync does not end (100 truncated answers)",
             c->url);
    return CST_ERR_IO;
}

typedef struct due_ctx {
    collection *c;
    time_t now;
    int oom;
} due_ctx;

static void collect_due(cli_state_item *it, void *ctx)
{
    due_ctx *d = ctx;

    if (it->next != 0 && it->next <= d->now && !add_fetch(d->c, it->href))
        d->oom = 1;
}

/* Finds what in collection c needs a look this run. */
static cst_status find_work(sweep *s, collection *c, cst_error *err)
{
    cst_dav_colinfo info;
    cst_dav_items list;
    cst_status st;
    int unsupported = 0, unchanged_ctag;
    size_t i;
    due_ctx due;

    memset(&info, 0, sizeof(info));
    st = cst_dav_collection_info(s->dav, c->url, &info, err);
    if (st != CST_OK)
        return st;
    c->components = info.components;
    if (!c->configured)
        c->components &= ~CST_DAV_VEVENT; /* someone else's meetings */
    unchanged_ctag = !c->st.fresh && info.ctag != NULL && c->st.ctag != NULL &&
                     strcmp(info.ctag, c->st.ctag) == 0;
    if (!c->st.ctag_mode && info.sync_token != NULL && !c->st.fresh &&
        c->st.token != NULL && strcmp(info.sync_token, c->st.token) == 0) {
        /* the token has not moved: nothing changed */
    } else if (!c->st.ctag_mode && info.sync_token != NULL) {
        st = sync_changes(s, c, &unsupported, err);
        if (st != CST_OK)
            goto done;
        if (unsupported)
            c->st.ctag_mode = 1;
    } else {
        c->st.ctag_mode = 1;
    }
    if (c->st.ctag_mode && !(unchanged_ctag && !unsupported)) {
        /* no sync-collection: compare every member's ETag */
        memset(&list, 0, sizeof(list));
        st = cst_dav_list_etags(s->dav, c->url, &list, err);
        if (st != CST_OK)
            goto done;
        if (!apply_listing(c, &list, c->st.fresh)) {
            cst_dav_items_fini(&list);
            st = CST_ERR_NOMEM;
            goto done;
        }
        cst_dav_items_fini(&list);
    }
    if (!cli_state_set_str(&c->st.ctag, info.ctag)) {
        st = CST_ERR_NOMEM;
        goto done;
    }
    if (info.ctag == NULL) {
        free(c->st.ctag);
        c->st.ctag = NULL;
    }

    if (c->st.fresh) {
        /* first run: the meetings of the window and every task, with
         * their data */
        if (c->components & CST_DAV_VEVENT) {
            st = cst_dav_calendar_query(s->dav, c->url, "VEVENT", s->win_start,
                                        s->win_end, 1, &c->pre, err);
            if (st != CST_OK)
                goto done;
        }
        if (c->components & CST_DAV_VTODO) {
            cst_dav_items todo;
            cst_dav_item *nv;

            memset(&todo, 0, sizeof(todo));
            st = cst_dav_calendar_query(s->dav, c->url, "VTODO", 0, 0, 1, &todo,
                                        err);
            if (st != CST_OK)
                goto done;
            nv = realloc(c->pre.v, (c->pre.n + todo.n + 1) * sizeof(*nv));
            if (nv == NULL) {
                cst_dav_items_fini(&todo);
                st = CST_ERR_NOMEM;
                goto done;
            }
            c->pre.v = nv;
            if (todo.n > 0)
                memcpy(c->pre.v + c->pre.n, todo.v, todo.n * sizeof(*nv));
            c->pre.n += todo.n;
            free(todo.v);
            todo.v = NULL;
            todo.n = 0;
            cst_dav_items_fini(&todo);
        }
        c->st.window_end = s->win_end;
        st = CST_OK;
        goto done;
    }

    /* meetings that came into the window since the last run */
    if ((c->components & CST_DAV_VEVENT) && s->win_end > c->st.window_end) {
        time_t from =
            c->st.window_end > s->win_start ? c->st.window_end : s->win_start;

        memset(&list, 0, sizeof(list));
        st = cst_dav_calendar_query(s->dav, c->url, "VEVENT", from, s->win_end,
                                    0, &list, err);
        if (st != CST_OK)
            goto done;
        for (i = 0; i < list.n; i++) {
            cli_state_item *it = cli_state_get(&c->st, list.v[i].url);

            if ((it == NULL || it->kind != CLI_ITEM_MEETING ||
                 !etag_eq(it->etag, list.v[i].etag)) &&
                !add_fetch(c, list.v[i].url)) {
                cst_dav_items_fini(&list);
                st = CST_ERR_NOMEM;
                goto done;
            }
        }
        cst_dav_items_fini(&list);
        c->st.window_end = s->win_end;
    }
    /* deadlines that passed */
    due.c = c;
    due.now = s->now;
    due.oom = 0;
    cli_state_each(&c->st, collect_due, &due);
    st = due.oom ? CST_ERR_NOMEM : CST_OK;
done:
    cst_dav_colinfo_fini(&info);
    return st;
}

/* ---- phase 2: meetings and tasks -------------------------------------- */

#define REFUSED 1

/* Returns 1 when an owner's list itself is refused or gone (not only one
 * of its members): asks the collection. */
static int collection_refuses(sweep *s, const collection *tc)
{
    cst_dav_colinfo info;
    cst_error err = {0, ""};
    cst_status st;
    long status;

    memset(&info, 0, sizeof(info));
    st = cst_dav_collection_info(s->dav, tc->url, &info, &err);
    status = cst_dav_last_status(s->dav);
    cst_dav_colinfo_fini(&info);
    if (st == CST_OK)
        return 0;
    return status == 401 || status == 403 || status == 404;
}

/* Writes one task into tc through the engine's conditional update:
 * create, or merge into the stored copy, flagged or unflagged on the way.
 * Returns 0; REFUSED when tc is an owner's list that does not take tasks
 * (nothing counted then: the caller writes it elsewhere); -1 when it
 * failed (counted, reported, and left for the next run). */
static int write_task_in(sweep *s, collection *from, const cst_task *t,
                         collection *tc)
{
    char *url = NULL;
    int ret = 0;
    cst_stw_task_edit edit;
    cst_stw_update u;
    cst_stw_result res;
    cst_error err = {0, ""};
    cli_state_item *it;

    if (tc == NULL)
        return 0;
    memset(&res, 0, sizeof(res));
    url = cst_stw_member_url(tc->url, t->uid, ".ics");
    if (url == NULL)
        goto failed;
    memset(&edit, 0, sizeof(edit));
    edit.task = t;
    edit.now = s->now;
    edit.policy = &s->policy;
    edit.local_tz = s->conf->local_tz;
    memset(&u, 0, sizeof(u));
    u.url = url;
    /* the task collection's state lists every member it holds */
    u.known_absent = cli_state_get(&tc->st, url) == NULL;
    u.may_create = 1;
    u.edit = cst_stw_task_edit_fn;
    u.edit_ctx = &edit;
    if (s->dry_run) {
        u.show = show_update;
        u.show_ctx = s;
    }
    switch (cst_stw_update_run(s->dav, &u, &res, &err)) {
    case CST_STW_UNCHANGED:
        it = cli_state_put(&tc->st, url); /* up to date */
        if (it != NULL) {
            cli_state_set_str(&it->etag, res.etag);
            it->kind = CLI_ITEM_TASK;
            it->next = edit.state.next_check;
        }
        goto done;
    case CST_STW_WRITTEN:
        from->stats.tasks_written++;
        if (res.shown)
            goto done;
        it = cli_state_put(&tc->st, url);
        if (it != NULL) {
            cli_state_set_str(&it->etag, res.etag);
            it->kind = CLI_ITEM_TASK;
            it->next = edit.state.next_check;
            it->seen = WRITTEN; /* flagged already: not again from an
                                   older copy in the second pass */
        }
        goto done;
    case CST_STW_DENIED:
        if (tc->is_owner && collection_refuses(s, tc)) {
            ret = REFUSED;
            goto done;
        }
        goto failed;
    default:
        goto failed;
    }
failed:
    warn(s, _("%s not written: %s"), url != NULL ? url : t->uid,
         err.msg[0] ? err.msg : strerror(ENOMEM));
    from->stats.errors++;
    ret = -1;
    if (url != NULL) {
        it = cli_state_put(&tc->st, url);
        if (it != NULL) {
            cli_state_set_str(&it->etag, "");
            it->kind = CLI_ITEM_TASK;
            it->next = s->now; /* again next run */
        }
    }
done:
    if (ret == REFUSED) {
        warn(s, _("%s does not take tasks (%s): they go to %s"), tc->url,
             err.msg, s->tasks ? s->tasks->url : "-");
        tc->refused = 1;
    }
    cst_stw_result_fini(&res);
    free(url);
    return ret;
}

/* owner-tasks with {user} and {addr} filled in for an address, each
 * escaped as one path segment (steward/url.h).  Returns CST_OK and *out
 * (the caller frees it); CST_ERR_INVALID with why in err when a value is
 * no segment or the URL leaves the template's prefix; CST_ERR_NOMEM. */
static cst_status owner_url(const char *tpl, const char *addr, char **out,
                            cst_error *err)
{
    cst_stw_tpl_why why;
    char *full;
    cst_status st = cst_stw_template_expand(tpl, NULL, addr, out, &why);

    if (st != CST_ERR_INVALID)
        return st;
    if (why == CST_STW_TPL_OUTSIDE) {
        snprintf(err->msg, sizeof(err->msg),
                 _("owner-tasks: %.160s is not under the template's prefix; "
                   "refused"),
                 *out != NULL ? *out : "-");
    } else {
        full = cst_stw_escape_segment(addr, strlen(addr));
        snprintf(err->msg, sizeof(err->msg),
                 _("owner-tasks: the owner %.160s gives \".\", \"..\" or a "
                   "\"/\" in the URL; refused"),
                 full != NULL ? full : "-");
        free(full);
    }
    free(*out);
    *out = NULL;
    return st;
}

static collection *add_collection(sweep *s, const char *url);

/* The owner's task list of an action item (owner-tasks), its state
 * loaded, in *out; NULL there when there is none or it refused a write
 * before (the item goes to the account's collection).  Returns -1 with
 * why in err when the item may go nowhere now: the owner's address does
 * not fit the template, or the list's state file is damaged. */
static int owner_collection(sweep *s, const char *addr, collection **out,
                            cst_error *err)
{
    char *url = NULL;
    collection *c;
    cst_status st;

    *out = NULL;
    if (s->acc->owner_tasks == NULL || addr == NULL || addr[0] == '\0')
        return 0;
    st = owner_url(s->acc->owner_tasks, addr, &url, err);
    if (st == CST_ERR_INVALID)
        return -1;
    if (st != CST_OK)
        return 0;
    c = add_collection(s, url);
    free(url);
    if (c == NULL || c->refused)
        return 0;
    if (!c->is_owner && c->st.path == NULL) {
        /* first seen in this run: its state, for what it holds */
        c->is_owner = 1;
        if (cli_state_load(s->dir, c->url, &c->st, err) != CST_OK) {
            warn(s, "%s", err->msg);
            if (c->st.path == NULL) {
                c->refused = 1;
                return 0;
            }
            c->failed = 1;
            c->bad_state = 1;
        }
    }
    c->is_owner = 1;
    if (c->bad_state) {
        snprintf(err->msg, sizeof(err->msg),
                 _("the state file of %.160s cannot be used"), c->url);
        return -1;
    }
    *out = c;
    return 0;
}

/* Writes one task: an action item into its owner's own list when
 * owner-tasks says where that is and the server takes it there, else --
 * and every other task -- into the account's task collection.  A task
 * that may go nowhere now (see owner_collection(), or a task collection
 * whose state is damaged) is reported and left for the next run. */
static int write_task(sweep *s, collection *from, const cst_task *t)
{
    collection *oc = NULL;
    cst_error err = {0, ""};
    int r;

    if (t->kind == CST_TASK_ACTION_ITEM &&
        owner_collection(s, t->owner_addr, &oc, &err) != 0)
        goto refused;
    if (oc != NULL && oc != s->tasks) {
        r = write_task_in(s, from, t, oc);
        if (r != REFUSED)
            return r;
    }
    if (s->tasks != NULL && s->tasks->bad_state) {
        snprintf(err.msg, sizeof(err.msg),
                 _("the state file of %.160s cannot be used"), s->tasks->url);
        goto refused;
    }
    r = write_task_in(s, from, t, s->tasks);
    return r == REFUSED ? -1 : r;
refused:
    warn(s, _("%s not written: %s"), t->uid, err.msg);
    from->stats.errors++;
    return -1;
}

/* The meeting edit of the conditional update: cst_process(), with the
 * stamps another client dropped taken from the copy read before a 412
 * (spec section 4). */
static cst_status process_edit(void *ctx, const char *cur, size_t len,
                               const char *prev, size_t prev_len, char **out,
                               size_t *out_len, cst_error *err)
{
    cst_process_in *in = ctx;

    in->previous = prev;
    in->previous_len = prev_len;
    return cst_process(cur, len, in, out, out_len, err);
}

/* Processes a meeting and writes it back (the engine's conditional
 * update); then writes its tasks.  data is the stored copy. */
static void handle_meeting(sweep *s, collection *c, const char *url,
                           const char *data, size_t len, const char *etag,
                           const cst_meeting_schedule *sched)
{
    const char *cur = data, *cur_etag = etag != NULL ? etag : "";
    size_t cur_len = len, i, written_before;
    cst_stw_update u;
    cst_stw_result res;
    cst_process_in in;
    cst_tasks_in tin;
    cst_task_list list = {NULL, 0, 0};
    cst_meeting_schedule final;
    cst_error err = {0, ""};
    cli_state_item *it;
    time_t next = sched->next_check;
    int wrote = 0, task_failed = 0;

    c->stats.meetings++;
    written_before = c->stats.tasks_written;
    memset(&in, 0, sizeof(in));
    in.policy = &s->policy;
    in.now = s->now;
    in.tr = cst_catalog_translate;
    in.tr_ctx = s->catalog;
    in.organizer_user = s->acc->organizer_self ? s->acc->user : NULL;
    memset(&u, 0, sizeof(u));
    u.url = url;
    u.known = data;
    u.known_len = len;
    u.known_etag = etag;
    u.edit = process_edit;
    u.edit_ctx = &in;
    if (s->dry_run) {
        u.show = show_update;
        u.show_ctx = s;
    }
    switch (cst_stw_update_run(s->dav, &u, &res, &err)) {
    case CST_STW_WRITTEN:
        wrote = 1; /* in a dry run: the tasks shown are those of what is
                      shown */
        /* fall through */
    case CST_STW_UNCHANGED:
        cur = res.body;
        cur_len = res.len;
        cur_etag = res.etag;
        break;
    case CST_STW_GONE:
        cli_state_del(&c->st, url);
        goto out; /* deleted meanwhile: nothing to do */
    default:
        if (res.edit_failed) {
            warn(s, "%s: line %d: %s; left alone", url, err.line, err.msg);
            goto record;
        }
        goto failed;
    }
    /* the deadlines of what is stored now, not of what was first read */
    memset(&final, 0, sizeof(final));
    if (cst_meeting_schedule_get(cur, cur_len, &s->policy, s->now, s->win_start,
                                 s->win_end, &final, &err) == CST_OK)
        next = final.next_check;

    memset(&tin, 0, sizeof(tin));
    tin.policy = &s->policy;
    tin.now = s->now;
    tin.tr = cst_catalog_translate;
    tin.tr_ctx = s->catalog;
    tin.organizer_user = in.organizer_user;
    if (cst_tasks_build(cur, cur_len, &tin, &list, &err) != CST_OK) {
        warn(s, "%s: line %d: %s", url, err.line, err.msg);
        c->stats.errors++;
        task_failed = 1;
    } else {
        for (i = 0; i < list.n; i++) {
            if (write_task(s, c, &list.v[i]) != 0)
                task_failed = 1;
        }
    }
    if (!wrote && c->stats.tasks_written == written_before && !task_failed)
        c->stats.unchanged++;
record:
    it = cli_state_put(&c->st, url);
    if (it != NULL) {
        /* a task that could not be written is written by a later run:
         * the meeting is looked at again then, whatever the sync says */
        cli_state_set_str(&it->etag, task_failed ? "" : cur_etag);
        it->kind = CLI_ITEM_MEETING;
        it->next = task_failed ? s->now : next;
    }
    goto out;
failed:
    warn(s, _("%s not written: %s"), url,
         err.msg[0] ? err.msg : strerror(ENOMEM));
    c->stats.errors++;
    it = cli_state_put(&c->st, url);
    if (it != NULL) {
        cli_state_set_str(&it->etag, "");
        it->kind = CLI_ITEM_MEETING;
        it->next = s->now; /* again next run */
    }
out:
    cst_task_list_fini(&list);
    cst_stw_result_fini(&res);
}

/* The task edit of handle_task(): the flag, set or taken off. */
typedef struct followup_ctx {
    const sweep *s;
    cst_task_state ts;
} followup_ctx;

static cst_status followup_edit(void *ctx, const char *cur, size_t len,
                                const char *prev, size_t prev_len, char **out,
                                size_t *out_len, cst_error *err)
{
    followup_ctx *f = ctx;

    (void)prev;
    (void)prev_len;
    memset(&f->ts, 0, sizeof(f->ts));
    return cst_task_followup(cur, len, &f->s->policy, f->s->now,
                             f->s->conf->local_tz, out, out_len, &f->ts, err);
}

/* Flags or unflags one of calsteward's tasks as it is stored. */
static void handle_task(sweep *s, collection *c, const char *url,
                        const char *data, size_t len, const char *etag)
{
    const char *cur_etag = etag != NULL ? etag : "";
    cst_stw_update u;
    cst_stw_result res;
    followup_ctx f;
    cst_error err = {0, ""};
    cli_state_item *it;

    it = cli_state_get(&c->st, url);
    if (it != NULL && it->seen == WRITTEN)
        return; /* a meeting of this run wrote it, flag and all */
    memset(&f, 0, sizeof(f));
    f.s = s;
    memset(&u, 0, sizeof(u));
    u.url = url;
    u.known = data;
    u.known_len = len;
    u.known_etag = etag;
    u.edit = followup_edit;
    u.edit_ctx = &f;
    if (s->dry_run) {
        u.show = show_update;
        u.show_ctx = s;
    }
    switch (cst_stw_update_run(s->dav, &u, &res, &err)) {
    case CST_STW_WRITTEN:
        c->stats.tasks_written++;
        cur_etag = res.etag;
        break;
    case CST_STW_UNCHANGED:
        if (f.ts.ours)
            c->stats.unchanged++;
        cur_etag = res.etag;
        break;
    case CST_STW_GONE:
        cli_state_del(&c->st, url);
        goto out;
    default:
        if (!res.edit_failed)
            goto failed;
        warn(s, "%s: line %d: %s; left alone", url, err.line, err.msg);
        f.ts.ours = 0;
        break;
    }
    it = cli_state_put(&c->st, url);
    if (it != NULL) {
        cli_state_set_str(&it->etag, cur_etag);
        it->kind = f.ts.ours ? CLI_ITEM_TASK : CLI_ITEM_OTHER;
        it->next = f.ts.ours ? f.ts.next_check : 0;
    }
    goto out;
failed:
    warn(s, _("%s not written: %s"), url,
         err.msg[0] ? err.msg : strerror(ENOMEM));
    c->stats.errors++;
    it = cli_state_put(&c->st, url);
    if (it != NULL) {
        cli_state_set_str(&it->etag, "");
        it->next = s->now;
    }
out:
    cst_stw_result_fini(&res);
}

static void handle_object_crlf(sweep *s, collection *c, const cst_dav_item *m,
                               int meetings);

/* One fetched member, with the line ends it has on the server. */
static void handle_object(sweep *s, collection *c, const cst_dav_item *m,
                          int meetings)
{
    cst_dav_item fixed = *m;
    char *data;

    if (m->data == NULL || m->status < 200 || m->status >= 300) {
        handle_object_crlf(s, c, m, meetings);
        return;
    }
    data = cst_dav_restore_crlf(m->data, m->len, &fixed.len);
    if (data == NULL) {
        warn(s, "%s: %s", m->url, strerror(ENOMEM));
        c->stats.errors++;
        return;
    }
    fixed.data = data;
    handle_object_crlf(s, c, &fixed, meetings);
    free(data);
}

/* One fetched member: a meeting in the window, a task of ours, or
 * something calsteward leaves alone (recorded with its ETag). */
static void handle_object_crlf(sweep *s, collection *c, const cst_dav_item *m,
                               int meetings)
{
    cst_meeting_schedule sched;
    cst_error err = {0, ""};
    cli_state_item *it;
    int has_event, has_todo;

    if (m->status == 404) {
        cli_state_del(&c->st, m->url);
        return;
    }
    if (m->data == NULL || m->status < 200 || m->status >= 300) {
        /* not gone, not readable: looked at again next run, whatever
         * the sync token says by then */
        warn(s, "%s: HTTP %d in the multiget; left for the next run", m->url,
             m->status);
        c->stats.errors++;
        it = cli_state_put(&c->st, m->url);
        if (it != NULL) {
            cli_state_set_str(&it->etag, "");
            it->next = s->now;
        }
        return;
    }
    has_event = memmem(m->data, m->len, "BEGIN:VEVENT", 12) != NULL;
    has_todo = memmem(m->data, m->len, "BEGIN:VTODO", 11) != NULL;
    if (has_event && !c->configured) {
        if (!meetings)
            return;
        /* an owner's list also holding meetings: not ours to process */
    } else if (has_event) {
        if (!meetings)
            return; /* in the second pass: done in the first */
        memset(&sched, 0, sizeof(sched));
        if (cst_meeting_schedule_get(m->data, m->len, &s->policy, s->now,
                                     s->win_start, s->win_end, &sched,
                                     &err) != CST_OK) {
            warn(s, "%s: line %d: %s; left alone", m->url, err.line, err.msg);
        } else if (sched.meetings > 0 && sched.in_window) {
            handle_meeting(s, c, m->url, m->data, m->len, m->etag, &sched);
            return;
        }
    } else if (has_todo) {
        if (meetings)
            return; /* tasks come after every meeting wrote its own */
        handle_task(s, c, m->url, m->data, m->len, m->etag);
        return;
    } else if (!meetings) {
        return;
    }
    it = cli_state_put(&c->st, m->url);
    if (it != NULL) {
        cli_state_set_str(&it->etag, m->etag);
        it->kind = CLI_ITEM_OTHER;
        it->next = 0;
    }
}

/* Keeps a fetched item for the second pass (its strings move). */
static int defer(collection *c, cst_dav_item *m)
{
    cst_dav_item *nv;

    if (c->later.n % 64 == 0) {
        nv = realloc(c->later.v, (c->later.n + 64) * sizeof(*nv));
        if (nv == NULL)
            return 0;
        c->later.v = nv;
    }
    c->later.v[c->later.n++] = *m;
    memset(m, 0, sizeof(*m));
    return 1;
}

/*
 * The first pass (meetings = 1) handles the meetings of what was fetched
 * already and fetches the rest in calendar-multiget batches, keeping the
 * tasks among them for the second pass (meetings = 0), which handles the
 * tasks once every meeting has written its own.  Returns CST_OK or the
 * failure of a fetch.
 */
static cst_status work(sweep *s, collection *c, int meetings, cst_error *err)
{
    size_t i, j;

    for (i = 0; i < c->pre.n; i++) {
        handle_object(s, c, &c->pre.v[i], meetings);
        if (meetings) {
            s->done++;
            progress(s, c);
        }
    }
    if (!meetings) {
        for (i = 0; i < c->later.n; i++)
            handle_object(s, c, &c->later.v[i], 0);
        return CST_OK;
    }
    for (i = 0; i < c->nfetch; i += CST_DAV_MULTIGET_MAX) {
        size_t n = c->nfetch - i;
        cst_dav_items got;
        cst_status st;

        if (n > CST_DAV_MULTIGET_MAX)
            n = CST_DAV_MULTIGET_MAX;
        memset(&got, 0, sizeof(got));
        st = cst_dav_multiget(s->dav, c->url, (const char *const *)c->fetch + i,
                              n, &got, err);
        if (st != CST_OK)
            return st;
        for (j = 0; j < n; j++) {
            cli_state_item *it = cli_state_get(&c->st, c->fetch[i + j]);

            if (it != NULL)
                it->seen = 0; /* answered: set again below */
        }
        for (j = 0; j < got.n; j++) {
            cli_state_item *it = cli_state_get(&c->st, got.v[j].url);

            if (it != NULL)
                it->seen = 1;
        }
        for (j = 0; j < n; j++) {
            cli_state_item *it = cli_state_get(&c->st, c->fetch[i + j]);

            if (it != NULL && it->seen == 0) {
                /* asked for, not answered: again next run */
                cli_state_set_str(&it->etag, "");
                it->next = s->now;
            }
        }
        for (j = 0; j < got.n; j++) {
            cst_dav_item *m = &got.v[j];

            if (m->data != NULL && m->status != 404 &&
                memmem(m->data, m->len, "BEGIN:VTODO", 11) != NULL &&
                memmem(m->data, m->len, "BEGIN:VEVENT", 12) == NULL) {
                if (!defer(c, m)) {
                    cst_dav_items_fini(&got);
                    snprintf(err->msg, sizeof(err->msg), "%s",
                             strerror(ENOMEM));
                    return CST_ERR_NOMEM;
                }
                continue;
            }
            handle_object(s, c, m, 1);
        }
        cst_dav_items_fini(&got);
        s->done += n;
        progress(s, c);
    }
    return CST_OK;
}

/* ---- accounts --------------------------------------------------------- */

/* The collection of url, added when new.  Collections are allocated one
 * by one, so a pointer to one stays valid while others are added (the
 * owners' task lists are found in the middle of a run). */
static collection *add_collection(sweep *s, const char *url)
{
    collection **nv, *c;
    size_t i;

    for (i = 0; i < s->ncol; i++) {
        if (strcmp(s->col[i]->url, url) == 0)
            return s->col[i];
    }
    nv = realloc(s->col, (s->ncol + 1) * sizeof(*nv));
    if (nv == NULL)
        return NULL;
    s->col = nv;
    c = calloc(1, sizeof(*c));
    if (c == NULL)
        return NULL;
    c->url = strdup(url);
    if (c->url == NULL) {
        free(c);
        return NULL;
    }
    c->components = CST_DAV_ALL_COMPONENTS;
    s->col[s->ncol++] = c;
    return c;
}

static void free_collections(sweep *s)
{
    size_t i, j;

    for (i = 0; i < s->ncol; i++) {
        collection *c = s->col[i];

        free(c->url);
        cli_state_fini(&c->st);
        cst_dav_items_fini(&c->pre);
        cst_dav_items_fini(&c->later);
        for (j = 0; j < c->nfetch; j++)
            free(c->fetch[j]);
        free(c->fetch);
        free(c);
    }
    free(s->col);
    s->col = NULL;
    s->ncol = 0;
    s->tasks = NULL;
}

/* mkdir -p with mode 0700 for what we create. */
static int make_dirs(const char *path)
{
    char buf[4096], *p;

    if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (p = buf + 1; *p != '\0'; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0700) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (mkdir(buf, 0700) != 0 && errno != EEXIST)
        return -1;
    return 0;
}

/* Finds the calendars and the task collection of the account. */
static cst_status resolve(sweep *s, cst_error *err)
{
    const cst_sweep_account *a = s->acc;
    cst_stw_home h;
    size_t i;
    cst_status st = CST_OK;
    collection *c;
    char *tasks_url = NULL;
    int make = 0;

    memset(&h, 0, sizeof(h));
    if (a->discover || a->tasks == NULL) {
        st = cst_stw_home_read(s->dav, a->url, &h, err);
        if (st != CST_OK)
            goto done;
    }
    if (a->discover) {
        for (i = 0; i < h.n; i++) {
            if (!(h.cals[i].components & (CST_DAV_VEVENT | CST_DAV_VTODO)))
                continue;
            if ((c = add_collection(s, h.cals[i].href)) == NULL)
                goto nomem;
            c->configured = 1;
        }
    } else {
        for (i = 0; i < a->n_calendars; i++) {
            if ((c = add_collection(s, a->calendars[i])) == NULL)
                goto nomem;
            c->configured = 1;
        }
    }
    if (a->tasks != NULL) {
        tasks_url = strdup(a->tasks);
        if (tasks_url == NULL)
            goto nomem;
    } else {
        st = cst_stw_tasks_choose(&h, &tasks_url, &make, err);
        if (st != CST_OK)
            goto done;
    }
    if (make && s->dry_run) {
        progress_clear(s);
        printf(_("--- would create the task calendar %s\n"), tasks_url);
    } else if (make) {
        st = cst_stw_tasks_make(
            s->dav, tasks_url,
            cst_catalog_translate(N_("Action items"), s->catalog), err);
        if (st != CST_OK)
            goto done;
    }
    c = add_collection(s, tasks_url);
    if (c == NULL)
        goto nomem;
    c->is_tasks = c->configured = 1;
    /* --dry-run: the tasks it would hold are shown too */
    c->placeholder = make && s->dry_run;
    s->tasks = c;
    goto done;
nomem:
    st = CST_ERR_NOMEM;
    snprintf(err->msg, sizeof(err->msg), "%s", strerror(ENOMEM));
done:
    cst_stw_home_fini(&h);
    free(tasks_url);
    return st;
}

static void print_summary(const collection *c)
{
    printf(_("%s: %zu meetings, %zu tasks written, %zu unchanged, "
             "%zu errors\n"),
           c->url, c->stats.meetings, c->stats.tasks_written,
           c->stats.unchanged, c->stats.errors);
}

/*
 * The owners' task lists written to in earlier runs are swept too (their
 * overdue flags): <state>/<account>/owner-lists, one URL a line, written
 * atomically at the end of each run.
 */
static void load_owner_lists(sweep *s)
{
    char path[4200], **lines = NULL;
    cst_error err = {0, ""};
    size_t n = 0, i;

    snprintf(path, sizeof(path), "%s/owner-lists", s->dir);
    if (cli_state_list_load(path, &lines, &n, &err) != CST_OK) {
        /* the lists it named would lose their overdue flags if it were
         * written over: kept as it is (and the run fails) until the
         * administrator removes it */
        warn(s, "%s", err.msg);
        s->owner_lists_bad = 1;
        return;
    }
    for (i = 0; i < n; i++) {
        collection *c;

        if (strncmp(lines[i], "http://", 7) == 0 ||
            strncmp(lines[i], "https://", 8) == 0) {
            c = add_collection(s, lines[i]);
            if (c != NULL)
                c->is_owner = 1;
        }
        free(lines[i]);
    }
    free(lines);
}

static void save_owner_lists(sweep *s)
{
    char path[4200], **lines;
    cst_error err = {0, ""};
    size_t i, n = 0;

    if (s->owner_lists_bad)
        return;
    snprintf(path, sizeof(path), "%s/owner-lists", s->dir);
    lines = calloc(s->ncol + 1, sizeof(*lines));
    if (lines == NULL) {
        warn(s, "%s: %s", path, strerror(ENOMEM));
        return;
    }
    for (i = 0; i < s->ncol; i++) {
        collection *c = s->col[i];

        if (c->is_owner && !c->refused && !c->is_tasks)
            lines[n++] = c->url;
    }
    if (cli_state_list_save(path, lines, n, &err) != CST_OK)
        warn(s, "%s", err.msg);
    free(lines);
}

static void digest_warn(void *host, const char *msg)
{
    warn(host, "%s", msg);
}

static void digest_show(void *host, const char *what, const char *url,
                        const char *body, size_t len)
{
    show_write(host, what, url, body, len);
}

/* The follow-up digests of the account (cli/digest.h), into its task
 * collection, from it and the owners' lists it wrote to. */
static void write_digests(sweep *s)
{
    cli_digest_run r;
    cst_error err = {0, ""};
    const char **lists;
    char path[4200], key[16], **last = NULL;
    time_t start, end;
    size_t i, n = 0, nlast = 0;

    if (s->tasks == NULL || s->tasks->placeholder || s->tasks->failed ||
        s->tasks->bad_state)
        return; /* nowhere to put them, or its state is in doubt */
    /* what a digest lists changes with a task (the run then has work)
     * or with the period: a run with nothing to look at, in the period
     * the last digests were written for, reads nothing */
    snprintf(path, sizeof(path), "%s/digest", s->dir);
    if (cst_digest_period_of(s->conf->digest, s->now, s->conf->local_tz, key,
                             &start, &end, &err) != CST_OK) {
        warn(s, _("the digest: %s"), err.msg);
        s->tasks->stats.errors++;
        return;
    }
    if (s->total == 0 && !s->dry_run &&
        cli_state_list_load(path, &last, &nlast, &err) == CST_OK) {
        int same = nlast == 1 && strcmp(last[0], key) == 0;

        for (i = 0; i < nlast; i++)
            free(last[i]);
        free(last);
        if (same)
            return;
    }
    lists = calloc(s->ncol + 1, sizeof(*lists));
    if (lists == NULL) {
        warn(s, _("the digest: %s"), strerror(ENOMEM));
        s->tasks->stats.errors++;
        return;
    }
    for (i = 0; i < s->ncol; i++) {
        const collection *c = s->col[i];

        if (c != s->tasks && c->is_owner && !c->refused && !c->failed)
            lists[n++] = c->url;
    }
    memset(&r, 0, sizeof(r));
    r.dav = s->dav;
    r.tasks_url = s->tasks->url;
    r.lists = lists;
    r.n_lists = n;
    r.period = s->conf->digest;
    r.now = s->now;
    r.local_tz = s->conf->local_tz;
    r.tr = cst_catalog_translate;
    r.tr_ctx = s->catalog;
    r.dry_run = s->dry_run;
    r.warn = digest_warn;
    r.show = digest_show;
    r.host = s;
    if (cli_digest_write(&r) == 0 && !s->dry_run) {
        char *k = key;

        if (cli_state_list_save(path, &k, 1, &err) != CST_OK)
            warn(s, "%s", err.msg); /* the next run reads them again */
    }
    s->tasks->stats.tasks_written += r.written;
    s->tasks->stats.errors += r.errors;
    free(lists);
}

/* Sweeps one account.  Returns 0 when every collection was swept. */
static int sweep_account(sweep *s, const cst_sweep_account *a)
{
    cst_error err = {0, ""};
    char dir[4096];
    int failed = 0;
    size_t i, pass;

    s->acc = a;
    s->dav = cst_sweep_account_open(a, SWEEP_MAX_BODY, &err);
    if (s->dav == NULL) {
        warn(s, _("account %s: %s"), a->name, err.msg);
        return 1;
    }
    snprintf(dir, sizeof(dir), "%s/%s", s->conf->state_dir, a->name);
    snprintf(s->dir, sizeof(s->dir), "%s", dir);
    if (!s->dry_run && make_dirs(dir) != 0) {
        warn(s, _("account %s: %s: %s"), a->name, dir, strerror(errno));
        failed = 1;
        goto done;
    }
    if (resolve(s, &err) != CST_OK) {
        warn(s, _("account %s: %s"), a->name, err.msg);
        failed = 1;
        goto done;
    }
    s->owner_lists_bad = 0;
    if (a->owner_tasks != NULL)
        load_owner_lists(s);
    /* what needs a look, collection by collection */
    s->done = s->total = 0;
    for (i = 0; i < s->ncol; i++) {
        collection *c = s->col[i];

        if (c->placeholder)
            continue;
        if (cli_state_load(dir, c->url, &c->st, &err) != CST_OK) {
            warn(s, "%s", err.msg);
            c->failed = 1;
            c->bad_state = 1;
            continue;
        }
        if (find_work(s, c, &err) != CST_OK) {
            long status = cst_dav_last_status(s->dav);

            warn(s, "%s", err.msg);
            if (c->is_owner && !c->is_tasks &&
                (status == 401 || status == 403 || status == 404)) {
                c->refused = 1; /* an owner's list that went away */
                continue;
            }
            c->failed = 1;
            continue;
        }
        s->total += c->pre.n + c->nfetch;
    }
    /* meetings first (they write tasks), then the tasks on their own */
    for (pass = 0; pass < 2; pass++) {
        for (i = 0; i < s->ncol; i++) {
            collection *c = s->col[i];

            if (c->failed)
                continue;
            if (work(s, c, pass == 0, &err) != CST_OK) {
                warn(s, "%s", err.msg);
                c->failed = 1;
            }
        }
    }
    progress_clear(s);
    if (s->conf->digest != CST_DIGEST_OFF)
        write_digests(s);
    if (a->owner_tasks != NULL && !s->dry_run)
        save_owner_lists(s);
    for (i = 0; i < s->ncol; i++) {
        collection *c = s->col[i];

        if (c->refused)
            continue;
        if (!c->failed && !s->dry_run) {
            if (cli_state_save(&c->st, &err) != CST_OK) {
                warn(s, "%s", err.msg);
                c->failed = 1;
            }
        }
        if (c->failed || c->stats.errors > 0 || s->owner_lists_bad)
            failed = 1;
        if (c->failed && c->stats.errors == 0)
            c->stats.errors = 1;
        print_summary(c);
    }
done:
    free_collections(s);
    cst_dav_free(&s->dav);
    return failed;
}

/* The zh_CN catalog, for what is written in Chinese. */
static cst_catalog *load_catalog(void)
{
    const char *dir = bindtextdomain(PACKAGE, NULL);
    char path[4200], *data = NULL;
    size_t len = 0;
    cst_catalog *cat = NULL;

    if (dir == NULL)
        return NULL;
    snprintf(path, sizeof(path), "%s/zh_CN/LC_MESSAGES/%s.mo", dir, PACKAGE);
    if (cli_read_all(path, 16u * 1024u * 1024u, &data, &len) != 0)
        return NULL;
    if (cst_catalog_parse(data, len, &cat) != CST_OK)
        cat = NULL;
    free(data);
    return cat;
}

int cli_cmd_sweep(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"now", required_argument, NULL, 'n'},
        {"dry-run", no_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *config = DEFAULT_CONFIG;
    cst_sweep_conf conf;
    cst_error err = {0, ""};
    cst_catalog *zh = NULL;
    cst_policy *policies = NULL;
    sweep s;
    int c, rc = 0, lockfd = -1;
    size_t i;
    char lockpath[4200];

    memset(&s, 0, sizeof(s));
    s.now = time(NULL);
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            config = optarg;
            break;
        case 'n':
            if (!cli_now_option(optarg, &s.now))
                return EXIT_USAGE;
            break;
        case 'd':
            s.dry_run = 1;
            break;
        case 'h':
            printf(_("Usage: %s sweep [--config FILE] [--now TIME] "
                     "[--dry-run]\n"),
                   cli_progname);
            fputs(_("Visit the calendars of every account in the "
                    "configuration: process meetings\nthe Apache module "
                    "never saw, write their tasks, complete preparation "
                    "tasks\nand flag overdue ones.  One line per "
                    "calendar; exit 0 when every calendar\nwas swept, 1 "
                    "when one failed, 2 for a bad configuration.\n"),
                  stdout);
            printf(_("Default configuration: %s\n"), DEFAULT_CONFIG);
            return 0;
        default:
            fprintf(stderr, _("Try '%s --help' for more information.\n"),
                    cli_progname);
            return EXIT_USAGE;
        }
    }
    if (optind != argc) {
        fprintf(stderr, _("%s: sweep: unexpected argument '%s'\n"),
                cli_progname, argv[optind]);
        return EXIT_USAGE;
    }
    if (cst_sweep_conf_load(config, &conf, &err) != CST_OK) {
        fprintf(stderr, "%s: %s\n", cli_progname, err.msg);
        cst_sweep_conf_fini(&conf);
        return EXIT_USAGE;
    }
    /* every policy must load before anything is touched */
    policies = calloc(conf.n_acc ? conf.n_acc : 1, sizeof(*policies));
    if (policies == NULL) {
        fprintf(stderr, "%s: %s\n", cli_progname, strerror(ENOMEM));
        rc = EXIT_USAGE;
        goto out;
    }
    for (i = 0; i < conf.n_acc; i++) {
        const char *f = conf.acc[i].password_file ? conf.acc[i].password_file
                                                  : conf.acc[i].token_file;
        char *secret = NULL;

        if (cli_load_policy(conf.acc[i].policy, &policies[i]) != 0) {
            rc = EXIT_USAGE;
            goto out;
        }
        /* a secret file anyone may read is a configuration error */
        if (f != NULL && cst_secret_read(f, &secret, &err) != CST_OK) {
            fprintf(stderr, _("%s: account %s: %s\n"), cli_progname,
                    conf.acc[i].name, err.msg);
            rc = EXIT_USAGE;
            goto out;
        }
        if (secret != NULL) {
            explicit_bzero(secret, strlen(secret));
            free(secret);
        }
    }
    if (!s.dry_run) {
        if (make_dirs(conf.state_dir) != 0) {
            fprintf(stderr, "%s: %s: %s\n", cli_progname, conf.state_dir,
                    strerror(errno));
            rc = EXIT_FAILED;
            goto out;
        }
        snprintf(lockpath, sizeof(lockpath), "%s/lock", conf.state_dir);
        lockfd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (lockfd < 0) {
            fprintf(stderr, "%s: %s: %s\n", cli_progname, lockpath,
                    strerror(errno));
            rc = EXIT_FAILED;
            goto out;
        }
        if (flock(lockfd, LOCK_EX | LOCK_NB) != 0) {
            fprintf(stderr, _("%s: %s: another sweep is running\n"),
                    cli_progname, lockpath);
            rc = EXIT_FAILED;
            goto out;
        }
    }
    if (cst_dav_global_init(&err) != CST_OK) {
        fprintf(stderr, "%s: %s\n", cli_progname, err.msg);
        rc = EXIT_FAILED;
        goto out;
    }
    s.conf = &conf;
    s.tty = isatty(STDERR_FILENO);
    s.win_start = s.now - (time_t)conf.window_back_days * 86400;
    s.win_end = s.now + (time_t)conf.window_ahead_days * 86400;
    for (i = 0; i < conf.n_acc; i++) {
        s.policy = policies[i];
        if (s.policy.language == CST_LANG_ZH_CN && zh == NULL)
            zh = load_catalog();
        s.catalog = s.policy.language == CST_LANG_ZH_CN ? zh : NULL;
        if (sweep_account(&s, &conf.acc[i]) != 0)
            rc = EXIT_FAILED;
        fflush(stdout);
    }
    cst_dav_global_cleanup();
out:
    if (lockfd >= 0)
        close(lockfd);
    cst_catalog_free(&zh);
    free(policies);
    cst_sweep_conf_fini(&conf);
    return rc;
}
