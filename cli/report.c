/*
 * report.c -- calsteward report: the retrospective figures (spec section
 * 9) over folders of .ics files and the sweep's CalDAV accounts, as
 * text, JSON, CSV or one self-contained HTML page.
 *
 * The figures are core/retro.c's; this file reads the sources, and
 * writes the formats.  doc/report.md has the decisions on edge cases.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "caldav/caldav.h"
#include "cli/cli.h"
#include "cli/i18n.h"
#include "cli/sweepconf.h"
#include "core/meeting.h"
#include "core/retro.h"
#include "core/tz.h"
#include "core/util.h"

#define REPORT_MAX_FILES 200000u /* .ics files read from the folders */
#define REPORT_MAX_DEPTH 8       /* folders below a --dir */
#define REPORT_MAX_SOURCES 64    /* --dir and --config options */
#define REPORT_MAX_BODY (64u * 1024u * 1024u) /* one CalDAV answer */
#define REPORT_CHART_BARS 60 /* bars in one chart; the rest summed */

enum { FMT_TEXT, FMT_JSON, FMT_CSV, FMT_HTML };

typedef struct source {
    int is_dir;
    const char *path;
} source;

typedef struct report {
    cst_policy policy;
    cst_depts depts;
    cst_retro *retro;
    time_t from, to, now;
    unsigned by_mask; /* what --by asked for */
    int format;
    size_t n_files, n_bad;
    int failed; /* a CalDAV source could not be read */
} report;

static void usage(FILE *out)
{
    fprintf(out,
            _("Usage: %s report [--dir DIR | --config FILE]... "
              "[OPTION]...\n"),
            cli_progname);
    fputs(
        _("Look back over the meetings held in a window and their action\n"
          "items: lead times, goals, minutes, completion of action items.\n"
          "\n"
          "  --dir DIR          a folder of .ics files (vdirsyncer, an\n"
          "                     export), read with its subfolders\n"
          "  --config FILE      the accounts of the sweep's configuration,\n"
          "                     over CalDAV (both may be repeated)\n"
          "  --from DATE        the window's start (2023-04-01, or a time\n"
          "                     with a zone); default: 28 days before --to\n"
          "  --to DATE          the window's end, not included; default: now\n"
          "  --now TIME         as of TIME (ISO 8601 with a zone)\n"
          "  --policy FILE      policy file (lead times, limits)\n"
          "  --departments FILE INI file: [departments] address = name\n"
          "  --by GROUPING      week, month, organizer, owner, department\n"
          "                     or series (may be repeated)\n"
          "  --format FORMAT    text (default), json, csv or html\n"
          "  --output FILE      write there instead of standard output\n"
          "  --lang LANG        en or zh_CN\n"
          "  -h, --help         show this help and exit\n"
          "\n"
          "A DATE alone means 00:00 UTC of that day.  Exit status: 0, 1 when\n"
          "a CalDAV account could not be read (the report covers the rest),\n"
          "2 for bad usage or a bad configuration or departments file.\n"),
        out);
}

/* ---- dates ------------------------------------------------------------ */

/* A DATE ("2023-04-01" or "20230401": 00:00 UTC) or an ISO instant. */
static int parse_date(const char *opt, const char *s, time_t *out)
{
    int y, m, d, n = 0;

    if ((sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3 ||
         sscanf(s, "%4d%2d%2d%n", &y, &m, &d, &n) == 3) &&
        s[n] == '\0' && m >= 1 && m <= 12 && d >= 1 && d <= 31 && y >= 1900 &&
        y <= 9999) {
        *out = (time_t)cst_days_from_civil(y, m, d) * 86400;
        return 1;
    }
    if (strchr(s, 'T') != NULL || strchr(s, 't') != NULL) {
        if (cli_now_option(s, out))
            return 1;
        return 0;
    }
    fprintf(stderr,
            _("%s: %s: '%s' is no date (2023-04-01) or time with "
              "a zone\n"),
            cli_progname, opt, s);
    return 0;
}

