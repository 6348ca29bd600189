/*
 * sweepconf.c -- the configuration of `calsteward sweep` and its secret
 * files (spec section 7, calsteward.conf(5)).
 *
 * inih parses the file through ini_parse_stream() with a reader of our
 * own.  inih calls the reader for one line, then the handler for the key
 * on that line, then the reader again; so the reader knows the line of
 * every key (Debian's libinih is built without INI_HANDLER_LINENO).  The
 * reader also finds what inih would misread or not report: lines longer
 * than inih's 200-byte buffer (it would split them), NUL bytes, invalid
 * UTF-8, and the section headers themselves (inih only reports a section
 * through its keys, so an [account] without keys would go unseen).  It
 * stops at the first error; inih then returns the line of any earlier
 * one of its own (a line that is no INI).
 *
 * URLs are checked and resolved with cst_dav_url_resolve() (curl's URL
 * API behind caldav.h: curl.h stays in caldav/).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <ini.h>
#include <libical/ical.h>

#include "caldav/caldav.h"
#include "cli/i18n.h"
#include "cli/sweepconf.h"
#include "core/text.h"

#define MAX_LINE 198u   /* inih reads 199 bytes of a line with its '\n' */
#define VALUE_SHOWN 48u /* bytes of a bad value quoted in messages */
#define DEFAULT_TIMEOUT_S 30
#define DEFAULT_BACK_DAYS 14
#define DEFAULT_AHEAD_DAYS 30

/* ---- keys --------------------------------------------------------------- */

typedef enum section_id { S_NONE, S_ACCOUNT, S_STATE, S_SWEEP } section_id;

typedef enum key_id {
    K_URL,
    K_USER,
    K_PASSWORD_FILE,
    K_TOKEN_FILE,
    K_CALENDARS,
    K_TASKS,
    K_OWNER_TASKS,
    K_POLICY,
    K_ORGANIZER,
    K_CA_FILE,
    K_TIMEOUT,
    K_DIR,
    K_BACK,
    K_AHEAD,
    K_TZ,
    K_DIGEST,
    K__COUNT
} key_id;

static const struct {
    section_id section;
    const char *name;
} keys[K__COUNT] = {
    {S_ACCOUNT, "url"},
    {S_ACCOUNT, "user"},
    {S_ACCOUNT, "password-file"},
    {S_ACCOUNT, "token-file"},
    {S_ACCOUNT, "calendars"},
    {S_ACCOUNT, "tasks"},
    {S_ACCOUNT, "owner-tasks"},
    {S_ACCOUNT, "policy"},
    {S_ACCOUNT, "organizer"},
    {S_ACCOUNT, "ca-file"},
    {S_ACCOUNT, "timeout"},
    {S_STATE, "dir"},
    {S_SWEEP, "window-back-days"},
    {S_SWEEP, "window-ahead-days"},
    {S_SWEEP, "time-zone"},
    {S_SWEEP, "digest"},
};

/* What the parse knows beside the result: the line each key was set on
 * (0 = not set), per account and for [state] / [sweep]. */
typedef struct acc_lines {
    unsigned key[K__COUNT];
    unsigned *cal;     /* line of each calendars entry */
    unsigned discover; /* line of "calendars = discover" */
} acc_lines;

typedef enum line_kind { L_BLANK, L_SECTION, L_KEY, L_CONT, L_OTHER } line_kind;

typedef struct ctx {
    cst_sweep_conf *c;
    const char *path;
    FILE *f;
    char *conf_dir;       /* folder of the file, for relative paths */
    const char *cred_dir; /* $CREDENTIALS_DIRECTORY or NULL */
    unsigned lineno;      /* of the line last given to inih */
    size_t bytes;         /* read so far */
    line_kind kind;       /* of that line */
    int have_name;        /* a key since the last section (inih's prev_name) */
    section_id section;
    acc_lines *lines; /* parallel to c->acc */
    size_t cap_acc;
    unsigned global[K__COUNT];
    int failed;
    cst_status st;
    cst_error err;
} ctx;

/* ---- messages ----------------------------------------------------------- */

/* Records the first error: "FILE:LINE: KEY: what" (no LINE when 0). */
#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
static void
fail(ctx *x, cst_status st, unsigned line, const char *key, const char *fmt,
     ...)
{
    char what[200];
    va_list ap;

    if (x->failed)
        return;
    x->failed = 1;
    x->st = st;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    if (line > 0 && key != NULL)
        cst_error_set(&x->err, (int)line, "%s:%u: %s: %s", x->path, line, key,
                      what);
    else if (line > 0)
        cst_error_set(&x->err, (int)line, "%s:%u: %s", x->path, line, what);
    else
        cst_error_set(&x->err, 0, "%s: %s", x->path, what);
}

/* Copies v into buf for a message: at most VALUE_SHOWN bytes, cut at a
 * character boundary, with the user:password of a URL hidden. */
static const char *shown(const char *v, char *buf, size_t n)
{
    const char *scheme = strstr(v, "://"), *at = NULL, *q;
    char tmp[VALUE_SHOWN * 2 + 8];
    size_t len, cut = 0, k;
    uint32_t cp;

    if (scheme != NULL) {
        for (q = scheme + 3; *q != '\0' && *q != '/' && *q != '?' && *q != '#';
             q++) {
            if (*q == '@')
                at = q;
        }
    }
    if (at != NULL) { /* the scheme, "***", then "@host..." */
        snprintf(
            tmp, sizeof(tmp), "%.*s***%.*s",
            (int)(scheme + 3 - v > VALUE_SHOWN ? VALUE_SHOWN : scheme + 3 - v),
            v, (int)VALUE_SHOWN, at);
        v = tmp;
    }
    len = strlen(v);
    while (cut < len) {
        k = cst_utf8_decode(v + cut, len - cut, &cp);
        if (k == 0 || cut + k > n - 4 || cut + k > VALUE_SHOWN)
            break;
        cut += k;
    }
    memcpy(buf, v, cut);
    if (cut < len)
        memcpy(buf + cut, "...", 4);
    else
        buf[cut] = '\0';
    return buf;
}

