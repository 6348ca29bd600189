/*
 * policy.c -- rule names, modes and the policy file (spec sections 3, 6).
 *
 * The file is parsed by inih (ini_parse_string).  Debian's libinih is
 * built without INI_HANDLER_LINENO, with multi-line values, ';' inline
 * comments and 200-byte lines, and it keeps going after an error,
 * returning the line of the first one.  So before inih sees the text we
 * walk its lines ourselves (check_lines()): that finds what inih would
 * misread or not report -- over-long lines (inih splits them and
 * miscounts), indented lines (inih appends them to the previous key),
 * lines that are no INI, unknown sections, NUL bytes, invalid UTF-8 --
 * and gives the handler the line of each key it is called for, in the
 * same order as inih calls it.  inih then parses only the lines before
 * the first such error, so whichever error comes first is reported.
 */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "core/policy.h"
#include "core/text.h"

/* inih reads at most 199 bytes of a line including its '\n' */
#define POLICY_MAX_LINE 198u
#define VALUE_SHOWN 48u /* bytes of a bad value quoted in messages */

static const char *const rule_names[CST_RULE__COUNT] = {
    "agenda-missing",
    "agenda-lead-time",
    "materials-missing",
    "materials-lead-time",
    "participant-limit",
    "goal-missing",
    "goal-vague",
    "agenda-item-incomplete",
    "agenda-owner-unknown",
    "agenda-overrun",
    "minutes-overdue",
    "minutes-late",
    "action-item-incomplete",
    "action-owner-unknown",
    "next-meeting-missing",
    "action-item-overdue",
};

/* Default modes, spec section 3. */
static const cst_mode rule_defaults[CST_RULE__COUNT] = {
    CST_MODE_INFO,    /* agenda-missing */
    CST_MODE_WARNING, /* agenda-lead-time */
    CST_MODE_INFO,    /* materials-missing */
    CST_MODE_WARNING, /* materials-lead-time */
    CST_MODE_WARNING, /* participant-limit */
    CST_MODE_WARNING, /* goal-missing */
    CST_MODE_INFO,    /* goal-vague */
    CST_MODE_WARNING, /* agenda-item-incomplete */
    CST_MODE_INFO,    /* agenda-owner-unknown */
    CST_MODE_WARNING, /* agenda-overrun */
    CST_MODE_WARNING, /* minutes-overdue */
    CST_MODE_WARNING, /* minutes-late */
    CST_MODE_WARNING, /* action-item-incomplete */
    CST_MODE_WARNING, /* action-owner-unknown */
    CST_MODE_INFO,    /* next-meeting-missing */
    CST_MODE_WARNING, /* action-item-overdue */
};

const char *cst_rule_name(cst_rule r)
{
    if ((unsigned)r >= CST_RULE__COUNT)
        return "unknown";
    return rule_names[r];
}

cst_rule cst_rule_from_name(const char *name, size_t len)
{
    unsigned i;

    if (name == NULL)
        return CST_RULE__COUNT;
    for (i = 0; i < CST_RULE__COUNT; i++) {
        if (cst_eq_ci(name, len, rule_names[i]))
            return (cst_rule)i;
    }
    return CST_RULE__COUNT;
}

const char *cst_mode_severity(cst_mode m)
{
    switch (m) {
    case CST_MODE_OFF:
        return "off";
    case CST_MODE_INFO:
        return "info";
    case CST_MODE_WARNING:
        return "warning";
    case CST_MODE_ENFORCE:
        return "error";
    }
    return "off";
}

const char *cst_lang_name(cst_lang l)
{
    return l == CST_LANG_ZH_CN ? "zh_CN" : "en";
}

void cst_policy_init(cst_policy *p)
{
    unsigned i;

    memset(p, 0, sizeof(*p));
    p->agenda_min_days = 3;
    p->agenda_max_days = 5;
    p->materials_min_days = 2;
    p->minutes_max_hours = 24;
    p->default_due_days = 7;
    p->max_participants = 8;
    p->buffer_minutes = 10;
    memcpy(p->urgent[0], "urgent", sizeof("urgent"));
    memcpy(p->urgent[1], "\xe7\xb4\xa7\xe6\x80\xa5", 7); /* 紧急 */
    p->n_urgent = 2;
    for (i = 0; i < CST_RULE__COUNT; i++)
        p->mode[i] = rule_defaults[i];
    p->language = CST_LANG_EN;
    p->timetable = 1;
    p->prep_tasks = 1;
    p->agenda_property = CST_AGENDA_STRUCTURED_DATA;
}

