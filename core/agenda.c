/*
 * agenda.c -- agenda items from the agenda section (spec section 2).
 *
 * Each line is folded first (full-width punctuation and digits to ASCII),
 * so "（30分钟，王五）目标：X" reads as "(30分钟,王五)目标:X".  Then a line
 * is one of:
 *   - a table row, while a table header is in force (pipe or tab);
 *   - a table header: cells that name at least a Topic column;
 *   - a list item: a list marker, then
 *       TOPIC (DURATION, OWNER) [— goal: TEXT | 目标：TEXT]
 *     the parenthesis may hold the two in either order or only one;
 *     without a parenthesis, "TOPIC — 10 min — OWNER" (fields split by
 *     dashes or '|', any order, one of them a duration) or
 *     "TOPIC 10 min" (a duration at the end);
 *   - a field line for the item before it ("goal: X", "owner: X",
 *     "duration: X", with or without a list marker), or a list item
 *     indented deeper than the first item (a sub-point: ignored);
 *   - an indented line without a marker counts as a list item (the
 *     plain copy Thunderbird derives from an HTML list);
 *   - anything else, which is ignored.
 */
#include "agenda.h"
#include "duration.h"
#include "text.h"

#include <stdlib.h>
#include <string.h>

enum col_kind { COL_OTHER = 0, COL_TOPIC, COL_DURATION, COL_OWNER, COL_GOAL };
enum table_kind { TABLE_NONE = 0, TABLE_PIPE, TABLE_TAB };

typedef struct cell {
    const char *p;
    size_t n;
} cell;

typedef struct parser {
    cst_agenda *a;
    size_t cap;
    enum table_kind table;
    enum col_kind cols[CST_MAX_TABLE_COLUMNS];
    size_t ncols;
    int base_indent; /* indentation of the first list item, or -1 */
} parser;

typedef struct col_name {
    const char *name;
    enum col_kind kind;
} col_name;

static const col_name col_names[] = {
    {"topic", COL_TOPIC},
    {"topics", COL_TOPIC},
    {"agenda item", COL_TOPIC},
    {"item", COL_TOPIC},
    {"subject", COL_TOPIC},
    {"议题", COL_TOPIC},
    {"主题", COL_TOPIC},
    {"议程", COL_TOPIC},
    {"议程项", COL_TOPIC},
    {"事项", COL_TOPIC},
    {"duration", COL_DURATION},
    {"time", COL_DURATION},
    {"length", COL_DURATION},
    {"minutes", COL_DURATION},
    {"mins", COL_DURATION},
    {"时长", COL_DURATION},
    {"时间", COL_DURATION},
    {"用时", COL_DURATION},
    {"预计时长", COL_DURATION},
    {"owner", COL_OWNER},
    {"presenter", COL_OWNER},
    {"speaker", COL_OWNER},
    {"lead", COL_OWNER},
    {"who", COL_OWNER},
    {"负责人", COL_OWNER},
    {"主讲人", COL_OWNER},
    {"汇报人", COL_OWNER},
    {"发言人", COL_OWNER},
    {"责任人", COL_OWNER},
    {"goal", COL_GOAL},
    {"objective", COL_GOAL},
    {"outcome", COL_GOAL},
    {"expected outcome", COL_GOAL},
    {"purpose", COL_GOAL},
    {"目标", COL_GOAL},
    {"目的", COL_GOAL},
    {"预期目标", COL_GOAL},
    {"预期成果", COL_GOAL},
};

/* Keys of a field line that completes the item before it. */
static const col_name field_keys[] = {
    {"goal", COL_GOAL},     {"objective", COL_GOAL}, {"目标", COL_GOAL},
    {"目的", COL_GOAL},     {"owner", COL_OWNER},    {"presenter", COL_OWNER},
    {"负责人", COL_OWNER},  {"主讲人", COL_OWNER},   {"duration", COL_DURATION},
    {"时长", COL_DURATION},
};