/* ---- small helpers ------------------------------------------------------ */

static int is_blank(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\v' || ch == '\f';
}

/* Where an inline comment (';' or '#' after a blank) starts, or e. */
static const char *inline_comment(const char *s, const char *e)
{
    int was_space = 0;

    for (; s < e; s++) {
        if (was_space && (*s == ';' || *s == '#'))
            return s;
        was_space = is_blank(*s);
    }
    return e;
}

static char *join_path(const char *dir, const char *name)
{
    size_t dl, nl;
    char *p;

    if (name[0] == '/' || dir == NULL || dir[0] == '\0')
        return strdup(name);
    dl = strlen(dir);
    nl = strlen(name);
    p = malloc(dl + nl + 2);
    if (p == NULL)
        return NULL;
    memcpy(p, dir, dl);
    p[dl] = '/';
    memcpy(p + dl + 1, name, nl + 1);
    return p;
}

/* "dir" of "dir/file"; "." for "file"; "/" for "/file". */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');

    if (slash == NULL)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    return cst_strndup(path, (size_t)(slash - path));
}

static int parse_num(const char *s, int min, int max, int *out)
{
    long v = 0;
    size_t i, len = strlen(s);

    if (len == 0 || len > 9)
        return 0;
    for (i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    if (v < min || v > max)
        return 0;
    *out = (int)v;
    return 1;
}

/* An Olson name: letters, digits, '_', '-', '+' and '/' between parts,
 * no "..", no leading '/', known to libical (or "UTC"). */
static int tz_known(const char *name, size_t len)
{
    char buf[64];
    size_t i;

    if (len == 0 || len >= sizeof(buf) || name[0] == '/' ||
        name[len - 1] == '/')
        return 0;
    for (i = 0; i < len; i++) {
        char ch = name[i];

        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
              (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' || ch == '+' ||
              ch == '/'))
            return 0;
        if (ch == '/' && name[i - 1] == '/')
            return 0;
    }
    memcpy(buf, name, len);
    buf[len] = '\0';
    if (strcmp(buf, "UTC") == 0)
        return 1;
    return icaltimezone_get_builtin_timezone(buf) != NULL;
}

/* The local time zone when the file names none: $TZ (":Area/City", or a
 * path under zoneinfo/), /etc/timezone, the link /etc/localtime, "UTC". */
static char *default_tz(void)
{
    const char *tz = getenv("TZ"), *z;
    char buf[256];
    ssize_t n;
    FILE *f;

    if (tz != NULL && *tz != '\0') {
        if (*tz == ':')
            tz++;
        z = strstr(tz, "zoneinfo/");
        if (z != NULL && tz[0] == '/')
            tz = z + strlen("zoneinfo/");
        if (tz_known(tz, strlen(tz)))
            return strdup(tz);
    }
    f = fopen("/etc/timezone", "r");
    if (f != NULL) {
        if (fgets(buf, sizeof(buf), f) != NULL) {
            size_t len;
            const char *t = cst_trim(buf, strlen(buf), &len);

            if (tz_known(t, len)) {
                fclose(f);
                return cst_strndup(t, len);
            }
        }
        fclose(f);
    }
    n = readlink("/etc/localtime", buf, sizeof(buf) - 1);
    if (n > 0) {
        buf[n] = '\0';
        z = strstr(buf, "zoneinfo/");
        if (z != NULL) {
            z += strlen("zoneinfo/");
            if (tz_known(z, strlen(z)))
                return strdup(z);
        }
    }
    return strdup("UTC");
}

/* Swaps the placeholders {user} / {addr} of an owner-tasks template for
 * plain words that survive URL parsing (to_words 1), or back (0). */
static char *template_words(const char *t, int to_words)
{
    static const char *const ph[2][2] = {{"{user}", "CSTxUSERx"},
                                         {"{addr}", "CSTxADDRx"}};
    char *out = strdup(t);
    size_t k;

    for (k = 0; k < 2 && out != NULL; k++) {
        const char *from = ph[k][to_words ? 0 : 1];
        const char *to = ph[k][to_words ? 1 : 0];
        char *at;

        while (out != NULL && (at = strstr(out, from)) != NULL) {
            size_t head = (size_t)(at - out);
            char *n = malloc(strlen(out) - strlen(from) + strlen(to) + 1);

            if (n != NULL) {
                memcpy(n, out, head);
                strcpy(n + head, to);
                strcat(n, at + strlen(from));
            }
            free(out);
            out = n;
        }
    }
    return out;
}

/* Resolves href against base; http and https only, no user:password in
 * it.  Errors show "as", what the file says.  Returns CST_OK with *out set
 * (caller frees), or fails x. */
static cst_status check_url(ctx *x, const char *base, const char *href,
                            const char *as, unsigned line, const char *key,
                            char **out)
{
    cst_error e = {0, ""};
    cst_status st;
    char *u = NULL, v[VALUE_SHOWN + 8];
    const char *p;

    *out = NULL;
    /* blanks, quotes, a stray "[section]": curl might take some of them */
    for (p = href; *p != '\0'; p++) {
        if (is_blank(*p) || *p == '"' || href[0] == '[') {
            fail(x, CST_ERR_INVALID, line, key, _("\"%s\" is no URL"),
                 shown(as, v, sizeof(v)));
            return CST_ERR_INVALID;
        }
    }
    st = cst_dav_url_resolve(base, href, &u, &e);
    if (st == CST_ERR_NOMEM) {
        fail(x, st, line, key, "%s", _("out of memory"));
        return st;
    }
    if (st != CST_OK) {
        fail(x, CST_ERR_INVALID, line, key, _("\"%s\" is no URL"),
             shown(as, v, sizeof(v)));
        return CST_ERR_INVALID;
    }
    if (strncmp(u, "http://", 7) != 0 && strncmp(u, "https://", 8) != 0) {
        fail(x, CST_ERR_INVALID, line, key,
             _("\"%s\" is not an http or https URL"),
             shown(as, v, sizeof(v)));
        free(u);
        return CST_ERR_INVALID;
    }
    for (p = strstr(u, "://") + 3; *p != '\0' && *p != '/'; p++) {
        if (*p == '@') {
            fail(x, CST_ERR_INVALID, line, key, "%s",
                 _("no user name or password in the URL: use user and "
                   "password-file"));
            free(u);
            return CST_ERR_INVALID;
        }
    }
    *out = u;
    return CST_OK;
}

