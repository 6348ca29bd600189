/*
 * calsteward.c -- the calsteward command: check meeting invites against
 * the policy (spec section 5).
 *
 * Exit status of `check`: 0 when no finding is a warning or an error,
 * 1 when one is, 2 for bad usage or input that is not iCalendar.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/i18n.h"
#include "cli/output.h"
#include "core/doc.h"
#include "core/meeting.h"
#include "core/policy.h"
#include "core/process.h"
#include "core/occur.h"
#include "core/rules.h"
#include "core/tasks.h"
#include "core/util.h"

const char *cli_progname = "calsteward";

static void usage(FILE *out)
{
    fprintf(out, _("Usage: %s COMMAND [OPTION]... FILE...\n"), cli_progname);
    fputs(_("Check meeting invites against the meeting policy.\n"
            "\n"
            "Commands:\n"
            "  check      report what the policy says about each invite\n"
            "  process    print the event as calsteward would store it\n"
            "  tasks      print the tasks (VTODOs) calsteward would write\n"
            "  sweep      visit the CalDAV calendars of the configuration\n"
            "             and do the follow-ups that come with time\n"
            "  report     look back: figures over the meetings held and\n"
            "             their action items (calsteward report --help)\n"
            "\n"
            "Options of check:\n"
            "  --now TIME         check as of TIME (ISO 8601 with a zone,\n"
            "                     e.g. 2023-06-20T02:00:00Z); default: now\n"
            "  --policy FILE      policy file (default: see below)\n"
            "  --format FORMAT    text (default) or json\n"
            "  --lang LANG        en or zh_CN (default: the policy's, else\n"
            "                     the environment's language)\n"
            "  -h, --help         show this help and exit\n"
            "  -V, --version      show the version and exit\n"
            "\n"
            "Options of process and tasks: --now, --policy as above;\n"
            "of process also\n"
            "  --previous FILE    the copy the server holds now (stamps a\n"
            "                     client dropped are carried over from it)\n"
            "\n"
            "Options of sweep:\n"
            "  --config FILE      configuration (default: see below)\n"
            "  --now TIME         sweep as of TIME\n"
            "  --dry-run          print what would be written; write nothing\n"
            "\n"
            "FILE is an iCalendar file, or - for standard input.\n"
            "\n"
            "Exit status of check: 0 no warning, 1 a warning or error was\n"
            "found, 2 bad usage or input that is not iCalendar.  Of process\n"
            "and tasks:\n"
            "0, or 2 for bad usage or bad input.  Of sweep: 0 every calendar\n"
            "was swept, 1 one failed, 2 bad usage or a bad configuration.\n"),
          out);
    fprintf(out, "\n");
    fprintf(out, _("Default policy file: %s\n"), DEFAULT_POLICY);
    fprintf(out, _("Default configuration: %s\n"), DEFAULT_CONFIG);
}

static void try_help(void)
{
    fprintf(stderr, _("Try '%s --help' for more information.\n"), cli_progname);
}

/* ---- time ------------------------------------------------------------- */