#define N_ELEMS(x) (sizeof(x) / sizeof((x)[0]))

static int is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static cell mkcell(const char *p, size_t n)
{
    cell c;

    c.p = cst_trim(p, n, &c.n);
    return c;
}

/* Returns 1 when c ends with the literal lit. */
static int ends_with(cell c, const char *lit)
{
    size_t l = strlen(lit);

    return c.n >= l && memcmp(c.p + c.n - l, lit, l) == 0;
}

/* Strips separators and stray punctuation from the end of c. */
static cell strip_trailing_seps(cell c)
{
    static const char *const seps[] = {
        "——", "—", "–", "--", "-", "|", ",", ";", ":", "、", "。",
    };
    size_t k;
    int again = 1;

    while (again && c.n > 0) {
        again = 0;
        for (k = 0; k < N_ELEMS(seps); k++) {
            if (ends_with(c, seps[k])) {
                c = mkcell(c.p, c.n - strlen(seps[k]));
                again = 1;
                break;
            }
        }
    }
    return c;
}

/* Strips "**" / "__" emphasis around a header cell. */
static cell strip_emphasis(cell c)
{
    while (c.n >= 2 && (c.p[0] == '*' || c.p[0] == '_') &&
           c.p[c.n - 1] == c.p[0]) {
        c = mkcell(c.p + 1, c.n - 2);
    }
    return c;
}

/* Returns the kind of column a header cell names. */
static enum col_kind column_kind(cell c)
{
    size_t k, l, j;

    c = strip_emphasis(c);
    for (k = 0; k < N_ELEMS(col_names); k++) {
        l = cst_prefix_ci(c.p, c.n, col_names[k].name);
        if (l == 0)
            continue;
        if (l == c.n)
            return col_names[k].kind;
        /* "Duration (min)", "时长(分钟)" */
        j = l;
        while (j < c.n && c.p[j] == ' ')
            j++;
        if (j < c.n && (c.p[j] == '(' || c.p[j] == '['))
            return col_names[k].kind;
    }
    return COL_OTHER;
}

/* Splits a table line into cells. Returns their number (at most max). */
static size_t split_cells(const char *s, size_t len, char sep, cell *cells,
                          size_t max)
{
    size_t i, start, n = 0;
    cell line;

    if (sep == '|') {
        line = mkcell(s, len);
        if (line.n > 0 && line.p[0] == '|')
            line = (cell){line.p + 1, line.n - 1};
        if (line.n > 0 && line.p[line.n - 1] == '|')
            line.n--;
    } else {
        line.p = s;
        line.n = len;
    }
    start = 0;
    for (i = 0; i <= line.n; i++) {
        if (i < line.n && line.p[i] != sep)
            continue;
        if (n < max)
            cells[n++] = mkcell(line.p + start, i - start);
        start = i + 1;
    }
    return n;
}

/* Returns 1 for a separator row: "|---|:--:|". */
static int separator_row(const cell *cells, size_t n)
{
    size_t i, j;
    int dash = 0;

    for (i = 0; i < n; i++) {
        for (j = 0; j < cells[i].n; j++) {
            char c = cells[i].p[j];

            if (c == '-' || c == '=')
                dash = 1;
            else if (c != ':' && c != ' ')
                return 0;
        }
    }
    return dash;
}

/* Parses "HH:MM" at s; returns its length and sets *min, or 0. */
static size_t parse_hhmm(const char *s, size_t len, int *min)
{
    size_t i = 0;
    int h = 0, m = 0;

    while (i < len && i < 2 && is_digit((unsigned char)s[i]))
        h = h * 10 + (s[i++] - '0');
    if (i == 0 || i >= len || s[i] != ':')
        return 0;
    i++;
    if (i + 2 > len || !is_digit((unsigned char)s[i]) ||
        !is_digit((unsigned char)s[i + 1]))
        return 0;
    m = (s[i] - '0') * 10 + (s[i + 1] - '0');
    if (h > 24 || m > 59)
        return 0;
    *min = h * 60 + m;
    return i + 2;
}