/* The account's credentials go to the origin of its url only.  The client
 * refuses any other when a run gets there, once per run; a file that names
 * one is refused here instead, once.  u is the resolved URL, as what the
 * file says.  Returns CST_OK, or fails x. */
static cst_status check_origin(ctx *x, const char *base, const char *u,
                               const char *as, unsigned line, const char *key)
{
    char v[VALUE_SHOWN + 8];

    if (cst_dav_same_origin(base, u))
        return CST_OK;
    fail(x, CST_ERR_INVALID, line, key,
         _("\"%s\" is on another server than url: the account's "
           "credentials go to its own scheme, host and port only"),
         shown(as, v, sizeof(v)));
    return CST_ERR_INVALID;
}

/* ---- accounts ----------------------------------------------------------- */

static int valid_name(const char *s, size_t len)
{
    size_t i;

    if (len == 0 || len > CST_SWEEP_MAX_NAME || s[0] == '.' || s[0] == '-')
        return 0;
    for (i = 0; i < len; i++) {
        char ch = s[i];

        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
              (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' || ch == '.' ||
              ch == '@'))
            return 0;
    }
    return 1;
}

static cst_sweep_account *cur_acc(ctx *x)
{
    return &x->c->acc[x->c->n_acc - 1];
}

/* Checks the account just ended and resolves its URLs. */
static void finish_account(ctx *x)
{
    cst_sweep_account *a = cur_acc(x);
    acc_lines *l = &x->lines[x->c->n_acc - 1];
    char *u = NULL;
    size_t i;

    if (a->url == NULL) {
        fail(x, CST_ERR_INVALID, a->line, "url", _("missing in [account %s]"),
             a->name);
        return;
    }
    if (check_url(x, a->url, a->url, a->url, l->key[K_URL], "url", &u) !=
        CST_OK)
        return;
    free(a->url);
    a->url = u;
    if (l->key[K_CALENDARS] != 0 && l->discover == 0 && a->n_calendars == 0) {
        fail(x, CST_ERR_INVALID, l->key[K_CALENDARS], "calendars", "%s",
             _("empty: discover or a comma-separated list of URLs"));
        return;
    }
    if (a->password_file != NULL && a->token_file != NULL) {
        int tok_later = l->key[K_TOKEN_FILE] > l->key[K_PASSWORD_FILE];

        fail(x, CST_ERR_INVALID,
             tok_later ? l->key[K_TOKEN_FILE] : l->key[K_PASSWORD_FILE],
             tok_later ? "token-file" : "password-file",
             _("%s is set too (line %u): give one of password-file and "
               "token-file"),
             tok_later ? "password-file" : "token-file",
             tok_later ? l->key[K_PASSWORD_FILE] : l->key[K_TOKEN_FILE]);
        return;
    }
    if (a->password_file != NULL && a->user == NULL) {
        fail(x, CST_ERR_INVALID, l->key[K_PASSWORD_FILE], "password-file", "%s",
             _("needs user"));
        return;
    }
    if (a->organizer_self && a->user == NULL) {
        fail(x, CST_ERR_INVALID, l->key[K_ORGANIZER], "organizer", "%s",
             _("self needs user"));
        return;
    }
    for (i = 0; i < a->n_calendars; i++) {
        if (check_url(x, a->url, a->calendars[i], a->calendars[i], l->cal[i],
                      "calendars", &u) != CST_OK)
            return;
        if (check_origin(x, a->url, u, a->calendars[i], l->cal[i],
                         "calendars") != CST_OK) {
            free(u);
            return;
        }
        free(a->calendars[i]);
        a->calendars[i] = u;
    }
    if (a->tasks != NULL) {
        if (check_url(x, a->url, a->tasks, a->tasks, l->key[K_TASKS], "tasks",
                      &u) != CST_OK)
            return;
        if (check_origin(x, a->url, u, a->tasks, l->key[K_TASKS], "tasks") !=
            CST_OK) {
            free(u);
            return;
        }
        free(a->tasks);
        a->tasks = u;
    }
    if (a->owner_tasks != NULL) {
        char *t;

        if (strstr(a->owner_tasks, "{user}") == NULL &&
            strstr(a->owner_tasks, "{addr}") == NULL) {
            fail(x, CST_ERR_INVALID, l->key[K_OWNER_TASKS], "owner-tasks", "%s",
                 _("needs {user} or {addr} in it"));
            return;
        }
        /* checked and resolved with the placeholders as plain words */
        t = template_words(a->owner_tasks, 1);
        if (t == NULL) {
            fail(x, CST_ERR_NOMEM, l->key[K_OWNER_TASKS], "owner-tasks", "%s",
                 _("out of memory"));
            return;
        }
        if (check_url(x, a->url, t, a->owner_tasks, l->key[K_OWNER_TASKS],
                      "owner-tasks", &u) != CST_OK) {
            free(t);
            return;
        }
        free(t);
        t = template_words(u, 0);
        if (t == NULL) {
            free(u);
            fail(x, CST_ERR_NOMEM, l->key[K_OWNER_TASKS], "owner-tasks", "%s",
                 _("out of memory"));
            return;
        }
        /* the placeholders must survive resolution ("{user}/.." does
         * not) and sit in the path: a value is then one segment under
         * the part before them, which the sweep checks for every URL */
        {
            const char *path = strchr(strstr(t, "://") + 3, '/');
            const char *pu = strstr(t, "{user}"), *pa = strstr(t, "{addr}");

            if (pu == NULL && pa == NULL) {
                free(t);
                free(u);
                fail(x, CST_ERR_INVALID, l->key[K_OWNER_TASKS], "owner-tasks",
                     "%s",
                     _("a \"..\" after {user} or {addr} takes it out of "
                       "the URL"));
                return;
            }
            if (path == NULL || (pu != NULL && pu < path) ||
                (pa != NULL && pa < path)) {
                free(t);
                free(u);
                fail(x, CST_ERR_INVALID, l->key[K_OWNER_TASKS], "owner-tasks",
                     "%s",
                     _("{user} and {addr} go in the path of the URL, "
                       "not before it"));
                return;
            }
        }
        /* u has the placeholders as words, which the URL parser takes */
        if (check_origin(x, a->url, u, a->owner_tasks, l->key[K_OWNER_TASKS],
                         "owner-tasks") != CST_OK) {
            free(t);
            free(u);
            return;
        }
        free(u);
        free(a->owner_tasks);
        a->owner_tasks = t;
    }
}