/* Reads n digits at *p into *v. */
static int digits(const char **p, int n, long *v)
{
    long x = 0;
    int i;

    for (i = 0; i < n; i++) {
        if ((*p)[i] < '0' || (*p)[i] > '9')
            return 0;
        x = x * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *v = x;
    return 1;
}

/*
 * Parses an ISO 8601 instant with a zone: 2023-06-20T02:00:00Z,
 * 2023-06-20T10:00+08:00, 20230620T020000Z.  Returns 1 on success.
 */
static int parse_instant(const char *s, time_t *out)
{
    long y, mo, d, h, mi, sec = 0, oh = 0, om = 0;
    int basic, sign = 0;
    const char *p = s;

    if (!digits(&p, 4, &y))
        return 0;
    basic = (*p != '-');
    if (!basic)
        p++;
    if (!digits(&p, 2, &mo))
        return 0;
    if (!basic && *p++ != '-')
        return 0;
    if (!digits(&p, 2, &d) || (*p != 'T' && *p != 't' && *p != ' '))
        return 0;
    p++;
    if (!digits(&p, 2, &h))
        return 0;
    if (!basic && *p++ != ':')
        return 0;
    if (!digits(&p, 2, &mi))
        return 0;
    if ((basic && *p >= '0' && *p <= '9') || (!basic && *p == ':')) {
        if (!basic)
            p++;
        if (!digits(&p, 2, &sec))
            return 0;
    }
    if (*p == '.' || *p == ',') {
        p++;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        sign = (*p == '-') ? -1 : 1;
        p++;
        if (!digits(&p, 2, &oh))
            return 0;
        if (*p == ':')
            p++;
        if (*p != '\0' && !digits(&p, 2, &om))
            return 0;
    } else {
        return 0; /* a zone is required */
    }
    if (*p != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23
        || mi > 59 || sec > 60 || oh > 14 || om > 59)
        return 0;
    *out = (time_t)(cst_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60
                    + sec - sign * (oh * 3600 + om * 60));
    return 1;
}

/* Reads --now; prints the error and returns 0 when it is no instant. */
int cli_now_option(const char *arg, time_t *now)
{
    if (parse_instant(arg, now))
        return 1;
    fprintf(stderr, _("%s: --now: '%s' is no ISO 8601 time with a zone "
                      "(e.g. 2023-06-20T02:00:00Z)\n"),
            cli_progname, arg);
    return 0;
}

/* ---- input ------------------------------------------------------------ */

/* Reads a whole file (or stdin for "-") up to max bytes.  Returns 0 and
 * sets *buf / *len, or an errno value (EFBIG when it is larger). */
int cli_read_all(const char *path, size_t max, char **buf, size_t *len)
{
    FILE *f;
    char *b = NULL, *nb;
    size_t cap = 0, n = 0, got;
    int err = 0;

    f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (f == NULL)
        return errno;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 65536;
            if (cap > max + 1)
                cap = max + 1;
            nb = realloc(b, cap + 1);
            if (nb == NULL) {
                err = ENOMEM;
                goto done;
            }
            b = nb;
        }
        got = fread(b + n, 1, cap - n, f);
        n += got;
        if (n > max) {
            err = EFBIG;
            goto done;
        }
        if (got == 0) {
            if (ferror(f))
                err = errno ? errno : EIO;
            break;
        }
    }
done:
    if (f != stdin)
        fclose(f);
    if (err != 0) {
        free(b);
        return err;
    }
    b[n] = '\0';
    *buf = b;
    *len = n;
    return 0;
}

/* ---- language --------------------------------------------------------- */

int cli_env_is_chinese(void)
{
    static const char *const vars[] = {"LANGUAGE", "LC_ALL", "LC_MESSAGES",
                                       "LANG", NULL};
    size_t i;

    for (i = 0; vars[i] != NULL; i++) {
        const char *v = getenv(vars[i]);

        if (v != NULL && *v != '\0')
            return strncmp(v, "zh", 2) == 0;
    }
    return 0;
}

/* Makes gettext speak lang, whatever locales the system has installed:
 * glibc honours LANGUAGE unless the locale is plain "C". */
void cli_set_language(cst_lang lang)
{
    const char *cur;

    setenv("LANGUAGE", lang == CST_LANG_ZH_CN ? "zh_CN" : "en", 1);
    cur = setlocale(LC_MESSAGES, NULL);
    if (cur == NULL || strcmp(cur, "C") == 0 || strcmp(cur, "POSIX") == 0)
        setlocale(LC_MESSAGES, "C.UTF-8");
}

int cli_parse_lang(const char *s, cst_lang *out)
{
    if (strcmp(s, "en") == 0 || strncmp(s, "en_", 3) == 0) {
        *out = CST_LANG_EN;
        return 1;
    }
    if (strcmp(s, "zh_CN") == 0 || strcmp(s, "zh-CN") == 0
        || strcmp(s, "zh") == 0 || strncmp(s, "zh_CN.", 6) == 0) {
        *out = CST_LANG_ZH_CN;
        return 1;
    }
    return 0;
}

/* ---- policy ----------------------------------------------------------- */

/* A key, section or rule of the policy file this release does not know:
 * a warning on stderr, and the check goes on (calsteward-policy(5)). */