/* "10:00-10:30", "10:00 – 10:30", "10:00~10:30", "10:00至10:30": the
 * minutes between the two times, or -1. */
static int time_range(cell c)
{
    static const char *const seps[] = {"-", "–", "—", "~", "to", "至", "到"};
    size_t i, n, k, l;
    int a, b;

    n = parse_hhmm(c.p, c.n, &a);
    if (n == 0)
        return -1;
    i = n;
    while (i < c.n && c.p[i] == ' ')
        i++;
    for (k = 0; k < N_ELEMS(seps); k++) {
        l = cst_prefix_ci(c.p + i, c.n - i, seps[k]);
        if (l > 0)
            break;
    }
    if (k == N_ELEMS(seps))
        return -1;
    i += l;
    while (i < c.n && c.p[i] == ' ')
        i++;
    n = parse_hhmm(c.p + i, c.n - i, &b);
    if (n == 0 || i + n != c.n || b < a)
        return -1;
    return b - a;
}

/* Strips "about", "~", "约" and "左右" around a duration. */
static cell strip_fillers(cell c)
{
    static const char *const pre[] = {
        "approximately", "approx.", "approx", "about", "ca.", "~", "≈",
        "大约",          "约",
    };
    size_t k, l;

    for (k = 0; k < N_ELEMS(pre); k++) {
        l = cst_prefix_ci(c.p, c.n, pre[k]);
        if (l > 0) {
            c = mkcell(c.p + l, c.n - l);
            break;
        }
    }
    if (ends_with(c, "左右"))
        c = mkcell(c.p, c.n - strlen("左右"));
    return c;
}

/* Returns the minutes of a cell that is nothing but a duration, or -1.
 * In a table's duration column a bare number counts as minutes. */
static int cell_minutes(cell c, int bare_number_ok)
{
    int m;
    size_t i;

    c = strip_fillers(c);
    if (c.n == 0)
        return -1;
    if (cst_duration_parse(c.p, c.n, &m))
        return m;
    if (bare_number_ok && c.n <= 4) {
        m = 0;
        for (i = 0; i < c.n; i++) {
            if (!is_digit((unsigned char)c.p[i]))
                break;
            m = m * 10 + (c.p[i] - '0');
        }
        if (i == c.n)
            return m;
    }
    if (bare_number_ok)
        return time_range(c);
    return -1;
}

/* Strips "owner:", "by" and the like before an owner. */
static cell strip_owner_label(cell c)
{
    static const char *const pre[] = {
        "owner:",  "presenter:", "speaker:", "lead:",   "by ",
        "负责人:", "主讲人:",    "主讲:",    "汇报人:", "负责:",
    };
    size_t k, l;

    for (k = 0; k < N_ELEMS(pre); k++) {
        l = cst_prefix_ci(c.p, c.n, pre[k]);
        if (l > 0 && l < c.n)
            return mkcell(c.p + l, c.n - l);
    }
    return c;
}

/* Adds an item; an empty topic adds nothing. */
static cst_status add_item(parser *ps, cell topic, int minutes, cell owner,
                           cell goal, int line)
{
    cst_agenda *a = ps->a;
    cst_agenda_item *it;

    topic = strip_trailing_seps(topic);
    if (topic.n == 0)
        return CST_OK;
    if (a->n >= CST_MAX_AGENDA_ITEMS)
        return CST_ERR_TOO_LARGE;
    if (a->n == ps->cap) {
        size_t ncap = ps->cap ? ps->cap * 2 : 16;
        cst_agenda_item *ni;

        if (ncap > CST_MAX_AGENDA_ITEMS)
            ncap = CST_MAX_AGENDA_ITEMS;
        ni = realloc(a->items, ncap * sizeof(*ni));
        if (ni == NULL)
            return CST_ERR_NOMEM;
        a->items = ni;
        ps->cap = ncap;
    }
    it = &a->items[a->n];
    memset(it, 0, sizeof(*it));
    it->minutes = minutes;
    it->line = line;
    it->topic = cst_strndup(topic.p, topic.n);
    if (it->topic == NULL)
        return CST_ERR_NOMEM;
    if (owner.n > 0) {
        it->owner = cst_strndup(owner.p, owner.n);
        if (it->owner == NULL)
            goto nomem;
    }
    if (goal.n > 0) {
        it->goal = cst_strndup(goal.p, goal.n);
        if (it->goal == NULL)
            goto nomem;
    }
    a->n++;
    return CST_OK;

nomem:
    free(it->topic);
    free(it->owner);
    free(it->goal);
    return CST_ERR_NOMEM;
}