/* A section header: s..e is the text between '[' and ']'. */
static void begin_section(ctx *x, const char *s, const char *e)
{
    cst_sweep_conf *c = x->c;
    size_t len, nl, i;
    const char *t = cst_trim(s, (size_t)(e - s), &len), *name;
    char v[VALUE_SHOWN + 8], *raw;

    if (x->section == S_ACCOUNT)
        finish_account(x);
    if (x->failed)
        return;
    x->section = S_NONE;
    if (cst_eq_ci(t, len, "state")) {
        x->section = S_STATE;
        return;
    }
    if (cst_eq_ci(t, len, "sweep")) {
        x->section = S_SWEEP;
        return;
    }
    if (!(len > 7 && cst_prefix_ci(t, len, "account") && is_blank(t[7]))) {
        raw = cst_strndup(t, len);
        if (raw == NULL) {
            fail(x, CST_ERR_NOMEM, x->lineno, NULL, "%s", _("out of memory"));
            return;
        }
        fail(x, CST_ERR_INVALID, x->lineno, NULL,
             _("[%s]: unknown section ([account NAME], [state], [sweep])"),
             shown(raw, v, sizeof(v)));
        free(raw);
        return;
    }
    name = cst_trim(t + 7, len - 7, &nl);
    raw = cst_strndup(name, nl);
    if (raw == NULL) {
        fail(x, CST_ERR_NOMEM, x->lineno, NULL, "%s", _("out of memory"));
        return;
    }
    if (!valid_name(name, nl)) {
        fail(x, CST_ERR_INVALID, x->lineno, NULL,
             _("[account %s]: a name is 1 to %u letters, digits and . _ - @"),
             shown(raw, v, sizeof(v)), CST_SWEEP_MAX_NAME);
        free(raw);
        return;
    }
    for (i = 0; i < c->n_acc; i++) {
        if (strcmp(c->acc[i].name, raw) == 0) {
            fail(x, CST_ERR_INVALID, x->lineno, NULL,
                 _("[account %s]: this account is named on line %u too"), raw,
                 c->acc[i].line);
            free(raw);
            return;
        }
    }
    if (c->n_acc >= CST_SWEEP_MAX_ACCOUNTS) {
        fail(x, CST_ERR_TOO_LARGE, x->lineno, NULL, _("more than %u accounts"),
             CST_SWEEP_MAX_ACCOUNTS);
        free(raw);
        return;
    }
    if (c->n_acc == x->cap_acc) {
        size_t cap = x->cap_acc ? x->cap_acc * 2 : 4;
        cst_sweep_account *na = realloc(c->acc, cap * sizeof(*na));
        acc_lines *nl2;

        if (na == NULL) {
            free(raw);
            fail(x, CST_ERR_NOMEM, x->lineno, NULL, "%s", _("out of memory"));
            return;
        }
        c->acc = na;
        nl2 = realloc(x->lines, cap * sizeof(*nl2));
        if (nl2 == NULL) {
            free(raw);
            fail(x, CST_ERR_NOMEM, x->lineno, NULL, "%s", _("out of memory"));
            return;
        }
        x->lines = nl2;
        x->cap_acc = cap;
    }
    memset(&c->acc[c->n_acc], 0, sizeof(c->acc[0]));
    memset(&x->lines[c->n_acc], 0, sizeof(x->lines[0]));
    c->acc[c->n_acc].name = raw;
    c->acc[c->n_acc].discover = 1;
    c->acc[c->n_acc].timeout_ms = DEFAULT_TIMEOUT_S * 1000L;
    c->acc[c->n_acc].line = x->lineno;
    c->n_acc++;
    x->section = S_ACCOUNT;
}

/* ---- the reader inih calls ---------------------------------------------- */

/* Reads one line (up to MAX_LINE bytes without its end) into buf.
 * Returns its length, -1 at the end of the file, -2 when longer. */
static long read_line(ctx *x, char *buf)
{
    long n = 0;
    int ch;

    for (;;) {
        ch = getc(x->f);
        if (ch == EOF) {
            if (ferror(x->f))
                return -3;
            return n == 0 ? -1 : n;
        }
        x->bytes++;
        if (ch == '\n')
            break;
        if (n > (long)MAX_LINE)
            return -2;
        buf[n++] = (char)ch;
    }
    if (n > 0 && buf[n - 1] == '\r')
        n--;
    return n > (long)MAX_LINE ? -2 : n;
}