static void policy_warning(void *ctx, int line, const char *msg)
{
    fprintf(stderr, "%s: %s:%d: %s: %s\n", cli_progname, (const char *)ctx,
            line, _("warning"), msg);
}

/* Loads the policy file (path NULL: the default one if it exists).
 * Returns 0 or EXIT_USAGE after printing the error; warns of what it
 * ignores. */
int cli_load_policy(const char *path, cst_policy *p)
{
    char *text = NULL;
    size_t len = 0;
    cst_error err = {0, ""};
    cst_status st;
    int e, explicit = (path != NULL);

    cst_policy_init(p);
    if (path == NULL)
        path = DEFAULT_POLICY;
    e = cli_read_all(path, CST_MAX_POLICY_BYTES, &text, &len);
    if (e == ENOENT && !explicit)
        return 0;
    if (e != 0) {
        fprintf(stderr, "%s: %s: %s\n", cli_progname, path,
                e == EFBIG ? _("policy file too large") : strerror(e));
        return EXIT_USAGE;
    }
    st = cst_policy_parse_warn(p, text, len, &err, policy_warning,
                               (void *)path);
    free(text);
    if (st != CST_OK) {
        fprintf(stderr, "%s: %s:%d: %s\n", cli_progname, path, err.line,
                err.msg);
        return EXIT_USAGE;
    }
    return 0;
}

/* ---- check ------------------------------------------------------------ */

static void print_input_error(const char *name, cst_status st,
                              const cst_error *err)
{
    if (err->line > 0)
        fprintf(stderr, "%s: %s:%d: %s\n", cli_progname, name, err->line,
                err->msg[0] ? err->msg : cst_status_str(st));
    else
        fprintf(stderr, "%s: %s: %s\n", cli_progname, name,
                err->msg[0] ? err->msg : cst_status_str(st));
}


static int check_one(const char *path, const cst_policy *policy, time_t now,
                     cst_report *report, cst_mode *worst)
{
    const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
    const cst_object *obj;
    cst_doc *doc = NULL;
    cst_findings f = {NULL, 0, 0};
    cst_error err = {0, ""};
    char *data = NULL;
    size_t len = 0, i, n_meetings = 0;
    cst_status st;
    int e, rc = 0;

    e = cli_read_all(path, CST_MAX_OBJECT_BYTES, &data, &len);
    if (e != 0) {
        if (e == EFBIG)
            fprintf(stderr, _("%s: %s: larger than %u bytes\n"), cli_progname,
                    name, CST_MAX_OBJECT_BYTES);
        else
            fprintf(stderr, "%s: %s: %s\n", cli_progname, name, strerror(e));
        return EXIT_USAGE;
    }
    st = cst_doc_parse(data, len, policy, &doc, &err);
    if (st != CST_OK) {
        print_input_error(name, st, &err);
        rc = EXIT_USAGE;
        goto done;
    }
    obj = cst_doc_object(doc);
    st = cst_doc_check(doc, now, &f);
    if (st == CST_ERR_TOO_LARGE) {
        fprintf(stderr, "%s: %s: %s\n", cli_progname, name,
                CST_RECUR_BUDGET_MSG);
        rc = EXIT_USAGE;
        goto done;
    }
    if (st != CST_OK) {
        fprintf(stderr, "%s: %s: %s\n", cli_progname, name, cst_status_str(st));
        rc = EXIT_USAGE;
        goto done;
    }
    for (i = 0; i < cst_object_n_events(obj); i++) {
        if (cst_object_event(obj, i)->is_meeting)
            n_meetings++;
    }
    cst_report_add(report, name, n_meetings, &f);
    if (cst_findings_worst(&f) > *worst)
        *worst = cst_findings_worst(&f);
done:
    cst_findings_fini(&f);
    cst_doc_free(&doc);
    free(data);
    return rc;
}