/*
 * Finds an inline goal: "goal:", "objective:", "目标:", "目的:" (the line
 * is folded, so '：' is ':').  Returns the offset of the key and sets
 * *text to the goal, or returns (size_t)-1.
 */
static size_t find_goal(cell c, cell *text)
{
    static const char *const keys[] = {"goal", "objective", "目标", "目的"};
    size_t i, k, l, j;

    for (i = 0; i < c.n; i++) {
        unsigned char c0 = (unsigned char)c.p[i];

        if (i > 0 && is_alpha((unsigned char)c.p[i - 1]))
            continue;
        if (c0 >= 'A' && c0 <= 'Z')
            c0 = (unsigned char)(c0 - 'A' + 'a');
        for (k = 0; k < N_ELEMS(keys); k++) {
            /* the keys are lower case: only those that start here */
            if ((unsigned char)keys[k][0] != c0)
                continue;
            l = cst_prefix_ci(c.p + i, c.n - i, keys[k]);
            if (l == 0)
                continue;
            j = i + l;
            while (j < c.n && c.p[j] == ' ')
                j++;
            if (j < c.n && c.p[j] == ':') {
                *text = mkcell(c.p + j + 1, c.n - j - 1);
                return i;
            }
        }
    }
    return (size_t)-1;
}

/* A field line "owner: X" for the item before it: returns its kind and
 * sets *val, else COL_OTHER. */
static enum col_kind field_line(cell c, cell *val)
{
    size_t k, l, j;

    for (k = 0; k < N_ELEMS(field_keys); k++) {
        l = cst_prefix_ci(c.p, c.n, field_keys[k].name);
        if (l == 0)
            continue;
        j = l;
        while (j < c.n && c.p[j] == ' ')
            j++;
        if (j < c.n && c.p[j] == ':') {
            *val = mkcell(c.p + j + 1, c.n - j - 1);
            return field_keys[k].kind;
        }
    }
    return COL_OTHER;
}

/* Fills in a field of the last item from a field line. */
static cst_status complete_last(parser *ps, enum col_kind kind, cell val)
{
    cst_agenda_item *it;
    char **dst = NULL;
    int m;

    if (ps->a->n == 0 || val.n == 0)
        return CST_OK;
    it = &ps->a->items[ps->a->n - 1];
    if (kind == COL_DURATION) {
        m = cell_minutes(val, 0);
        if (it->minutes < 0 && m >= 0)
            it->minutes = m;
        return CST_OK;
    }
    if (kind == COL_GOAL)
        dst = &it->goal;
    else if (kind == COL_OWNER)
        dst = &it->owner;
    if (dst == NULL || *dst != NULL)
        return CST_OK;
    if (kind == COL_OWNER)
        val = strip_owner_label(val);
    *dst = cst_strndup(val.p, val.n);
    return *dst == NULL ? CST_ERR_NOMEM : CST_OK;
}

/* Returns 1 when byte c may separate a duration from a name glued to it:
 * a space, or a byte of a non-ASCII character ("10分钟李四"). */
static int name_edge(char c)
{
    return c == ' ' || (unsigned char)c >= 0x80;
}