/* ---- the keys -------------------------------------------------------- */

typedef enum key_kind { K_INT, K_BOOL, K_LANG, K_LIST, K_AGENDA } key_kind;

typedef struct key_def {
    const char *section;
    const char *name;
    key_kind kind;
    size_t off; /* of the int field in cst_policy */
    int min, max;
} key_def;

static const key_def keys[] = {
    {"lead-times", "agenda-min-days", K_INT,
     offsetof(cst_policy, agenda_min_days), 0, 60},
    {"lead-times", "agenda-max-days", K_INT,
     offsetof(cst_policy, agenda_max_days), 0, 60},
    {"lead-times", "materials-min-days", K_INT,
     offsetof(cst_policy, materials_min_days), 0, 60},
    {"lead-times", "minutes-max-hours", K_INT,
     offsetof(cst_policy, minutes_max_hours), 1, 720},
    {"lead-times", "default-due-days", K_INT,
     offsetof(cst_policy, default_due_days), 1, 60},
    {"meeting", "max-participants", K_INT,
     offsetof(cst_policy, max_participants), 1, 1000},
    {"meeting", "buffer-minutes", K_INT, offsetof(cst_policy, buffer_minutes),
     0, 120},
    {"meeting", "urgent-categories", K_LIST, 0, 0, 0},
    {"output", "language", K_LANG, 0, 0, 0},
    {"output", "timetable", K_BOOL, offsetof(cst_policy, timetable), 0, 0},
    {"output", "prep-tasks", K_BOOL, offsetof(cst_policy, prep_tasks), 0, 0},
    {"output", "agenda-property", K_AGENDA, 0, 0, 0},
};

static const char *const sections[] = {"lead-times", "meeting", "rules",
                                       "output"};

static int known_section(const char *s, size_t len)
{
    size_t i;

    s = cst_trim(s, len, &len);
    for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
        if (cst_eq_ci(s, len, sections[i]))
            return 1;
    }
    return 0;
}

/* ---- walking the lines as inih does ---------------------------------- */

typedef enum line_kind {
    L_BLANK, /* empty or a comment */
    L_SECTION,
    L_KEY,
    L_CONT, /* indented: inih takes it for a continuation */
    L_BAD
} line_kind;

typedef struct lines {
    const char *p, *end;
    int lineno;
    int have_name; /* a key line since the last section (inih's prev_name) */
} lines;

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Returns where an inline comment (';' after white space) starts, as
 * inih finds it, or e. */
static const char *inline_comment(const char *s, const char *e)
{
    int was_space = 0;

    for (; s < e; s++) {
        if (was_space && *s == ';')
            return s;
        was_space = is_blank(*s);
    }
    return e;
}

/*
 * Returns the kind of the next line and its text (without the line end)
 * in *s / *e, or -1 at the end of the text.
 */