static int cmd_check(int argc, char **argv)
{
    static const struct option opts[] = {
        {"now", required_argument, NULL, 'n'},
        {"policy", required_argument, NULL, 'p'},
        {"format", required_argument, NULL, 'f'},
        {"lang", required_argument, NULL, 'l'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *policy_path = NULL, *lang_arg = NULL;
    cst_report *report = NULL;
    cst_mode worst = CST_MODE_OFF;
    cst_policy policy;
    cst_lang lang;
    time_t now = time(NULL);
    int c, json = 0, rc = 0, i;

    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'n':
            if (!cli_now_option(optarg, &now))
                return EXIT_USAGE;
            break;
        case 'p':
            policy_path = optarg;
            break;
        case 'f':
            if (strcmp(optarg, "json") == 0) {
                json = 1;
            } else if (strcmp(optarg, "text") == 0) {
                json = 0;
            } else {
                fprintf(stderr, _("%s: --format: '%s' is neither text nor "
                                  "json\n"), cli_progname, optarg);
                return EXIT_USAGE;
            }
            break;
        case 'l':
            lang_arg = optarg;
            if (!cli_parse_lang(optarg, &lang)) {
                fprintf(stderr, _("%s: --lang: '%s' is neither en nor "
                                  "zh_CN\n"), cli_progname, optarg);
                return EXIT_USAGE;
            }
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            try_help();
            return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, _("%s: check: no FILE given\n"), cli_progname);
        try_help();
        return EXIT_USAGE;
    }
    rc = cli_load_policy(policy_path, &policy);
    if (rc != 0)
        return rc;
    if (lang_arg == NULL)
        lang = policy.language_set ? policy.language
               : cli_env_is_chinese()  ? CST_LANG_ZH_CN
                                   : CST_LANG_EN;
    cli_set_language(lang);
    report = cst_report_new(json);
    if (report == NULL) {
        fprintf(stderr, "%s: %s\n", cli_progname, strerror(ENOMEM));
        return EXIT_USAGE;
    }
    for (i = optind; i < argc; i++) {
        if (check_one(argv[i], &policy, now, report, &worst) != 0)
            rc = EXIT_USAGE;
    }
    cst_report_finish(&report, stdout);
    if (fflush(stdout) != 0) {
        fprintf(stderr, "%s: %s\n", cli_progname, strerror(errno));
        return EXIT_USAGE;
    }
    if (rc != 0)
        return rc;
    return worst >= CST_MODE_WARNING ? EXIT_FINDINGS : 0;
}

/* ---- process -------------------------------------------------------- */

const char *cli_translate(const char *msgid, void *ctx)
{
    (void)ctx;
    return gettext(msgid);
}