/*
 * Splits a parenthesis's contents at ',', ';', '/', '、' and '|'; each
 * part is a duration or, the first time, the owner.  "10 min Li Si" and
 * "10分钟李四" (a duration glued to a name) are read as both.
 */
static void paren_parts(cell in, int *minutes, cell *owner)
{
    size_t i = 0, start = 0, sl, off, dl;
    cell part, rest;
    int m;

    while (i <= in.n) {
        sl = 0;
        if (i < in.n && (in.p[i] == ',' || in.p[i] == ';' || in.p[i] == '|' ||
                         in.p[i] == '/'))
            sl = 1;
        else if (i + 3 <= in.n && memcmp(in.p + i, "、", 3) == 0)
            sl = 3;
        if (i < in.n && sl == 0) {
            i++;
            continue;
        }
        part = mkcell(in.p + start, i - start);
        i += (sl ? sl : 1);
        start = i;
        if (part.n == 0)
            continue;
        m = cell_minutes(part, 0);
        if (m >= 0) {
            if (*minutes < 0)
                *minutes = m;
            continue;
        }
        rest = part;
        if (*minutes < 0 && cst_duration_find(part.p, part.n, &off, &dl, &m)) {
            if (off == 0 && dl < part.n && name_edge(part.p[dl])) {
                *minutes = m;
                rest = mkcell(part.p + dl, part.n - dl);
            } else if (off > 0 && off + dl == part.n &&
                       name_edge(part.p[off - 1])) {
                *minutes = m;
                rest = mkcell(part.p, off);
            }
        }
        if (owner->n == 0)
            *owner = strip_owner_label(rest);
    }
}

/* Splits at dash or '|' field separators.  Returns the number of fields
 * (at most max). */
static size_t dash_fields(cell c, cell *f, size_t max)
{
    static const char *const seps[] = {
        "——", " -- ", " - ", " | ", "—", "–",
    };
    size_t i, k, l, start = 0, n = 0;

    for (i = 0; i < c.n; i++) {
        for (k = 0; k < N_ELEMS(seps); k++) {
            l = strlen(seps[k]);
            if (i + l <= c.n && memcmp(c.p + i, seps[k], l) == 0)
                break;
        }
        if (k == N_ELEMS(seps))
            continue;
        if (n < max)
            f[n++] = mkcell(c.p + start, i - start);
        i += l - 1;
        start = i + 1;
    }
    if (n < max)
        f[n++] = mkcell(c.p + start, c.n - start);
    return n;
}