static char *reader(char *str, int num, void *stream)
{
    ctx *x = stream;
    char buf[MAX_LINE + 2];
    const char *p, *e, *close;
    long n;
    int e_no;

    if (x->failed)
        return NULL;
    if (num < (int)MAX_LINE + 2) { /* an inih built with shorter lines */
        fail(x, CST_ERR_PARSE, 0, NULL, "inih reads lines of %d bytes only",
             num);
        return NULL;
    }
    errno = 0;
    n = read_line(x, buf);
    if (n == -1)
        return NULL;
    x->lineno++;
    if (n == -3) {
        e_no = errno ? errno : EIO;
        fail(x, CST_ERR_IO, 0, NULL, "%s", strerror(e_no));
        return NULL;
    }
    if (x->bytes > CST_SWEEP_MAX_CONF_BYTES) {
        fail(x, CST_ERR_TOO_LARGE, 0, NULL, _("larger than %u bytes"),
             CST_SWEEP_MAX_CONF_BYTES);
        return NULL;
    }
    if (n == -2) {
        fail(x, CST_ERR_PARSE, x->lineno, NULL,
             _("line longer than %u bytes (continue a long calendars list "
               "on indented lines)"),
             MAX_LINE);
        return NULL;
    }
    if (memchr(buf, '\0', (size_t)n) != NULL) {
        fail(x, CST_ERR_PARSE, x->lineno, NULL, "%s", _("NUL byte"));
        return NULL;
    }
    if (!cst_utf8_valid(buf, (size_t)n)) {
        fail(x, CST_ERR_PARSE, x->lineno, NULL, "%s", _("not valid UTF-8"));
        return NULL;
    }

    /* classify the line as inih will */
    p = buf;
    e = buf + n;
    if (x->lineno == 1 && n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
        p += 3;
    {
        const char *q = p;

        while (q < e && is_blank(*q))
            q++;
        if (q == e || *q == ';' || *q == '#') {
            x->kind = L_BLANK;
        } else if (q > buf && x->have_name) {
            x->kind = L_CONT;
        } else if (*q == '[') {
            x->have_name = 0;
            close = memchr(q, ']', (size_t)(inline_comment(q, e) - q));
            x->kind = close ? L_SECTION : L_OTHER;
            if (close != NULL)
                begin_section(x, q + 1, close);
            if (x->failed)
                return NULL;
        } else {
            const char *c = q, *ce = inline_comment(q, e);

            while (c < ce && *c != '=' && *c != ':')
                c++;
            x->kind = c < ce ? L_KEY : L_OTHER;
            if (x->kind == L_KEY)
                x->have_name = 1;
        }
    }
    memcpy(str, buf, (size_t)n);
    str[n] = '\n';
    str[n + 1] = '\0';
    return str;
}

/* ---- the handler inih calls --------------------------------------------- */

/* Appends the comma-separated entries of v to a's calendars. */
static int add_calendars(ctx *x, cst_sweep_account *a, acc_lines *l, char *v)
{
    char *s = v, *comma, **nv;
    const char *t;
    unsigned *nlines;
    size_t tl;

    for (;;) {
        comma = strchr(s, ',');
        t = cst_trim(s, comma ? (size_t)(comma - s) : strlen(s), &tl);
        if (tl > 0 && cst_eq_ci(t, tl, "discover")) {
            if (a->n_calendars > 0 || l->discover != 0) {
                fail(x, CST_ERR_INVALID, x->lineno, "calendars", "%s",
                     _("discover stands alone, without URLs"));
                return 0;
            }
            l->discover = x->lineno;
            a->discover = 1;
        } else if (tl > 0) {
            if (l->discover != 0) {
                fail(x, CST_ERR_INVALID, x->lineno, "calendars", "%s",
                     _("discover stands alone, without URLs"));
                return 0;
            }
            if (a->n_calendars >= CST_SWEEP_MAX_CALENDARS) {
                fail(x, CST_ERR_TOO_LARGE, x->lineno, "calendars",
                     _("more than %u calendars"), CST_SWEEP_MAX_CALENDARS);
                return 0;
            }
            nv = realloc(a->calendars, (a->n_calendars + 1) * sizeof(*nv));
            if (nv == NULL)
                goto nomem;
            a->calendars = nv;
            nlines = realloc(l->cal, (a->n_calendars + 1) * sizeof(*nlines));
            if (nlines == NULL)
                goto nomem;
            l->cal = nlines;
            a->calendars[a->n_calendars] = cst_strndup(t, tl);
            if (a->calendars[a->n_calendars] == NULL)
                goto nomem;
            l->cal[a->n_calendars] = x->lineno;
            a->n_calendars++;
            a->discover = 0;
        }
        if (comma == NULL)
            break;
        s = comma + 1;
    }
    return 1;
nomem:
    fail(x, CST_ERR_NOMEM, x->lineno, "calendars", "%s", _("out of memory"));
    return 0;
}

/* Sets *dst to a copy of v joined to dir when relative. */
static int set_path(ctx *x, char **dst, const char *dir, const char *key,
                    const char *v)
{
    *dst = join_path(dir, v);
    if (*dst == NULL) {
        fail(x, CST_ERR_NOMEM, x->lineno, key, "%s", _("out of memory"));
        return 0;
    }
    return 1;
}

static int set_str(ctx *x, char **dst, const char *key, const char *v)
{
    *dst = strdup(v);
    if (*dst == NULL) {
        fail(x, CST_ERR_NOMEM, x->lineno, key, "%s", _("out of memory"));
        return 0;
    }
    return 1;
}

static int handler(void *user, const char *section, const char *name,
                   const char *value)
{
    ctx *x = user;
    cst_sweep_conf *c = x->c;
    cst_sweep_account *a = NULL;
    acc_lines *l = NULL;
    unsigned *set;
    char buf[MAX_LINE + 2], v[VALUE_SHOWN + 8];
    const char *t, *cut;
    size_t len;
    int k, n;

    (void)section; /* ours: x->section, from the reader */
    if (x->failed)
        return 0;

    /* the value without a '#' comment after a blank (inih cuts ';') */
    len = strlen(value);
    if (len > MAX_LINE)
        len = MAX_LINE;
    memcpy(buf, value, len);
    buf[len] = '\0';
    cut = inline_comment(buf, buf + len);
    if (buf[0] == '#' || buf[0] == ';')
        cut = buf;
    t = cst_trim(buf, (size_t)(cut - buf), &len);
    memmove(buf, t, len);
    buf[len] = '\0';

    for (k = 0; k < K__COUNT; k++) {
        if (keys[k].section == x->section &&
            cst_eq_ci(name, strlen(name), keys[k].name))
            break;
    }
    if (x->section == S_NONE) {
        fail(x, CST_ERR_INVALID, x->lineno, shown(name, v, sizeof(v)), "%s",
             _("key outside a section"));
        return 0;
    }
    if (k == K__COUNT) {
        fail(x, CST_ERR_INVALID, x->lineno, shown(name, v, sizeof(v)), "%s",
             x->section == S_ACCOUNT
                 ? _("unknown key (url, user, password-file, token-file, "
                     "calendars, tasks, owner-tasks, policy, organizer, "
                     "ca-file, timeout)")
             : x->section == S_STATE
                 ? _("unknown key in [state] (dir)")
                 : _("unknown key in [sweep] (window-back-days, "
                     "window-ahead-days, time-zone, digest)"));
        return 0;
    }
    if (x->section == S_ACCOUNT) {
        a = cur_acc(x);
        l = &x->lines[c->n_acc - 1];
        set = l->key;
    } else {
        set = x->global;
    }
    if (x->kind == L_CONT) {
        if (k != K_CALENDARS) {
            fail(x, CST_ERR_INVALID, x->lineno, keys[k].name, "%s",
                 _("indented line: only calendars continues on the next "
                   "line (remove the leading blanks)"));
            return 0;
        }
        return add_calendars(x, a, l, buf);
    }
    if (set[k] != 0) {
        fail(x, CST_ERR_INVALID, x->lineno, keys[k].name,
             _("given twice (first on line %u)"), set[k]);
        return 0;
    }
    set[k] = x->lineno;
    if (len == 0 && k != K_CALENDARS) {
        fail(x, CST_ERR_INVALID, x->lineno, keys[k].name, "%s",
             _("empty value (leave the key out for the default)"));
        return 0;
    }

    switch ((key_id)k) {
    case K_URL:
        return set_str(x, &a->url, "url", buf);
    case K_USER:
        return set_str(x, &a->user, "user", buf);
    case K_PASSWORD_FILE:
        return set_path(x, &a->password_file,
                        x->cred_dir ? x->cred_dir : x->conf_dir,
                        "password-file", buf);
    case K_TOKEN_FILE:
        return set_path(x, &a->token_file,
                        x->cred_dir ? x->cred_dir : x->conf_dir, "token-file",
                        buf);
    case K_CALENDARS:
        /* may be empty here: the list can start on the next line */
        return add_calendars(x, a, l, buf);
    case K_TASKS:
        return set_str(x, &a->tasks, "tasks", buf);
    case K_OWNER_TASKS:
        return set_str(x, &a->owner_tasks, "owner-tasks", buf);
    case K_POLICY:
        return set_path(x, &a->policy, x->conf_dir, "policy", buf);
    case K_CA_FILE:
        return set_path(x, &a->ca_file, x->conf_dir, "ca-file", buf);
    case K_ORGANIZER:
        if (cst_eq_ci(buf, len, "self")) {
            a->organizer_self = 1;
        } else if (cst_eq_ci(buf, len, "any")) {
            a->organizer_self = 0;
        } else {
            fail(x, CST_ERR_INVALID, x->lineno, "organizer",
                 _("\"%s\" is neither self nor any"), shown(buf, v, sizeof(v)));
            return 0;
        }
        return 1;
    case K_TIMEOUT:
        if (!parse_num(buf, 1, 600, &n)) {
            fail(x, CST_ERR_INVALID, x->lineno, "timeout",
                 _("\"%s\" is not a whole number of seconds in 1..600"),
                 shown(buf, v, sizeof(v)));
            return 0;
        }
        a->timeout_ms = n * 1000L;
        return 1;
    case K_DIR:
        return set_path(x, &c->state_dir, x->conf_dir, "dir", buf);
    case K_BACK:
    case K_AHEAD:
        if (!parse_num(buf, 0, 366, &n)) {
            fail(x, CST_ERR_INVALID, x->lineno, keys[k].name,
                 _("\"%s\" is not a whole number of days in 0..366"),
                 shown(buf, v, sizeof(v)));
            return 0;
        }
        if (k == K_BACK)
            c->window_back_days = n;
        else
            c->window_ahead_days = n;
        return 1;
    case K_TZ:
        if (!tz_known(buf, len)) {
            fail(x, CST_ERR_INVALID, x->lineno, "time-zone",
                 _("\"%s\" is no time zone name such as Asia/Shanghai"),
                 shown(buf, v, sizeof(v)));
            return 0;
        }
        return set_str(x, &c->local_tz, "time-zone", buf);
    case K_DIGEST:
        if (cst_eq_ci(buf, len, "weekly")) {
            c->digest = CST_DIGEST_WEEKLY;
        } else if (cst_eq_ci(buf, len, "daily")) {
            c->digest = CST_DIGEST_DAILY;
        } else if (cst_eq_ci(buf, len, "off")) {
            c->digest = CST_DIGEST_OFF;
        } else {
            fail(x, CST_ERR_INVALID, x->lineno, "digest",
                 _("\"%s\" is none of weekly, daily, off"),
                 shown(buf, v, sizeof(v)));
            return 0;
        }
        return 1;
    case K__COUNT:
        break;
    }
    return 1;
}

/* ---- load --------------------------------------------------------------- */

/*
 * Opens the configuration as the secrets are (cst_secret_read()): with
 * O_NONBLOCK, so that a FIFO or a device does not hang the open, then
 * fstat() on the descriptor -- a regular file of at most
 * CST_SWEEP_MAX_CONF_BYTES, or one error line naming the file.  A
 * symbolic link to the file is followed (an administrator's
 * /etc/calsteward/calsteward.conf -> ... is common, and the file holds no
 * secret); what is checked is what is read all the same.
 */
static cst_status open_conf(const char *path, FILE **f, cst_error *err)
{
    struct stat sb;
    int fd, fl;

    *f = NULL;
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        cst_error_set(err, 0, "%s: %s", path, strerror(errno));
        return CST_ERR_IO;
    }
    if (fstat(fd, &sb) != 0) {
        cst_error_set(err, 0, "%s: %s", path, strerror(errno));
        close(fd);
        return CST_ERR_IO;
    }
    if (!S_ISREG(sb.st_mode)) {
        cst_error_set(err, 0, _("%s: not a regular file"), path);
        close(fd);
        return CST_ERR_INVALID;
    }
    if (sb.st_size > (off_t)CST_SWEEP_MAX_CONF_BYTES) {
        cst_error_set(err, 0, _("%s: larger than %u bytes"), path,
                      CST_SWEEP_MAX_CONF_BYTES);
        close(fd);
        return CST_ERR_TOO_LARGE;
    }
    /* a regular file never blocks; reads go on as usual */
    fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    *f = fdopen(fd, "r");
    if (*f == NULL) {
        cst_error_set(err, 0, "%s: %s", path, strerror(errno));
        close(fd);
        return CST_ERR_IO;
    }
    return CST_OK;
}