static int next_line(lines *it, const char **s, const char **e)
{
    const char *p = it->p, *nl, *q;

    if (p >= it->end)
        return -1;
    nl = memchr(p, '\n', (size_t)(it->end - p));
    if (nl == NULL)
        nl = it->end;
    it->p = nl < it->end ? nl + 1 : nl;
    it->lineno++;
    *s = p;
    *e = nl;
    if (it->lineno == 1 && nl - p >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
        p += 3; /* inih skips a BOM */
    q = p;
    while (q < nl && is_blank(*q))
        q++;
    if (q == nl || *q == ';' || *q == '#')
        return L_BLANK;
    if (q > p && it->have_name)
        return L_CONT;
    if (*q == '[') {
        it->have_name = 0;
        return memchr(q, ']', (size_t)(inline_comment(q, nl) - q)) ? L_SECTION
                                                                   : L_BAD;
    }
    nl = inline_comment(q, nl);
    while (q < nl && *q != '=' && *q != ':')
        q++;
    if (q == nl)
        return L_BAD;
    it->have_name = 1;
    return L_KEY;
}

/*
 * Checks every line before inih sees the text.  Returns CST_OK, or the
 * status of the first line inih would misread or not report, with err
 * set and *bad_at the offset of that line.
 */
static cst_status check_lines(const char *text, size_t len, cst_error *err,
                              size_t *bad_at)
{
    lines it = {text, text + len, 0, 0};

    if (len == 0)
        return CST_OK;
    const char *s, *e;
    int k;

    while ((k = next_line(&it, &s, &e)) >= 0) {
        *bad_at = (size_t)(s - text);
        if ((size_t)(e - s) > POLICY_MAX_LINE) {
            cst_error_set(err, it.lineno, "line longer than %u bytes",
                          POLICY_MAX_LINE);
            return CST_ERR_PARSE;
        }
        if (memchr(s, '\0', (size_t)(e - s)) != NULL) {
            cst_error_set(err, it.lineno, "NUL byte in the text");
            return CST_ERR_PARSE;
        }
        if (!cst_utf8_valid(s, (size_t)(e - s))) {
            cst_error_set(err, it.lineno, "not valid UTF-8");
            return CST_ERR_PARSE;
        }
        switch (k) {
        case L_CONT:
            cst_error_set(err, it.lineno,
                          "indented line: values cannot continue on "
                          "another line (remove the leading blanks)");
            return CST_ERR_PARSE;
        case L_BAD:
            cst_error_set(err, it.lineno, "expected [section] or key = value");
            return CST_ERR_PARSE;
        default:
            break;
        }
    }
    return CST_OK;
}

/* ---- the handler ----------------------------------------------------- */

typedef struct parse_ctx {
    cst_policy *p;
    lines keys;    /* follows inih's calls: the line of each key */
    cst_error err; /* the first error */
    int failed;
    int min_line, max_line; /* last lines that set agenda-min/max-days */
    cst_policy_warn_fn *warn; /* unknown sections, keys, rules; or NULL */
    void *warn_ctx;
} parse_ctx;

/* Copies value into buf for a message, cut at a character boundary. */
static const char *shown(const char *v, char *buf, size_t n)
{
    size_t len = strlen(v), cut = len;
    uint32_t cp;

    if (cut > n - 4) {
        cut = 0;
        while (cut < len) {
            size_t k = cst_utf8_decode(v + cut, len - cut, &cp);

            if (k == 0 || cut + k > n - 4)
                break;
            cut += k;
        }
    }
    memcpy(buf, v, cut);
    if (cut < len)
        memcpy(buf + cut, "...", 4);
    else
        buf[cut] = '\0';
    return buf;
}

static int fail(parse_ctx *c, const char *section, const char *name,
                const char *fmt, const char *value)
{
    char why[120], v[VALUE_SHOWN + 4], n[VALUE_SHOWN + 4];

    if (c->failed)
        return 0;
    c->failed = 1;
    snprintf(why, sizeof(why), fmt, value ? shown(value, v, sizeof(v)) : "");
    cst_error_set(&c->err, c->keys.lineno, "[%s] %s: %s", section,
                  shown(name, n, sizeof(n)), why);
    return 0;
}

/* Reports a section, key or rule this release does not know, which is
 * then ignored (upgrade safety: a file written for another release). */
static int ignore(parse_ctx *c, int line, const char *section,
                  const char *name, const char *what)
{
    char msg[sizeof(c->err.msg)], n[VALUE_SHOWN + 4];

    if (c->warn == NULL)
        return 1;
    if (name == NULL)
        snprintf(msg, sizeof(msg), "[%s]: unknown section (lead-times, "
                 "meeting, rules, output), ignored", shown(section, n,
                 sizeof(n)));
    else
        snprintf(msg, sizeof(msg), "[%s] %s: unknown %s, ignored", section,
                 shown(name, n, sizeof(n)), what);
    c->warn(c->warn_ctx, line, msg);
    return 1;
}

/* A section line the walk passed: reported when it is not known. */
static void pass_section(parse_ctx *c, const char *s, const char *e)
{
    const char *b = (const char *)memchr(s, '[', (size_t)(e - s)) + 1;
    const char *q = memchr(b, ']', (size_t)(e - b));
    char name[64];
    size_t len;

    if (c->failed || known_section(b, (size_t)(q - b)))
        return;
    b = cst_trim(b, (size_t)(q - b), &len);
    if (len >= sizeof(name))
        len = sizeof(name) - 1;
    memcpy(name, b, len);
    name[len] = '\0';
    ignore(c, c->keys.lineno, name, NULL, NULL);
}

static int parse_int(const char *s, size_t len, int *out)
{
    size_t i = 0;
    int neg = 0;
    long v = 0;

    if (len > 0 && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        i++;
    }
    if (i == len || len - i > 9)
        return 0;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = (int)(neg ? -v : v);
    return 1;
}

static int parse_bool(const char *s, size_t len, int *out)
{
    static const char *const yes[] = {"yes", "true", "on", "1"};
    static const char *const no[] = {"no", "false", "off", "0"};
    size_t i;

    for (i = 0; i < 4; i++) {
        if (cst_eq_ci(s, len, yes[i])) {
            *out = 1;
            return 1;
        }
        if (cst_eq_ci(s, len, no[i])) {
            *out = 0;
            return 1;
        }
    }
    return 0;
}

/* Splits a comma list (',' or the full-width '，') into p->urgent. */
static int set_urgent(parse_ctx *c, const char *section, const char *name,
                      const char *v, size_t len)
{
    cst_policy *p = c->p;
    const char *s = v, *end = v + len, *q, *t;
    size_t n = 0, tl;

    while (s <= end) {
        size_t sep = 0;

        for (q = s; q < end; q++) {
            if (*q == ',') {
                sep = 1;
                break;
            }
            if (end - q >= 3 && memcmp(q, "\xef\xbc\x8c", 3) == 0) {
                sep = 3;
                break;
            }
        }
        t = cst_trim(s, (size_t)(q - s), &tl);
        if (tl > 0) {
            if (n >= CST_MAX_CATEGORIES)
                return fail(c, section, name, "more than 32 categories%s", "");
            if (tl >= sizeof(p->urgent[0])) {
                char one[POLICY_MAX_LINE + 1];

                memcpy(one, t, tl);
                one[tl] = '\0';
                return fail(c, section, name, "\"%s\" is longer than 63 bytes",
                            one);
            }
            memcpy(p->urgent[n], t, tl);
            p->urgent[n][tl] = '\0';
            n++;
        }
        if (sep == 0)
            break;
        s = q + sep;
    }
    p->n_urgent = n;
    return 1;
}

static int handler(void *user, const char *section, const char *name,
                   const char *value)
{
    parse_ctx *c = user;
    const char *s, *e, *v, *cut;
    char buf[POLICY_MAX_LINE + 1], sec[64];
    size_t i, len, sl;
    cst_rule r;
    int k, n;

    /* the line inih is at: the next key line (continuations are errors
     * found before inih runs, so there are none here) */
    do {
        k = next_line(&c->keys, &s, &e);
        if (k == L_SECTION)
            pass_section(c, s, e);
    } while (k >= 0 && k != L_KEY);
    if (c->failed)
        return 0;
    s = cst_trim(section, strlen(section), &sl);
    if (sl >= sizeof(sec))
        sl = sizeof(sec) - 1;
    memcpy(sec, s, sl);
    sec[sl] = '\0';
    section = sec;

    /* value: drop a '#' comment after white space and a value that is
     * only a comment; trim */
    len = strlen(value);
    if (len >= sizeof(buf))
        len = sizeof(buf) - 1;
    memcpy(buf, value, len);
    buf[len] = '\0';
    if (buf[0] == ';' || buf[0] == '#')
        buf[0] = '\0';
    for (cut = buf + 1; *buf != '\0' && *cut != '\0'; cut++) {
        if (*cut == '#' && is_blank(cut[-1])) {
            buf[cut - buf] = '\0';
            break;
        }
    }
    v = cst_trim(buf, strlen(buf), &len);
    memmove(buf, v, len);
    buf[len] = '\0';

    if (sl == 0)
        return fail(c, "", name, "key outside a section%s", "");
    if (!known_section(section, sl))
        return 1; /* reported at the section's line */
    if (cst_eq_ci(section, sl, "rules")) {
        r = cst_rule_from_name(name, strlen(name));
        if (r == CST_RULE__COUNT)
            return ignore(c, c->keys.lineno, section, name, "rule");
        if (cst_eq_ci(buf, len, "off"))
            c->p->mode[r] = CST_MODE_OFF;
        else if (cst_eq_ci(buf, len, "info"))
            c->p->mode[r] = CST_MODE_INFO;
        else if (cst_eq_ci(buf, len, "warning"))
            c->p->mode[r] = CST_MODE_WARNING;
        else if (cst_eq_ci(buf, len, "enforce"))
            c->p->mode[r] = CST_MODE_ENFORCE;
        else
            return fail(c, section, name,
                        "\"%s\" is not off, info, warning or enforce", buf);
        return 1;
    }
    for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        if (cst_eq_ci(section, sl, keys[i].section) &&
            cst_eq_ci(name, strlen(name), keys[i].name))
            break;
    }
    if (i == sizeof(keys) / sizeof(keys[0]))
        return ignore(c, c->keys.lineno, section, name, "key");

    switch (keys[i].kind) {
    case K_INT:
        if (!parse_int(buf, len, &n))
            return fail(c, section, name, "\"%s\" is not a whole number", buf);
        if (n < keys[i].min || n > keys[i].max) {
            char why[64];

            snprintf(why, sizeof(why), "%%s is out of range %d..%d",
                     keys[i].min, keys[i].max);
            return fail(c, section, name, why, buf);
        }
        *(int *)(void *)((char *)c->p + keys[i].off) = n;
        if (keys[i].off == offsetof(cst_policy, agenda_min_days))
            c->min_line = c->keys.lineno;
        if (keys[i].off == offsetof(cst_policy, agenda_max_days))
            c->max_line = c->keys.lineno;
        return 1;
    case K_BOOL:
        if (!parse_bool(buf, len, &n))
            return fail(c, section, name, "\"%s\" is not yes or no", buf);
        *(int *)(void *)((char *)c->p + keys[i].off) = n;
        return 1;
    case K_LANG:
        if (cst_eq_ci(buf, len, "en"))
            c->p->language = CST_LANG_EN;
        else if (cst_eq_ci(buf, len, "zh_CN") || cst_eq_ci(buf, len, "zh-CN") ||
                 cst_eq_ci(buf, len, "zh"))
            c->p->language = CST_LANG_ZH_CN;
        else
            return fail(c, section, name, "\"%s\" is not en or zh_CN", buf);
        c->p->language_set = 1;
        return 1;
    case K_LIST:
        return set_urgent(c, section, name, buf, len);
    case K_AGENDA:
        if (cst_eq_ci(buf, len, "structured-data"))
            c->p->agenda_property = CST_AGENDA_STRUCTURED_DATA;
        else if (cst_eq_ci(buf, len, "x-property"))
            c->p->agenda_property = CST_AGENDA_X_PROPERTY;
        else
            return fail(c, section, name,
                        "\"%s\" is not structured-data or x-property", buf);
        return 1;
    }
    return 1;
}