/* Parses a list item's content (after the marker). */
static cst_status list_item(parser *ps, cell c, int line)
{
    cell pre, goal = {NULL, 0}, owner = {NULL, 0}, topic, inner;
    cell f[8];
    size_t g, i, nf, off, dl, last_off;
    int minutes = -1, depth, m, found;
    enum col_kind fk;

    /* "[ ]" / "[x]" checkboxes */
    if (c.n >= 3 && c.p[0] == '[' && c.p[2] == ']' &&
        (c.p[1] == ' ' || c.p[1] == 'x' || c.p[1] == 'X'))
        c = mkcell(c.p + 3, c.n - 3);

    fk = field_line(c, &inner);
    if (fk != COL_OTHER)
        return complete_last(ps, fk, inner);

    pre = c;
    g = find_goal(c, &goal);
    if (g != (size_t)-1)
        pre = mkcell(c.p, g);
    pre = strip_trailing_seps(pre);
    /* a closing full stop after the parenthesis */
    while (pre.n > 0 && pre.p[pre.n - 1] == '.' && pre.n >= 2 &&
           pre.p[pre.n - 2] == ')')
        pre.n--;

    /* TOPIC (DURATION, OWNER) */
    if (pre.n > 0 && pre.p[pre.n - 1] == ')') {
        depth = 0;
        for (i = pre.n; i-- > 0;) {
            if (pre.p[i] == ')') {
                depth++;
            } else if (pre.p[i] == '(') {
                if (--depth == 0)
                    break;
            }
        }
        if (depth == 0 && i == 0)
            return CST_OK; /* "- (10 min, Li)": no topic, no item */
        if (depth == 0 && i != (size_t)-1 && i > 0) {
            topic = mkcell(pre.p, i);
            inner = mkcell(pre.p + i + 1, pre.n - i - 2);
            paren_parts(inner, &minutes, &owner);
            if (topic.n > 0)
                return add_item(ps, topic, minutes, owner, goal, line);
        }
    }

    /* TOPIC — 10 min — OWNER */
    nf = dash_fields(pre, f, N_ELEMS(f));
    if (nf >= 2) {
        found = 0;
        for (i = 1; i < nf; i++) {
            m = cell_minutes(f[i], 0);
            if (m >= 0 && minutes < 0) {
                minutes = m;
                found = 1;
            } else if (m < 0 && owner.n == 0 && f[i].n > 0) {
                owner = strip_owner_label(f[i]);
            }
        }
        if (found)
            return add_item(ps, f[0], minutes, owner, goal, line);
        owner.n = 0;
        owner.p = NULL;
    }

    /* TOPIC 10 min: the last duration, when it ends the text */
    last_off = (size_t)-1;
    off = 0;
    while (off < pre.n &&
           cst_duration_find(pre.p + off, pre.n - off, &i, &dl, &m)) {
        if (off + i + dl == pre.n) {
            last_off = off + i;
            minutes = m;
            break;
        }
        off += i + 1;
    }
    if (last_off != (size_t)-1 && last_off > 0) {
        topic = mkcell(pre.p, last_off);
        topic = strip_trailing_seps(topic);
        if (topic.n > 0)
            return add_item(ps, topic, minutes, owner, goal, line);
    }
    return add_item(ps, pre, -1, owner, goal, line);
}

/* Tries a line as a table header; sets up the table and returns 1. */
static int table_header(parser *ps, const char *s, size_t len)
{
    cell cells[CST_MAX_TABLE_COLUMNS];
    size_t n, i;
    char sep;
    int topic = 0;

    if (memchr(s, '|', len) != NULL)
        sep = '|';
    else if (memchr(s, '\t', len) != NULL)
        sep = '\t';
    else
        return 0;
    n = split_cells(s, len, sep, cells, N_ELEMS(cells));
    if (n < 2)
        return 0;
    for (i = 0; i < n; i++) {
        ps->cols[i] = column_kind(cells[i]);
        if (ps->cols[i] == COL_TOPIC)
            topic = 1;
    }
    if (!topic)
        return 0;
    ps->ncols = n;
    ps->table = (sep == '|') ? TABLE_PIPE : TABLE_TAB;
    return 1;
}

/* Adds a table row as an item. */
static cst_status table_row(parser *ps, const char *s, size_t len, int line)
{
    cell cells[CST_MAX_TABLE_COLUMNS];
    cell topic = {NULL, 0}, owner = {NULL, 0}, goal = {NULL, 0};
    size_t n, i;
    int minutes = -1, m;

    n = split_cells(s, len, ps->table == TABLE_PIPE ? '|' : '\t', cells,
                    N_ELEMS(cells));
    if (separator_row(cells, n))
        return CST_OK;
    for (i = 0; i < n && i < ps->ncols; i++) {
        switch (ps->cols[i]) {
        case COL_TOPIC:
            if (topic.n == 0)
                topic = cells[i];
            break;
        case COL_DURATION:
            m = cell_minutes(cells[i], 1);
            if (minutes < 0)
                minutes = m;
            break;
        case COL_OWNER:
            if (owner.n == 0)
                owner = cells[i];
            break;
        case COL_GOAL:
            if (goal.n == 0)
                goal = cells[i];
            break;
        case COL_OTHER:
            break;
        }
    }
    return add_item(ps, topic, minutes, owner, goal, line);
}