cst_status cst_sweep_conf_load(const char *path, cst_sweep_conf *c,
                               cst_error *err)
{
    ctx x;
    cst_status st = CST_OK;
    const char *env;
    size_t i;
    int line;

    memset(c, 0, sizeof(*c));
    memset(&x, 0, sizeof(x));
    c->window_back_days = DEFAULT_BACK_DAYS;
    c->window_ahead_days = DEFAULT_AHEAD_DAYS;
    c->digest = CST_DIGEST_WEEKLY;
    x.c = c;
    x.path = path;
    c->path = strdup(path);
    x.conf_dir = dir_of(path);
    if (c->path == NULL || x.conf_dir == NULL) {
        cst_error_set(err, 0, "%s: %s", path, _("out of memory"));
        st = CST_ERR_NOMEM;
        goto done;
    }
    env = getenv("CREDENTIALS_DIRECTORY");
    x.cred_dir = env != NULL && *env != '\0' ? env : NULL;

    st = open_conf(path, &x.f, err);
    if (st != CST_OK)
        goto done;
    line = ini_parse_stream(reader, &x, handler, &x);
    if (line < 0) {
        cst_error_set(err, 0, "%s: %s", path, _("out of memory"));
        st = CST_ERR_NOMEM;
        goto done;
    }
    if (line > 0 && (!x.failed || x.err.line == 0 ||
                     (unsigned)line < (unsigned)x.err.line)) {
        /* inih's own error: a line that is no INI */
        cst_error_set(err, line, "%s:%d: %s", path, line,
                      _("expected [section] or key = value"));
        st = CST_ERR_PARSE;
        goto done;
    }
    if (!x.failed && x.section == S_ACCOUNT)
        finish_account(&x);
    if (x.failed) {
        if (err != NULL)
            *err = x.err;
        st = x.st;
        goto done;
    }
    if (c->n_acc == 0) {
        cst_error_set(err, 0, "%s: %s", path, _("no [account NAME] section"));
        st = CST_ERR_INVALID;
        goto done;
    }

    /* $STATE_DIRECTORY (systemd's StateDirectory=; a ':' list) when the
     * file names no folder */
    if (c->state_dir == NULL) {
        env = getenv("STATE_DIRECTORY");
        if (env != NULL && *env != '\0' && *env != ':') {
            const char *colon = strchr(env, ':');

            c->state_dir =
                colon ? cst_strndup(env, (size_t)(colon - env)) : strdup(env);
        } else {
            c->state_dir = strdup(CST_SWEEP_DEFAULT_STATE_DIR);
        }
    }
    if (c->local_tz == NULL)
        c->local_tz = default_tz();
    if (c->state_dir == NULL || c->local_tz == NULL) {
        cst_error_set(err, 0, "%s: %s", path, _("out of memory"));
        st = CST_ERR_NOMEM;
        goto done;
    }
done:
    if (x.f != NULL)
        fclose(x.f);
    for (i = 0; x.lines != NULL && i < c->n_acc; i++)
        free(x.lines[i].cal);
    free(x.lines);
    free(x.conf_dir);
    return st;
}