static int cmd_process(int argc, char **argv, int tasks)
{
    static const struct option opts[] = {
        {"now", required_argument, NULL, 'n'},
        {"policy", required_argument, NULL, 'p'},
        {"previous", required_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *policy_path = NULL, *prev_path = NULL, *name;
    char *data = NULL, *prev = NULL, *out = NULL;
    size_t len = 0, prev_len = 0, out_len = 0;
    cst_error err = {0, ""}, perr;
    cst_process_in in;
    cst_policy policy;
    cst_doc *doc = NULL, *prev_doc = NULL;
    cst_status st;
    time_t now = time(NULL);
    int c, e, rc = 0;

    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'n':
            if (!cli_now_option(optarg, &now))
                return EXIT_USAGE;
            break;
        case 'p':
            policy_path = optarg;
            break;
        case 'r':
            prev_path = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            try_help();
            return EXIT_USAGE;
        }
    }
    if (optind + 1 != argc) {
        fprintf(stderr, _("%s: %s: give exactly one FILE\n"), cli_progname,
                tasks ? "tasks" : "process");
        try_help();
        return EXIT_USAGE;
    }
    rc = cli_load_policy(policy_path, &policy);
    if (rc != 0)
        return rc;
    /* what calsteward writes into the event speaks the policy's language */
    cli_set_language(policy.language);
    name = strcmp(argv[optind], "-") == 0 ? "<stdin>" : argv[optind];
    e = cli_read_all(argv[optind], CST_MAX_OBJECT_BYTES, &data, &len);
    if (e == 0 && prev_path != NULL)
        e = cli_read_all(prev_path, CST_MAX_OBJECT_BYTES, &prev, &prev_len);
    if (e != 0) {
        fprintf(stderr, "%s: %s: %s\n", cli_progname,
                prev && prev_path ? prev_path : name,
                e == EFBIG ? _("file too large") : strerror(e));
        rc = EXIT_USAGE;
        goto done;
    }
    /* one parse of each input */
    st = cst_doc_parse(data, len, &policy, &doc, &err);
    if (st != CST_OK)
        goto print;
    if (tasks) {
        cst_tasks_in tin;
        cst_task_list list = {NULL, 0, 0};

        memset(&tin, 0, sizeof(tin));
        tin.policy = &policy;
        tin.now = now;
        tin.tr = cli_translate;
        st = cst_doc_tasks(doc, &tin, &list, &err);
        cst_doc_free(&doc); /* it points into data */
        if (st == CST_OK) {
            free(data);
            data = cst_task_list_calendar(&list, &len);
            if (data == NULL)
                st = CST_ERR_NOMEM;
        }
        cst_task_list_fini(&list);
        goto print;
    }
    if (prev != NULL
        && cst_doc_parse(prev, prev_len, &policy, &prev_doc, &perr) != CST_OK)
        prev_doc = NULL; /* a bad stored copy only loses the carry-over */
    memset(&in, 0, sizeof(in));
    in.policy = &policy;
    in.now = now;
    in.tr = cli_translate;
    st = cst_doc_process(doc, prev_doc, &in, &out, &out_len, &err);
print:
    if (st != CST_OK) {
        print_input_error(name, st, &err);
        rc = EXIT_USAGE;
        goto done;
    }
    if (out != NULL)
        fwrite(out, 1, out_len, stdout);
    else
        fwrite(data, 1, len, stdout);
    if (fflush(stdout) != 0) {
        fprintf(stderr, "%s: %s\n", cli_progname, strerror(errno));
        rc = EXIT_USAGE;
    }
done:
    cst_doc_free(&prev_doc);
    cst_doc_free(&doc);
    free(out);
    free(prev);
    free(data);
    return rc;
}

/*
 * Where the message catalogs are: $CALSTEWARD_LOCALEDIR, else the
 * installed ones, else -- for a build that was not installed -- the
 * locale/ folder of the build tree beside cli/.
 */
static const char *locale_dir(char *buf, size_t n)
{
    const char *dir = getenv("CALSTEWARD_LOCALEDIR");
    char exe[4096];
    ssize_t len;
    char *slash;

    if (dir != NULL && *dir != '\0')
        return dir;
    snprintf(buf, n, "%s/zh_CN/LC_MESSAGES/%s.mo", LOCALEDIR, PACKAGE);
    if (access(buf, R_OK) == 0)
        return LOCALEDIR;
    len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (len > 0) {
        exe[len] = '\0';
        slash = strrchr(exe, '/');
        if (slash != NULL) {
            *slash = '\0';
            snprintf(buf, n, "%s/../locale", exe);
            if (access(buf, R_OK | X_OK) == 0)
                return buf;
        }
    }
    return LOCALEDIR;
}

int main(int argc, char **argv)
{
    char dirbuf[4200];

    setlocale(LC_ALL, "");
    bindtextdomain(PACKAGE, locale_dir(dirbuf, sizeof(dirbuf)));
    bind_textdomain_codeset(PACKAGE, "UTF-8");
    textdomain(PACKAGE);
    icalerror_set_errors_are_fatal(0);

    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
        printf("%s %s\n", PACKAGE, VERSION);
        return 0;
    }
    if (strcmp(argv[1], "check") == 0)
        return cmd_check(argc - 1, argv + 1);
    if (strcmp(argv[1], "process") == 0)
        return cmd_process(argc - 1, argv + 1, 0);
    if (strcmp(argv[1], "tasks") == 0)
        return cmd_process(argc - 1, argv + 1, 1);
    if (strcmp(argv[1], "sweep") == 0)
        return cli_cmd_sweep(argc - 1, argv + 1);
    if (strcmp(argv[1], "report") == 0)
        return cli_cmd_report(argc - 1, argv + 1);
    fprintf(stderr, _("%s: unknown command '%s'\n"), cli_progname, argv[1]);
    try_help();
    return EXIT_USAGE;
}