static void iso_utc(time_t t, char *buf, size_t n)
{
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- reading ---------------------------------------------------------- */

static void retro_warning(void *ctx, const char *msg)
{
    fprintf(stderr, "%s: %s: %s\n", cli_progname, (const char *)ctx, msg);
}

/* Adds one iCalendar text (name for messages).  Returns 0, or 1 when it
 * was no usable iCalendar (a line on stderr), or -1 on a fatal error. */
static int add_text(report *r, const char *name, const char *data, size_t len)
{
    cst_object *o = NULL;
    cst_error err = {0, ""};
    cst_status st;

    st = cst_object_parse(data, len, &r->policy, &o, &err);
    if (st != CST_OK) {
        if (err.line > 0)
            fprintf(stderr, "%s: %s:%d: %s\n", cli_progname, name, err.line,
                    err.msg[0] ? err.msg : cst_status_str(st));
        else
            fprintf(stderr, "%s: %s: %s\n", cli_progname, name,
                    err.msg[0] ? err.msg : cst_status_str(st));
        r->n_bad++;
        return st == CST_ERR_NOMEM ? -1 : 1;
    }
    st = cst_retro_add(r->retro, &o, &err);
    cst_object_free(&o);
    if (st != CST_OK) {
        fprintf(stderr, "%s: %s: %s\n", cli_progname, name,
                err.msg[0] ? err.msg : cst_status_str(st));
        return -1;
    }
    return 0;
}

static int ends_ics(const char *name)
{
    size_t n = strlen(name);

    return n > 4 && strcasecmp(name + n - 4, ".ics") == 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads the .ics files of dir and its subfolders (not following links to
 * folders, leaving out hidden entries), in name order.  Returns 0, or -1
 * on a fatal error. */
static int read_dir(report *r, const char *dir, int depth)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL, **nn;
    size_t n = 0, cap = 0, i;
    int rc = 0;

    if (d == NULL) {
        fprintf(stderr, "%s: %s: %s\n", cli_progname, dir, strerror(errno));
        r->n_bad++;
        return depth == 0 ? -1 : 0;
    }
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            nn = realloc(names, cap * sizeof(*names));
            if (nn == NULL) {
                rc = -1;
                break;
            }
            names = nn;
        }
        names[n] = strdup(e->d_name);
        if (names[n] == NULL) {
            rc = -1;
            break;
        }
        n++;
    }
    closedir(d);
    if (n > 1)
        qsort(names, n, sizeof(*names), cmp_str);
    for (i = 0; i < n && rc == 0; i++) {
        size_t plen = strlen(dir) + strlen(names[i]) + 2;
        char *path = malloc(plen);
        struct stat sb;

        if (path == NULL) {
            rc = -1;
            break;
        }
        snprintf(path, plen, "%s/%s", dir, names[i]);
        if (lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
            if (depth < REPORT_MAX_DEPTH)
                rc = read_dir(r, path, depth + 1);
        } else if (ends_ics(names[i]) && stat(path, &sb) == 0 &&
                   S_ISREG(sb.st_mode)) {
            char *data = NULL;
            size_t len = 0;
            int err;

            if (++r->n_files > REPORT_MAX_FILES) {
                fprintf(stderr,
                        _("%s: %s: more than %u files; the rest is "
                          "left out\n"),
                        cli_progname, dir, REPORT_MAX_FILES);
                free(path);
                break;
            }
            err = cli_read_all(path, CST_MAX_OBJECT_BYTES, &data, &len);
            if (err != 0) {
                fprintf(stderr, "%s: %s: %s\n", cli_progname, path,
                        err == EFBIG ? _("too large") : strerror(err));
                r->n_bad++;
            } else if (add_text(r, path, data, len) < 0) {
                rc = -1;
            }
            free(data);
        }
        free(path);
    }
    for (i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

/* Fetches hrefs of collection url in batches and adds what came. */
static int fetch_batches(report *r, cst_dav *dav, const char *url,
                         const cst_dav_items *list, cst_error *err)
{
    const char *hrefs[CST_DAV_MULTIGET_MAX];
    size_t i = 0, k, n;
    cst_status st;

    while (i < list->n) {
        cst_dav_items got;

        memset(&got, 0, sizeof(got));
        for (n = 0; n < CST_DAV_MULTIGET_MAX && i < list->n; i++)
            hrefs[n++] = list->v[i].href;
        st = cst_dav_multiget(dav, url, hrefs, n, &got, err);
        if (st != CST_OK) {
            cst_dav_items_fini(&got);
            return -1;
        }
        for (k = 0; k < got.n; k++) {
            size_t len = 0;
            char *data;

            if (got.v[k].status != 200 || got.v[k].data == NULL)
                continue;
            data = cst_dav_restore_crlf(got.v[k].data, got.v[k].len, &len);
            if (data == NULL || add_text(r, got.v[k].url, data, len) < 0) {
                free(data);
                cst_dav_items_fini(&got);
                snprintf(err->msg, sizeof(err->msg), "%s", strerror(ENOMEM));
                return -1;
            }
            free(data);
        }
        cst_dav_items_fini(&got);
    }
    return 0;
}

/* Reads one collection: the meetings of the window (a time-range query,
 * else every member) and every task. */
static int read_collection(report *r, cst_dav *dav, const char *url,
                           unsigned comps, cst_error *err)
{
    cst_dav_items list;
    cst_status st;
    int rc = 0;

    memset(&list, 0, sizeof(list));
    if (comps & CST_DAV_VEVENT) {
        st = cst_dav_calendar_query(dav, url, "VEVENT", r->from, r->to, 0,
                                    &list, err);
        if (st != CST_OK) {
            /* a server without calendar-query: every member */
            cst_dav_items_fini(&list);
            st = cst_dav_list_etags(dav, url, &list, err);
            if (st == CST_OK)
                rc = fetch_batches(r, dav, url, &list, err);
            cst_dav_items_fini(&list);
            return st == CST_OK ? rc : -1;
        }
        rc = fetch_batches(r, dav, url, &list, err);
        cst_dav_items_fini(&list);
        if (rc != 0)
            return rc;
    }
    if (comps & CST_DAV_VTODO) {
        st = cst_dav_calendar_query(dav, url, "VTODO", 0, 0, 0, &list, err);
        if (st == CST_OK)
            rc = fetch_batches(r, dav, url, &list, err);
        cst_dav_items_fini(&list);
        if (st != CST_OK)
            return -1;
    }
    return rc;
}

static int read_account(report *r, const cst_sweep_account *a)
{
    cst_error err = {0, ""};
    cst_dav *dav = NULL;
    cst_dav_calendar *cals = NULL;
    char *principal = NULL, *home = NULL;
    size_t n = 0, i;
    int rc = 0, tasks_seen = 0;

    dav = cst_sweep_account_open(a, REPORT_MAX_BODY, &err);
    if (dav == NULL)
        goto fail;
    if (a->discover) {
        if (cst_dav_discover(dav, a->url, &principal, &home, &err) != CST_OK ||
            cst_dav_list_calendars(dav, home, &cals, &n, &err) != CST_OK)
            goto fail;
        for (i = 0; i < n; i++) {
            if (!(cals[i].components & (CST_DAV_VEVENT | CST_DAV_VTODO)))
                continue;
            if (a->tasks != NULL && strcmp(cals[i].href, a->tasks) == 0)
                tasks_seen = 1;
            if (read_collection(r, dav, cals[i].href, cals[i].components,
                                &err) != 0)
                goto fail;
        }
    } else {
        for (i = 0; i < a->n_calendars; i++) {
            if (a->tasks != NULL && strcmp(a->calendars[i], a->tasks) == 0)
                tasks_seen = 1;
            if (read_collection(r, dav, a->calendars[i],
                                CST_DAV_VEVENT | CST_DAV_VTODO, &err) != 0)
                goto fail;
        }
    }
    if (a->tasks != NULL && !tasks_seen &&
        read_collection(r, dav, a->tasks, CST_DAV_VTODO, &err) != 0)
        goto fail;
    goto done;
fail:
    fprintf(stderr, _("%s: account %s: %s\n"), cli_progname, a->name,
            err.msg[0] ? err.msg : cst_status_str(CST_ERR_IO));
    rc = 1;
done:
    cst_dav_calendars_free(&cals, n);
    free(principal);
    free(home);
    cst_dav_free(&dav);
    return rc;
}

/* Returns 0, 1 when an account failed, EXIT_USAGE for a bad file. */
static int read_config(report *r, const char *path)
{
    cst_sweep_conf conf;
    cst_error err = {0, ""};
    size_t i;
    int rc = 0;

    if (cst_sweep_conf_load(path, &conf, &err) != CST_OK) {
        fprintf(stderr, "%s: %s\n", cli_progname, err.msg);
        cst_sweep_conf_fini(&conf);
        return EXIT_USAGE;
    }
    for (i = 0; i < conf.n_acc; i++) {
        if (read_account(r, &conf.acc[i]) != 0)
            rc = 1;
    }
    cst_sweep_conf_fini(&conf);
    return rc;
}

static int load_departments(report *r, const char *path)
{
    char *text = NULL;
    size_t len = 0;
    cst_error err = {0, ""};
    cst_status st;
    int e;

    e = cli_read_all(path, CST_DEPTS_MAX_BYTES, &text, &len);
    if (e != 0) {
        fprintf(stderr, "%s: %s: %s\n", cli_progname, path,
                e == EFBIG ? _("too large") : strerror(e));
        return EXIT_USAGE;
    }
    st = cst_depts_parse(text, len, &r->depts, &err);
    free(text);
    if (st != CST_OK) {
        fprintf(stderr, "%s: %s:%d: %s\n", cli_progname, path, err.line,
                err.msg[0] ? err.msg : cst_status_str(st));
        return EXIT_USAGE;
    }
    return 0;
}

/* ---- numbers ---------------------------------------------------------- */

/* A figure rounded to 3 places, without trailing zeros: "0.632", "4.5",
 * "3". */
static const char *num(double v, char *buf, size_t n)
{
    char *p;

    snprintf(buf, n, "%.3f", v);
    p = buf + strlen(buf);
    while (p > buf && p[-1] == '0')
        *--p = '\0';
    if (p > buf && p[-1] == '.')
        p[-1] = '\0';
    return buf;
}

typedef int (*derived_fn)(const cst_retro_fig *f, double *v);

/* ---- JSON ------------------------------------------------------------- */

static void json_str(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", out);
        else if (c < 0x20 || c == 0x7f)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

static void json_derived(FILE *out, const char *name, derived_fn fn,
                         const cst_retro_fig *f)
{
    double v;
    char b[40];

    fprintf(out, "\"%s\": ", name);
    if (fn(f, &v))
        fputs(num(v, b, sizeof(b)), out);
    else
        fputs("null", out);
}

static void json_lead(FILE *out, const char *name, const size_t *v)
{
    fprintf(out,
            "\"%s\": {\"on_time\": %zu, \"late\": %zu, \"missing\": %zu, "
            "\"untracked\": %zu}",
            name, v[CST_LEAD_ON_TIME], v[CST_LEAD_LATE], v[CST_LEAD_MISSING],
            v[CST_LEAD_UNTRACKED]);
}

static void json_fig(FILE *out, const cst_retro_fig *f, const char *ind)
{
    fprintf(out, "%s\"meetings\": {\"count\": %zu, \"urgent\": %zu, ", ind,
            f->meetings, f->urgent);
    json_derived(out, "participants_mean", cst_retro_participants_mean, f);
    fprintf(out, ", \"over_participant_limit\": %zu,\n%s  ",
            f->over_participant_limit, ind);
    json_lead(out, "agenda", f->agenda);
    fprintf(out, ",\n%s  ", ind);
    json_lead(out, "materials", f->materials);
    fprintf(out,
            ",\n%s  \"goal\": {\"stated\": %zu, \"vague\": %zu, "
            "\"missing\": %zu}, \"agenda_overrun\": %zu,\n%s  ",
            ind, f->goal[CST_GOAL_STATED], f->goal[CST_GOAL_VAGUE],
            f->goal[CST_GOAL_MISSING], f->agenda_overrun, ind);
    json_lead(out, "minutes", f->minutes);
    fprintf(out,
            ",\n%s  \"goal_reached\": {\"yes\": %zu, \"partly\": %zu, "
            "\"no\": %zu, \"unknown\": %zu}},\n",
            ind, f->goal_reached[0], f->goal_reached[1], f->goal_reached[2],
            f->goal_reached[3]);
    fprintf(out,
            "%s\"action_items\": {\"count\": %zu, \"completed\": %zu, "
            "\"completed_on_time\": %zu, \"overdue\": %zu,\n%s  "
            "\"open\": %zu, \"cancelled\": %zu, ",
            ind, f->items, f->completed, f->completed_on_time, f->overdue, ind,
            f->open, f->cancelled);
    json_derived(out, "completion_rate", cst_retro_completion_rate, f);
    fputs(", ", out);
    json_derived(out, "on_time_rate", cst_retro_on_time_rate, f);
    fprintf(out, ",\n%s  ", ind);
    json_derived(out, "median_days_to_close", cst_retro_median_days, f);
    fprintf(out, ", \"cross_department\": %zu}", f->cross_department);
}

static void write_json(const report *r, FILE *out)
{
    char b[3][32];
    size_t i, n = cst_retro_n_groups(r->retro);
    int first = 1;

    iso_utc(r->from, b[0], sizeof(b[0]));
    iso_utc(r->to, b[1], sizeof(b[1]));
    iso_utc(r->now, b[2], sizeof(b[2]));
    fprintf(out, "{\"from\": \"%s\", \"to\": \"%s\", \"now\": \"%s\",\n", b[0],
            b[1], b[2]);
    json_fig(out, cst_retro_total(r->retro), " ");
    fputs(",\n \"groups\": [", out);
    for (i = 0; i < n; i++) {
        const cst_retro_group *g = cst_retro_group_at(r->retro, i);

        if (!(r->by_mask & (1u << g->by)))
            continue;
        fputs(first ? "\n  {" : ",\n  {", out);
        first = 0;
        fprintf(out, "\"by\": \"%s\", \"key\": ", cst_retro_by_name(g->by));
        if (g->key[0] != '\0')
            json_str(out, g->key);
        else
            fputs("null", out);
        fputs(", \"name\": ", out);
        if (g->key[0] != '\0')
            json_str(out, g->name);
        else
            fputs("null", out);
        fputs(",\n", out);
        json_fig(out, &g->fig, "   ");
        fputs("}", out);
    }
    fputs(first ? "]}\n" : "\n ]}\n", out);
}

/* ---- CSV -------------------------------------------------------------- */

/* A CSV field (RFC 4180); text a spreadsheet would run as a formula
 * ("=", "+", "-", "@" first) gets a leading apostrophe. */
static void csv_str(FILE *out, const char *s)
{
    int quote = strpbrk(s, ",\"\r\n") != NULL;

    if (quote)
        fputc('"', out);
    if (*s == '=' || *s == '+' || *s == '-' || *s == '@')
        fputc('\'', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    if (quote)
        fputc('"', out);
}

static void csv_derived(FILE *out, derived_fn fn, const cst_retro_fig *f)
{
    double v;
    char b[40];

    fputc(',', out);
    if (fn(f, &v))
        fputs(num(v, b, sizeof(b)), out);
}

static void csv_row(FILE *out, const char *by, const char *key,
                    const char *name, const cst_retro_fig *f)
{
    const size_t *lead[3] = {f->agenda, f->materials, f->minutes};
    int k, j;

    csv_str(out, by);
    fputc(',', out);
    csv_str(out, key);
    fputc(',', out);
    csv_str(out, name);
    fprintf(out, ",%zu,%zu", f->meetings, f->urgent);
    csv_derived(out, cst_retro_participants_mean, f);
    fprintf(out, ",%zu", f->over_participant_limit);
    for (k = 0; k < 2; k++) {
        for (j = 0; j < CST_LEAD__COUNT; j++)
            fprintf(out, ",%zu", lead[k][j]);
    }
    fprintf(out, ",%zu,%zu,%zu,%zu", f->goal[0], f->goal[1], f->goal[2],
            f->agenda_overrun);
    for (j = 0; j < CST_LEAD__COUNT; j++)
        fprintf(out, ",%zu", lead[2][j]);
    for (j = 0; j < 4; j++)
        fprintf(out, ",%zu", f->goal_reached[j]);
    fprintf(out, ",%zu,%zu,%zu,%zu,%zu,%zu", f->items, f->completed,
            f->completed_on_time, f->overdue, f->open, f->cancelled);
    csv_derived(out, cst_retro_completion_rate, f);
    csv_derived(out, cst_retro_on_time_rate, f);
    csv_derived(out, cst_retro_median_days, f);
    fprintf(out, ",%zu\r\n", f->cross_department);
}

static void write_csv(const report *r, FILE *out)
{
    size_t i, n = cst_retro_n_groups(r->retro);

    fputs("by,key,name,meetings,urgent,participants_mean,"
          "over_participant_limit,agenda_on_time,agenda_late,agenda_missing,"
          "agenda_untracked,materials_on_time,materials_late,"
          "materials_missing,materials_untracked,goal_stated,goal_vague,"
          "goal_missing,agenda_overrun,minutes_on_time,minutes_late,"
          "minutes_missing,minutes_untracked,goal_reached_yes,"
          "goal_reached_partly,goal_reached_no,goal_reached_unknown,"
          "action_items,completed,completed_on_time,overdue,open,cancelled,"
          "completion_rate,on_time_rate,median_days_to_close,"
          "cross_department\r\n",
          out);
    if (r->by_mask == 0) {
        csv_row(out, "total", "", "", cst_retro_total(r->retro));
        return;
    }
    for (i = 0; i < n; i++) {
        const cst_retro_group *g = cst_retro_group_at(r->retro, i);

        if (r->by_mask & (1u << g->by))
            csv_row(out, cst_retro_by_name(g->by), g->key, g->name, &g->fig);
    }
}

/* ---- text ------------------------------------------------------------- */

static const char *rate_text(derived_fn fn, const cst_retro_fig *f, char *b,
                             size_t n)
{
    double v;

    if (!fn(f, &v))
        return "-";
    snprintf(b, n, "%.1f%%", v * 100.0);
    return b;
}

static const char *group_label(const cst_retro_group *g)
{
    if (g->key[0] == '\0')
        return g->by == CST_BY_OWNER ? _("(no owner)") : _("(unknown)");
    return g->name[0] ? g->name : g->key;
}

static void text_fig(FILE *out, const cst_retro_fig *f, const char *ind)
{
    char b[4][40];
    const size_t *lead[3] = {f->agenda, f->materials, f->minutes};
    const char *names[3];
    double v;
    int k;

    names[0] = _("Agenda");
    names[1] = _("Materials");
    names[2] = _("Minutes");
    fprintf(out,
            _("%sMeetings held: %zu (urgent: %zu), participants on "
              "average: %s, over the limit: %zu\n"),
            ind, f->meetings, f->urgent,
            cst_retro_participants_mean(f, &v) ? num(v, b[0], sizeof(b[0]))
                                               : "-",
            f->over_participant_limit);
    for (k = 0; k < 3; k++)
        fprintf(out,
                _("%s%-10s on time %zu, late %zu, missing %zu, "
                  "untracked %zu\n"),
                ind, names[k], lead[k][CST_LEAD_ON_TIME],
                lead[k][CST_LEAD_LATE], lead[k][CST_LEAD_MISSING],
                lead[k][CST_LEAD_UNTRACKED]);
    fprintf(out,
            _("%sGoal: stated %zu, vague %zu, missing %zu; agenda "
              "overrun: %zu\n"),
            ind, f->goal[CST_GOAL_STATED], f->goal[CST_GOAL_VAGUE],
            f->goal[CST_GOAL_MISSING], f->agenda_overrun);
    fprintf(out,
            _("%sGoal reached: yes %zu, partly %zu, no %zu, unknown "
              "%zu\n"),
            ind, f->goal_reached[0], f->goal_reached[1], f->goal_reached[2],
            f->goal_reached[3]);
    fprintf(out,
            _("%sAction items: %zu (completed %zu, on time %zu, "
              "overdue %zu, open %zu, cancelled %zu)\n"),
            ind, f->items, f->completed, f->completed_on_time, f->overdue,
            f->open, f->cancelled);
    fprintf(out,
            _("%sCompletion rate %s, on time %s, median days to close "
              "%s, across departments %zu\n"),
            ind, rate_text(cst_retro_completion_rate, f, b[1], sizeof(b[1])),
            rate_text(cst_retro_on_time_rate, f, b[2], sizeof(b[2])),
            cst_retro_median_days(f, &v) ? num(v, b[3], sizeof(b[3])) : "-",
            f->cross_department);
}

static void write_text(const report *r, FILE *out)
{
    char b[2][32];
    size_t i, n = cst_retro_n_groups(r->retro);
    int last_by = -1;

    iso_utc(r->from, b[0], sizeof(b[0]));
    iso_utc(r->to, b[1], sizeof(b[1]));
    fprintf(out, _("Meetings held from %s to %s\n"), b[0], b[1]);
    text_fig(out, cst_retro_total(r->retro), "  ");
    for (i = 0; i < n; i++) {
        const cst_retro_group *g = cst_retro_group_at(r->retro, i);

        if (!(r->by_mask & (1u << g->by)))
            continue;
        if ((int)g->by != last_by) {
            fprintf(out, _("\nBy %s:\n"), cst_retro_by_name(g->by));
            last_by = (int)g->by;
        }
        fprintf(out, "\n  %s\n", group_label(g));
        text_fig(out, &g->fig, "    ");
    }
}

/* ---- HTML ------------------------------------------------------------- */

static void html_str(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", out);
            break;
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        case '\'':
            fputs("&#39;", out);
            break;
        default:
            fputc(*s, out);
        }
    }
}

static const char *const css =
    "body{font-family:system-ui,-apple-system,'Segoe UI','Noto Sans CJK SC',"
    "'PingFang SC',sans-serif;margin:0 auto;max-width:60rem;padding:1rem;"
    "color:#1f2328;background:#fff;line-height:1.4}"
    "h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.15rem;"
    "margin-top:1.6rem;border-bottom:1px solid #d0d7de}"
    ".window{color:#59636e}"
    ".cards{display:grid;grid-template-columns:repeat(auto-fill,"
    "minmax(9rem,1fr));gap:.6rem;margin:1rem 0}"
    ".card{border:1px solid #d0d7de;border-radius:.5rem;padding:.6rem}"
    ".card .v{font-size:1.6rem;font-weight:600}"
    ".card .l{font-size:.85rem;color:#59636e}"
    "svg{width:100%;height:auto;display:block}"
    ".legend span{display:inline-block;margin-right:1rem;font-size:.85rem}"
    ".sw{display:inline-block;width:.8em;height:.8em;margin-right:.3em;"
    "vertical-align:middle}"
    ".scroll{overflow-x:auto}"
    "table{border-collapse:collapse;font-size:.85rem;min-width:100%}"
    "th,td{border-bottom:1px solid #d0d7de;padding:.25rem .4rem;"
    "text-align:right;white-space:nowrap}"
    "th:first-child,td:first-child{text-align:left;white-space:normal}"
    "@media (max-width:30rem){body{padding:.5rem}.card .v{font-size:1.3rem}}";

#define C_GOOD "#2da44e"
#define C_LATE "#d4a72c"
#define C_BAD "#cf222e"
#define C_GREY "#8c959f"
#define C_BLUE "#0969da"

static void card(FILE *out, const char *id, const char *value,
                 const char *label)
{
    fprintf(out, "<div class=\"card\" id=\"%s\"><div class=\"v\">", id);
    html_str(out, value);
    fputs("</div><div class=\"l\">", out);
    html_str(out, label);
    fputs("</div></div>\n", out);
}

static void swatch(FILE *out, const char *color, const char *label)
{
    fprintf(out, "<span><i class=\"sw\" style=\"background:%s\"></i>", color);
    html_str(out, label);
    fputs("</span>", out);
}

/* Completion and on-time rate per week: pairs of bars, 0..100 %. */
static void chart_trend(const report *r, FILE *out)
{
    size_t i, n = cst_retro_n_groups(r->retro), k = 0, bars = 0;
    const int h = 200, left = 34, bw = 14, gap = 14;
    int width;

    for (i = 0; i < n; i++) {
        if (cst_retro_group_at(r->retro, i)->by == CST_BY_WEEK)
            bars++;
    }
    if (bars > REPORT_CHART_BARS)
        bars = REPORT_CHART_BARS;
    width = left + (int)(bars ? bars : 1) * (2 * bw + gap) + 10;
    fprintf(out,
            "<svg id=\"chart-trend\" viewBox=\"0 0 %d %d\" role=\"img\" "
            "xmlns=\"http://www.w3.org/2000/svg\"><title>",
            width, h + 40);
    html_str(out, _("Completion and on-time rate per week"));
    fputs("</title>\n", out);
    for (i = 0; i <= 4; i++) {
        int y = 10 + h - (int)i * h / 4;

        fprintf(out,
                "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
                "stroke=\"#d0d7de\"/><text x=\"%d\" y=\"%d\" "
                "font-size=\"11\" text-anchor=\"end\">%zu%%</text>\n",
                left, y, width - 5, y, left - 4, y + 3, i * 25);
    }
    for (i = 0; i < n && k < bars; i++) {
        const cst_retro_group *g = cst_retro_group_at(r->retro, i);
        double c = 0, t = 0;
        int x, hc, ht, has_c, has_t;

        if (g->by != CST_BY_WEEK)
            continue;
        has_c = cst_retro_completion_rate(&g->fig, &c);
        has_t = cst_retro_on_time_rate(&g->fig, &t);
        x = left + 6 + (int)k * (2 * bw + gap);
        hc = (int)(c * h + 0.5);
        ht = (int)(t * h + 0.5);
        if (has_c)
            fprintf(out,
                    "<rect class=\"bar-completion\" x=\"%d\" y=\"%d\" "
                    "width=\"%d\" height=\"%d\" fill=\"" C_BLUE "\">"
                    "<title>%.0f%%</title></rect>\n",
                    x, 10 + h - hc, bw, hc, c * 100);
        if (has_t)
            fprintf(out,
                    "<rect class=\"bar-on-time\" x=\"%d\" y=\"%d\" "
                    "width=\"%d\" height=\"%d\" fill=\"" C_GOOD "\">"
                    "<title>%.0f%%</title></rect>\n",
                    x + bw, 10 + h - ht, bw, ht, t * 100);
        fprintf(out,
                "<text x=\"%d\" y=\"%d\" font-size=\"11\" "
                "text-anchor=\"middle\">",
                x + bw, h + 24);
        html_str(out, g->key + (strlen(g->key) > 5 ? 5 : 0)); /* "W25" */
        fputs("</text>\n", out);
        k++;
    }
    fputs("</svg>\n<p class=\"legend\">", out);
    swatch(out, C_BLUE, _("completion rate"));
    swatch(out, C_GOOD, _("on-time rate"));
    fputs("</p>\n", out);
}

/* Action items per owner or department: horizontal stacked bars. */
static void chart_items(const report *r, FILE *out, cst_retro_by by,
                        const char *id, const char *title)
{
    size_t i, n = cst_retro_n_groups(r->retro), k = 0, rows = 0, max = 1;
    const int label = 170, bar = 300, rh = 22;

    for (i = 0; i < n; i++) {
        const cst_retro_group *g = cst_retro_group_at(r->retro, i);

        if (g->by != by || g->fig.items == 0)
            continue;
        rows++;
        if (g->fig.items > max)
            max = g->fig.items;
    }
    if (rows > REPORT_CHART_BARS)
        rows = REPORT_CHART_BARS;
    fprintf(out,
            "<svg id=\"%s\" viewBox=\"0 0 %d %d\" role=\"img\" "
            "xmlns=\"http://www.w3.org/2000/svg\"><title>",
            id, label + bar + 50, (int)(rows ? rows : 1) * rh + 10);
    html_str(out, title);
    fputs("</title>\n", out);
    for (i = 0; i < n && k < rows; i++) {
        const cst_retro_group *g = cst_retro_group_at(r->retro, i);
        size_t seg[4];
        const char *col[4] = {C_GOOD, C_BAD, C_BLUE, C_GREY};
        int x = label, y = 5 + (int)k * rh, j, w;

        if (g->by != by || g->fig.items == 0)
            continue;
        seg[0] = g->fig.completed;
        seg[1] = g->fig.overdue;
        seg[2] = g->fig.open;
        seg[3] = g->fig.cancelled;
        fprintf(out,
                "<g class=\"row\"><text x=\"%d\" y=\"%d\" "
                "font-size=\"13\" text-anchor=\"end\">",
                label - 6, y + 14);
        html_str(out, group_label(g));
        fputs("</text>", out);
        for (j = 0; j < 4; j++) {
            w = (int)((double)seg[j] * bar / (double)max + 0.5);
            if (w <= 0)
                continue;
            fprintf(out,
                    "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
                    "fill=\"%s\"><title>%zu</title></rect>",
                    x, y, w, rh - 6, col[j], seg[j]);
            x += w;
        }
        fprintf(out,
                "<text x=\"%d\" y=\"%d\" font-size=\"13\">%zu</text>"
                "</g>\n",
                x + 4, y + 14, g->fig.items);
        k++;
    }
    fputs("</svg>\n<p class=\"legend\">", out);
    swatch(out, C_GOOD, _("completed"));
    swatch(out, C_BAD, _("overdue"));
    swatch(out, C_BLUE, _("open"));
    swatch(out, C_GREY, _("cancelled"));
    fputs("</p>\n", out);
}

/* Shares of on time / late / untracked / missing for agenda, materials
 * and minutes: one 100 % bar each. */
static void chart_lead(const report *r, FILE *out)
{
    const cst_retro_fig *f = cst_retro_total(r->retro);
    const size_t *lead[3] = {f->agenda, f->materials, f->minutes};
    const char *names[3];
    const char *col[CST_LEAD__COUNT] = {C_GOOD, C_LATE, C_BAD, C_GREY};
    const int label = 110, bar = 380, rh = 26;
    int k, j;

    names[0] = _("Agenda");
    names[1] = _("Materials");
    names[2] = _("Minutes");
    fprintf(out,
            "<svg id=\"chart-lead\" viewBox=\"0 0 %d %d\" role=\"img\" "
            "xmlns=\"http://www.w3.org/2000/svg\"><title>",
            label + bar + 10, 3 * rh + 10);
    html_str(out, _("Lead times"));
    fputs("</title>\n", out);
    for (k = 0; k < 3; k++) {
        size_t tot = 0;
        double x = label;
        int y = 5 + k * rh;

        for (j = 0; j < CST_LEAD__COUNT; j++)
            tot += lead[k][j];
        fprintf(out,
                "<text x=\"%d\" y=\"%d\" font-size=\"13\" "
                "text-anchor=\"end\">",
                label - 6, y + 15);
        html_str(out, names[k]);
        fputs("</text>", out);
        if (tot == 0) {
            fprintf(out,
                    "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
                    "fill=\"#eaeef2\"/>\n",
                    label, y, bar, rh - 8);
            continue;
        }
        for (j = 0; j < CST_LEAD__COUNT; j++) {
            double w = (double)lead[k][j] * bar / (double)tot;

            if (lead[k][j] == 0)
                continue;
            fprintf(out,
                    "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" "
                    "height=\"%d\" fill=\"%s\"><title>%zu</title>"
                    "</rect>",
                    x, y, w, rh - 8, col[j], lead[k][j]);
            x += w;
        }
        fputs("\n", out);
    }
    fputs("</svg>\n<p class=\"legend\">", out);
    swatch(out, C_GOOD, _("on time"));
    swatch(out, C_LATE, _("late"));
    swatch(out, C_BAD, _("missing"));
    swatch(out, C_GREY, _("untracked"));
    fputs("</p>\n", out);
}

static void html_cell_num(FILE *out, size_t v)
{
    fprintf(out, "<td>%zu</td>", v);
}

static void html_cell_rate(FILE *out, derived_fn fn, const cst_retro_fig *f)
{
    char b[40];

    fprintf(out, "<td>%s</td>", rate_text(fn, f, b, sizeof(b)));
}

static void html_table(const report *r, FILE *out, cst_retro_by by)
{
    size_t i, n = cst_retro_n_groups(r->retro);

    fputs("<h2>", out);
    html_str(out, _("By"));
    fputs(" ", out);
    html_str(out, cst_retro_by_name(by));
    fputs("</h2>\n<div class=\"scroll\"><table><thead><tr><th></th>", out);
    {
        const char *heads[] = {N_("Meetings"),        N_("Agenda on time"),
                               N_("Minutes on time"), N_("Goal reached"),
                               N_("Action items"),    N_("Completed"),
                               N_("Overdue"),         N_("Completion rate"),
                               N_("On-time rate"),    N_("Across departments")};
        size_t h;

        for (h = 0; h < sizeof(heads) / sizeof(heads[0]); h++) {
            fputs("<th>", out);
            html_str(out, _(heads[h]));
            fputs("</th>", out);
        }
    }
    fputs("</tr></thead><tbody>\n", out);
    for (i = 0; i < n; i++) {
        const cst_retro_group *g = cst_retro_group_at(r->retro, i);
        const cst_retro_fig *f = &g->fig;

        if (g->by != by)
            continue;
        fputs("<tr><td>", out);
        html_str(out, group_label(g));
        fputs("</td>", out);
        html_cell_num(out, f->meetings);
        html_cell_num(out, f->agenda[CST_LEAD_ON_TIME]);
        html_cell_num(out, f->minutes[CST_LEAD_ON_TIME]);
        html_cell_num(out, f->goal_reached[0]);
        html_cell_num(out, f->items);
        html_cell_num(out, f->completed);
        html_cell_num(out, f->overdue);
        html_cell_rate(out, cst_retro_completion_rate, f);
        html_cell_rate(out, cst_retro_on_time_rate, f);
        html_cell_num(out, f->cross_department);
        fputs("</tr>\n", out);
    }
    fputs("</tbody></table></div>\n", out);
}

static void write_html(const report *r, FILE *out, cst_lang lang)
{
    const cst_retro_fig *f = cst_retro_total(r->retro);
    char b[6][48], d0[16], d1[16];
    time_t last = r->to - 1;
    struct tm tm;
    double v;
    int by;

    gmtime_r(&r->from, &tm);
    strftime(d0, sizeof(d0), "%Y-%m-%d", &tm);
    gmtime_r(&last, &tm);
    strftime(d1, sizeof(d1), "%Y-%m-%d", &tm);
    fprintf(out,
            "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n"
            "<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, "
            "initial-scale=1\">\n<title>",
            lang == CST_LANG_ZH_CN ? "zh-CN" : "en");
    html_str(out, _("Meeting retrospective"));
    fprintf(out, " %s – %s</title>\n<style>%s</style>\n</head>\n<body>\n<h1>",
            d0, d1, css);
    html_str(out, _("Meeting retrospective"));
    fputs("</h1>\n<p class=\"window\">", out);
    fprintf(out, "%s – %s", d0, d1);
    fputs("</p>\n<div class=\"cards\">\n", out);
    snprintf(b[0], sizeof(b[0]), "%zu", f->meetings);
    card(out, "fig-meetings", b[0], _("meetings held"));
    snprintf(b[1], sizeof(b[1]), "%zu", f->items);
    card(out, "fig-items", b[1], _("action items"));
    card(out, "fig-completion",
         rate_text(cst_retro_completion_rate, f, b[2], sizeof(b[2])),
         _("completion rate"));
    card(out, "fig-on-time",
         rate_text(cst_retro_on_time_rate, f, b[3], sizeof(b[3])),
         _("on-time rate"));
    snprintf(b[4], sizeof(b[4]), "%zu", f->overdue);
    card(out, "fig-overdue", b[4], _("overdue"));
    card(out, "fig-median",
         cst_retro_median_days(f, &v) ? num(v, b[5], sizeof(b[5])) : "-",
         _("median days to close"));
    snprintf(b[0], sizeof(b[0]), "%zu / %zu", f->goal_reached[0], f->meetings);
    card(out, "fig-goal-reached", b[0], _("goal reached"));
    snprintf(b[1], sizeof(b[1]), "%zu", f->cross_department);
    card(out, "fig-cross", b[1], _("across departments"));
    fputs("</div>\n<h2>", out);
    html_str(out, _("Trend per week"));
    fputs("</h2>\n", out);
    chart_trend(r, out);
    fputs("<h2>", out);
    html_str(out, _("Action items per owner"));
    fputs("</h2>\n", out);
    chart_items(r, out, CST_BY_OWNER, "chart-owners",
                _("Action items per owner"));
    fputs("<h2>", out);
    html_str(out, _("Action items per department"));
    fputs("</h2>\n", out);
    chart_items(r, out, CST_BY_DEPARTMENT, "chart-departments",
                _("Action items per department"));
    fputs("<h2>", out);
    html_str(out, _("Lead times"));
    fputs("</h2>\n", out);
    chart_lead(r, out);
    for (by = 0; by < CST_BY__COUNT; by++) {
        if (r->by_mask & (1u << by))
            html_table(r, out, (cst_retro_by)by);
    }
    fputs("</body>\n</html>\n", out);
}

/* ---- the command ------------------------------------------------------ */

int cli_cmd_report(int argc, char **argv)
{
    static const struct option opts[] = {
        {"dir", required_argument, NULL, 'd'},
        {"config", required_argument, NULL, 'c'},
        {"from", required_argument, NULL, 'F'},
        {"to", required_argument, NULL, 'T'},
        {"now", required_argument, NULL, 'n'},
        {"policy", required_argument, NULL, 'p'},
        {"departments", required_argument, NULL, 'D'},
        {"by", required_argument, NULL, 'b'},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"lang", required_argument, NULL, 'l'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    static const char *const formats[] = {"text", "json", "csv", "html"};
    source src[REPORT_MAX_SOURCES];
    size_t n_src = 0, i;
    const char *policy_path = NULL, *dept_path = NULL, *out_path = NULL,
               *lang_arg = NULL;
    int c, k, rc = 0, have_from = 0, have_to = 0, failed = 0, dav_init = 0;
    cst_retro_in in;
    cst_error err = {0, ""};
    cst_lang lang = CST_LANG_EN;
    report r;
    FILE *out = stdout;

    memset(&r, 0, sizeof(r));
    r.now = time(NULL);
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
        case 'c':
            if (n_src >= REPORT_MAX_SOURCES) {
                fprintf(stderr,
                        _("%s: report: more than %d --dir and "
                          "--config\n"),
                        cli_progname, REPORT_MAX_SOURCES);
                return EXIT_USAGE;
            }
            src[n_src].is_dir = c == 'd';
            src[n_src++].path = optarg;
            break;
        case 'F':
            if (!parse_date("--from", optarg, &r.from))
                return EXIT_USAGE;
            have_from = 1;
            break;
        case 'T':
            if (!parse_date("--to", optarg, &r.to))
                return EXIT_USAGE;
            have_to = 1;
            break;
        case 'n':
            if (!cli_now_option(optarg, &r.now))
                return EXIT_USAGE;
            break;
        case 'p':
            policy_path = optarg;
            break;
        case 'D':
            dept_path = optarg;
            break;
        case 'b':
            k = cst_retro_by_parse(optarg);
            if (k < 0) {
                fprintf(stderr,
                        _("%s: --by: '%s' is none of week, month, "
                          "organizer, owner, department, series\n"),
                        cli_progname, optarg);
                return EXIT_USAGE;
            }
            r.by_mask |= 1u << k;
            break;
        case 'f':
            for (k = 0; k < 4 && strcmp(optarg, formats[k]) != 0; k++)
                ;
            if (k == 4) {
                fprintf(stderr,
                        _("%s: --format: '%s' is none of text, json, "
                          "csv, html\n"),
                        cli_progname, optarg);
                return EXIT_USAGE;
            }
            r.format = k;
            break;
        case 'o':
            out_path = optarg;
            break;
        case 'l':
            lang_arg = optarg;
            if (!cli_parse_lang(optarg, &lang)) {
                fprintf(stderr,
                        _("%s: --lang: '%s' is neither en nor "
                          "zh_CN\n"),
                        cli_progname, optarg);
                return EXIT_USAGE;
            }
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            fprintf(stderr,
                    _("Try '%s report --help' for more "
                      "information.\n"),
                    cli_progname);
            return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr,
                _("%s: report: unexpected argument '%s' (folders are "
                  "given with --dir)\n"),
                cli_progname, argv[optind]);
        return EXIT_USAGE;
    }
    if (n_src == 0) {
        fprintf(stderr, _("%s: report: no --dir or --config given\n"),
                cli_progname);
        return EXIT_USAGE;
    }
    if (!have_to)
        r.to = r.now;
    if (!have_from)
        r.from = r.to - 28 * 86400;
    if (r.from >= r.to) {
        fprintf(stderr, _("%s: report: --from is not before --to\n"),
                cli_progname);
        return EXIT_USAGE;
    }
    rc = cli_load_policy(policy_path, &r.policy);
    if (rc != 0)
        return rc;
    if (lang_arg == NULL)
        lang = r.policy.language_set  ? r.policy.language
               : cli_env_is_chinese() ? CST_LANG_ZH_CN
                                      : CST_LANG_EN;
    cli_set_language(lang);
    if (dept_path != NULL) {
        rc = load_departments(&r, dept_path);
        if (rc != 0)
            goto done;
    }
    for (i = 0; i < n_src; i++) {
        struct stat sb;

        if (src[i].is_dir &&
            (stat(src[i].path, &sb) != 0 || !S_ISDIR(sb.st_mode))) {
            fprintf(stderr, _("%s: --dir: %s: not a folder\n"), cli_progname,
                    src[i].path);
            rc = EXIT_USAGE;
            goto done;
        }
    }
    memset(&in, 0, sizeof(in));
    in.policy = &r.policy;
    in.from = r.from;
    in.to = r.to;
    in.now = r.now;
    in.depts = &r.depts;
    in.by_mask = r.by_mask;
    if (r.format == FMT_HTML)
        in.by_mask |= (1u << CST_BY_WEEK) | (1u << CST_BY_OWNER) |
                      (1u << CST_BY_DEPARTMENT);
    in.warn = retro_warning;
    in.warn_ctx = (void *)"report";
    if (cst_retro_new(&in, &r.retro) != CST_OK) {
        fprintf(stderr, "%s: %s\n", cli_progname, strerror(ENOMEM));
        rc = EXIT_USAGE;
        goto done;
    }
    for (i = 0; i < n_src && !dav_init; i++) {
        if (!src[i].is_dir) {
            if (cst_dav_global_init(&err) != CST_OK) {
                fprintf(stderr, "%s: %s\n", cli_progname, err.msg);
                rc = EXIT_USAGE;
                goto done;
            }
            dav_init = 1;
        }
    }
    for (i = 0; i < n_src; i++) {
        if (src[i].is_dir) {
            if (read_dir(&r, src[i].path, 0) != 0) {
                rc = EXIT_USAGE;
                goto done;
            }
        } else {
            int x = read_config(&r, src[i].path);

            if (x == EXIT_USAGE) {
                rc = EXIT_USAGE;
                goto done;
            }
            if (x != 0)
                failed = 1;
        }
    }
    if (cst_retro_finish(r.retro, &err) != CST_OK) {
        fprintf(stderr, "%s: %s\n", cli_progname,
                err.msg[0] ? err.msg : strerror(ENOMEM));
        rc = EXIT_USAGE;
        goto done;
    }
    if (out_path != NULL && strcmp(out_path, "-") != 0) {
        out = fopen(out_path, "w");
        if (out == NULL) {
            fprintf(stderr, "%s: %s: %s\n", cli_progname, out_path,
                    strerror(errno));
            rc = EXIT_USAGE;
            goto done;
        }
    }
    switch (r.format) {
    case FMT_JSON:
        write_json(&r, out);
        break;
    case FMT_CSV:
        write_csv(&r, out);
        break;
    case FMT_HTML:
        write_html(&r, out, lang);
        break;
    default:
        write_text(&r, out);
    }
    if (out != stdout) {
        if (fclose(out) != 0) {
            fprintf(stderr, "%s: %s: %s\n", cli_progname, out_path,
                    strerror(errno));
            rc = EXIT_USAGE;
        }
    } else if (fflush(stdout) != 0) {
        fprintf(stderr, "%s: %s\n", cli_progname, strerror(errno));
        rc = EXIT_USAGE;
    }
    if (rc == 0 && failed)
        rc = 1;
done:
    cst_retro_free(&r.retro);
    cst_depts_fini(&r.depts);
    if (dav_init)
        cst_dav_global_cleanup();
    return rc;
}