void cst_sweep_conf_fini(cst_sweep_conf *c)
{
    size_t i, j;

    if (c == NULL)
        return;
    for (i = 0; i < c->n_acc; i++) {
        cst_sweep_account *a = &c->acc[i];

        free(a->name);
        free(a->url);
        free(a->user);
        free(a->password_file);
        free(a->token_file);
        for (j = 0; j < a->n_calendars; j++)
            free(a->calendars[j]);
        free(a->calendars);
        free(a->tasks);
        free(a->owner_tasks);
        free(a->policy);
        free(a->ca_file);
    }
    free(c->acc);
    free(c->path);
    free(c->state_dir);
    free(c->local_tz);
    memset(c, 0, sizeof(*c));
}

/* ---- secrets ------------------------------------------------------------ */

/*
 * With a POSIX ACL the group bits of st_mode are the ACL's mask, not the
 * group's permissions -- systemd gives a User= service its credentials
 * as mode 0400 plus an ACL entry "user:SERVICE:r", which shows as 0440.
 * Returns 1 when fd has an access ACL that lets no one in but the owner
 * and the user running us, else 0 (no ACL, or one that lets others in).
 * The xattr holds a 4-byte version (2) and 8-byte entries: tag, perm
 * (16 bits each) and id (32 bits), little-endian.
 */
#define XACL_USER 0x02
#define XACL_GROUP_OBJ 0x04
#define XACL_GROUP 0x08
#define XACL_MASK 0x10
#define XACL_OTHER 0x20

static unsigned le(const unsigned char *p, int n)
{
    return n == 2 ? (unsigned)p[0] | (unsigned)p[1] << 8
                  : (unsigned)p[0] | (unsigned)p[1] << 8 |
                        (unsigned)p[2] << 16 | (unsigned)p[3] << 24;
}

static int acl_owner_only(int fd)
{
    unsigned char a[4 + 8 * 64];
    ssize_t n = fgetxattr(fd, "system.posix_acl_access", a, sizeof(a));
    unsigned mask = 7, tag, perm, id;
    ssize_t i;

    if (n < 4 || (n - 4) % 8 != 0 || le(a, 4) != 2)
        return 0;
    for (i = 4; i < n; i += 8) {
        if (le(a + i, 2) == XACL_MASK)
            mask = le(a + i + 2, 2);
    }
    for (i = 4; i < n; i += 8) {
        tag = le(a + i, 2);
        perm = le(a + i + 2, 2);
        id = le(a + i + 4, 4);
        if (tag == XACL_OTHER && perm != 0)
            return 0;
        if ((tag == XACL_GROUP_OBJ || tag == XACL_GROUP) && (perm & mask) != 0)
            return 0;
        if (tag == XACL_USER && (perm & mask) != 0 && id != geteuid())
            return 0;
    }
    return 1;
}