/* Indentation in columns: a tab counts 4, a full-width space 2. */
static int indent_of(const char *s, size_t len)
{
    size_t i = 0;
    int col = 0;

    while (i < len && col < 1000) {
        if (s[i] == ' ') {
            col++;
            i++;
        } else if (s[i] == '\t') {
            col += 4;
            i++;
        } else if (i + 3 <= len && memcmp(s + i, "\xE3\x80\x80", 3) == 0) {
            col += 2;
            i += 3;
        } else {
            break;
        }
    }
    return col;
}

static cst_status parse_line(parser *ps, const char *raw, size_t rawlen,
                             int line)
{
    char buf[CST_MAX_LINE_BYTES + 1];
    size_t len, mk, sl;
    const char *s;
    cell c, val;
    int indent;
    enum col_kind fk;

    len = cst_text_fold(raw, rawlen, buf);
    s = cst_trim(buf, len, &sl);
    if (sl == 0)
        return CST_OK; /* blank lines do not end a table */

    if (ps->table == TABLE_PIPE && memchr(s, '|', sl) != NULL)
        return table_row(ps, s, sl, line);
    if (ps->table == TABLE_TAB && memchr(buf, '\t', len) != NULL)
        return table_row(ps, buf, len, line);
    ps->table = TABLE_NONE;

    indent = indent_of(buf, len);
    mk = cst_list_marker(s, sl);
    if (mk > 0) {
        c = mkcell(s + mk, sl - mk);
        if (c.n == 0)
            return CST_OK;
        if (ps->base_indent < 0)
            ps->base_indent = indent;
        if (indent > ps->base_indent + 1) {
            /* a sub-point: only fields of the item above count */
            fk = field_line(c, &val);
            if (fk != COL_OTHER)
                return complete_last(ps, fk, val);
            return CST_OK;
        }
        return list_item(ps, c, line);
    }
    if (indent >= 2 && memchr(s, '|', sl) == NULL
        && memchr(s, '\t', sl) == NULL) {
        /* an indented line without a marker: how Thunderbird's plain
         * copy writes the items of an HTML list */
        c = mkcell(s, sl);
        fk = field_line(c, &val);
        if (fk != COL_OTHER)
            return complete_last(ps, fk, val);
        if (ps->base_indent < 0)
            ps->base_indent = indent;
        if (indent > ps->base_indent + 1)
            return CST_OK; /* a sub-point */
        return list_item(ps, c, line);
    }
    if (memchr(s, '|', sl) != NULL) {
        if (table_header(ps, s, sl))
            return CST_OK;
    } else if (table_header(ps, buf, len)) {
        return CST_OK;
    }
    /* "goal: X" under an item */
    c = mkcell(s, sl);
    fk = field_line(c, &val);
    if (fk != COL_OTHER)
        return complete_last(ps, fk, val);
    return CST_OK;
}

cst_status cst_agenda_parse(const char *text, size_t len, cst_agenda *out)
{
    parser ps;
    cst_lines it;
    const char *line;
    size_t ll;
    cst_status st = CST_OK;

    memset(out, 0, sizeof(*out));
    if (len > CST_MAX_TEXT_BYTES)
        return CST_ERR_TOO_LARGE;
    if (text == NULL || len == 0)
        return CST_OK;
    memset(&ps, 0, sizeof(ps));
    ps.a = out;
    ps.base_indent = -1;

    cst_lines_init(&it, text, len);
    while (cst_lines_next(&it, &line, &ll)) {
        if (ll > CST_MAX_LINE_BYTES)
            continue; /* too long to be an item; ignored */
        st = parse_line(&ps, line, ll, it.lineno);
        if (st != CST_OK)
            goto done;
    }

done:
    if (st != CST_OK)
        cst_agenda_fini(out);
    return st;
}

void cst_agenda_fini(cst_agenda *a)
{
    size_t i;

    if (a == NULL)
        return;
    for (i = 0; i < a->n; i++) {
        free(a->items[i].topic);
        free(a->items[i].owner);
        free(a->items[i].goal);
    }
    free(a->items);
    a->items = NULL;
    a->n = 0;
}