cst_status cst_policy_parse(cst_policy *p, const char *text, size_t len,
                            cst_error *err)
{
    return cst_policy_parse_warn(p, text, len, err, NULL, NULL);
}

cst_status cst_policy_parse_warn(cst_policy *p, const char *text, size_t len,
                                 cst_error *err, cst_policy_warn_fn *warn,
                                 void *warn_ctx)
{
    parse_ctx c;
    const char *s, *e;
    cst_error pre = {0, ""};
    cst_status st, pre_st;
    size_t bad_at = len;
    char *copy = NULL;
    int line, k;

    memset(&c, 0, sizeof(c));
    if (len > CST_MAX_POLICY_BYTES) {
        cst_error_set(err, 0, "policy larger than %u bytes",
                      CST_MAX_POLICY_BYTES);
        return CST_ERR_TOO_LARGE;
    }
    if (text == NULL || len == 0) {
        text = "";
        len = 0;
    }
    pre_st = check_lines(text, len, &pre, &bad_at);
    if (pre_st == CST_OK)
        bad_at = len;

    /* inih reads the lines before the first error found above */
    copy = malloc(bad_at + 1);
    if (copy == NULL) {
        st = CST_ERR_NOMEM;
        cst_error_set(err, 0, "out of memory");
        goto done;
    }
    if (bad_at > 0)
        memcpy(copy, text, bad_at);
    copy[bad_at] = '\0';
    c.p = p;
    c.warn = warn;
    c.warn_ctx = warn_ctx;
    c.keys.p = copy;
    c.keys.end = copy + bad_at;
    line = ini_parse_string(copy, handler, &c);
    if (line != 0) {
        st = c.failed ? CST_ERR_INVALID : CST_ERR_PARSE;
        if (c.failed) {
            if (err != NULL)
                *err = c.err;
        } else {
            cst_error_set(err, line, "expected [section] or key = value");
        }
        if (err != NULL)
            err->line = line; /* inih's count; the handler's agrees */
        goto done;
    }
    /* the section lines after the last key */
    while ((k = next_line(&c.keys, &s, &e)) >= 0) {
        if (k == L_SECTION)
            pass_section(&c, s, e);
    }
    if (pre_st != CST_OK) {
        st = pre_st;
        if (err != NULL)
            *err = pre;
        goto done;
    }
    if (p->agenda_min_days > p->agenda_max_days) {
        st = CST_ERR_INVALID;
        cst_error_set(err, c.min_line > c.max_line ? c.min_line : c.max_line,
                      "[lead-times] agenda-min-days (%d) is more than "
                      "agenda-max-days (%d)",
                      p->agenda_min_days, p->agenda_max_days);
        goto done;
    }
    st = CST_OK;
done:
    free(copy);
    return st;
}