/* As root: 1 when uid is root or the service user (CST_SERVICE_USER,
 * the User= of calsteward-sweep.service, when it exists). */
static int owner_trusted(uid_t uid)
{
    struct passwd *pw;

    if (uid == 0)
        return 1;
    pw = getpwnam(CST_SERVICE_USER);
    return pw != NULL && pw->pw_uid == uid;
}

cst_status cst_secret_read(const char *path, char **secret, cst_error *err)
{
    char buf[CST_SWEEP_MAX_SECRET + 1];
    struct stat sb;
    cst_status st = CST_OK;
    size_t n = 0, len;
    ssize_t got;
    char *nl;
    int fd, e;

    *secret = NULL;
    /* O_NOFOLLOW: a link as the last part is refused (ELOOP); O_NONBLOCK:
     * a FIFO does not hang the open (it is refused below) */
    fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        e = errno;
        if (e == ELOOP) {
            cst_error_set(err, 0,
                          _("%s: is a symbolic link; name the file itself"),
                          path);
            return CST_ERR_INVALID;
        }
        cst_error_set(err, 0, "%s: %s", path, strerror(e));
        return CST_ERR_IO;
    }
    if (fstat(fd, &sb) != 0) {
        cst_error_set(err, 0, "%s: %s", path, strerror(errno));
        st = CST_ERR_IO;
        goto done;
    }
    if (!S_ISREG(sb.st_mode)) {
        cst_error_set(err, 0, _("%s: not a regular file"), path);
        st = CST_ERR_INVALID;
        goto done;
    }
    if (geteuid() == 0 && !owner_trusted(sb.st_uid)) {
        /* root reads any file: one another user may rewrite is theirs
         * to point the sweep where they like */
        struct passwd *pw = getpwuid(sb.st_uid);

        if (pw != NULL)
            cst_error_set(err, 0,
                          _("%s: owned by %s (uid %u), not by root or "
                            "%s; chown root: %s"),
                          path, pw->pw_name, (unsigned)sb.st_uid,
                          CST_SERVICE_USER, path);
        else
            cst_error_set(err, 0,
                          _("%s: owned by uid %u, not by root or %s; "
                            "chown root: %s"),
                          path, (unsigned)sb.st_uid, CST_SERVICE_USER, path);
        st = CST_ERR_INVALID;
        goto done;
    }
    if ((sb.st_mode & 007) != 0 ||
        ((sb.st_mode & 070) != 0 && !acl_owner_only(fd))) {
        cst_error_set(err, 0, _("%s: mode %04o is too open; chmod 600 %s"),
                      path, (unsigned)(sb.st_mode & 07777), path);
        st = CST_ERR_INVALID;
        goto done;
    }
    if (sb.st_size > (off_t)CST_SWEEP_MAX_SECRET) {
        cst_error_set(err, 0, _("%s: larger than %u bytes"), path,
                      CST_SWEEP_MAX_SECRET);
        st = CST_ERR_TOO_LARGE;
        goto done;
    }
    /* read to the end: the size may have changed since fstat() */
    for (;;) {
        got = read(fd, buf + n, sizeof(buf) - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            cst_error_set(err, 0, "%s: %s", path, strerror(errno));
            st = CST_ERR_IO;
            goto done;
        }
        if (got == 0)
            break;
        n += (size_t)got;
        if (n > CST_SWEEP_MAX_SECRET) {
            cst_error_set(err, 0, _("%s: larger than %u bytes"), path,
                          CST_SWEEP_MAX_SECRET);
            st = CST_ERR_TOO_LARGE;
            goto done;
        }
    }
    nl = memchr(buf, '\n', n);
    len = nl ? (size_t)(nl - buf) : n;
    if (len > 0 && buf[len - 1] == '\r')
        len--;
    if (len == 0) {
        cst_error_set(err, 0, _("%s: empty; the secret is the first line"),
                      path);
        st = CST_ERR_INVALID;
        goto done;
    }
    if (memchr(buf, '\0', len) != NULL) {
        cst_error_set(err, 0, _("%s: NUL byte in the first line"), path);
        st = CST_ERR_INVALID;
        goto done;
    }
    *secret = malloc(len + 1);
    if (*secret == NULL) {
        cst_error_set(err, 0, "%s: %s", path, _("out of memory"));
        st = CST_ERR_NOMEM;
        goto done;
    }
    memcpy(*secret, buf, len);
    (*secret)[len] = '\0';
done:
    explicit_bzero(buf, sizeof(buf));
    close(fd);
    return st;
}

cst_dav *cst_sweep_account_open(const cst_sweep_account *a, size_t max_body,
                                cst_error *err)
{
    cst_dav_opts o;
    cst_dav *dav;
    char *secret = NULL;

    memset(&o, 0, sizeof(o));
    o.timeout_ms = a->timeout_ms;
    o.ca_file = a->ca_file;
    o.max_body = max_body;
    /* the account's server, and no other, gets its requests and secret */
    o.base_url = a->url;
    if (a->password_file != NULL || a->token_file != NULL) {
        const char *f = a->password_file ? a->password_file : a->token_file;

        if (cst_secret_read(f, &secret, err) != CST_OK)
            return NULL;
        if (a->password_file != NULL) {
            o.user = a->user;
            o.password = secret;
        } else {
            o.bearer = secret;
        }
    } else if (a->user != NULL) {
        o.user = a->user;
        o.password = "";
    }
    dav = cst_dav_new(&o, err);
    if (secret != NULL) {
        explicit_bzero(secret, strlen(secret));
        free(secret);
    }
    return dav;
}
