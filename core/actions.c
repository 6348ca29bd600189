/*
 * actions.c -- action items from the minutes (spec section 2).
 *
 * The section's text is folded first (full-width punctuation to ASCII,
 * core/text.h), then read line by line.  Each line is tried, in order, as
 *
 *   1. the header row of a pipe or tab table (>= 2 known column names, one
 *      of them the task); the rows follow until a blank line or a line
 *      without the separator;
 *   2. the first header line of a "vertical" table (>= 2 lines that are
 *      each only a column name, one the task); then every following group
 *      of as many lines is a row, until a line that cannot be a cell;
 *   3. one item line, after an optional list marker:
 *      "#action OWNER TASK", "ACTION: OWNER to TASK [by DATE]",
 *      labelled fields ("owner: X; due: Y"), "OWNER负责TASK，DATE前…",
 *      fields separated by " — " " | " ";" " – " " - " in the order
 *      TASK OWNER DUE DELIVERABLE PRIORITY, or (with a list marker
 *      only) a bare task, optionally ending in "by DATE".
 *
 * No function here keeps state between calls; all memory is owned by the
 * cst_actions result.
 */
#include "actions.h"
#include "text.h"

#include <stdlib.h>
#include <string.h>

enum { F_TASK, F_OWNER, F_DUE, F_DELIV, F_PRIO, NF };
#define F_IGNORE NF /* a known column that we do not read */
#define F_NONE (-1)

#define MAX_FIELDS 16 /* separated fields / clauses read on one line */
#define MAX_OWNER_BYTES 64u

typedef struct span {
    const char *p;
    size_t n;
    int set;
} span;

typedef struct fields {
    span f[NF];
    int nlabels; /* fields given by a label */
    int npos;    /* fields given by position */
    int line;
} fields;

typedef struct parser {
    const cst_date *ref;
    cst_actions *out;
    size_t cap;
    fields cur; /* a labelled item that may go on over several lines */
    int cur_active;
} parser;

/* ---- names of columns and labels ---- */

static const struct name {
    const char *w;
    int field;
} names[] = {
    {"task", F_TASK},
    {"tasks", F_TASK},
    {"task description", F_TASK},
    {"action", F_TASK},
    {"action item", F_TASK},
    {"todo", F_TASK},
    {"任务", F_TASK},
    {"任务描述", F_TASK},
    {"任务内容", F_TASK},
    {"行动项", F_TASK},
    {"事项", F_TASK},
    {"待办事项", F_TASK},
    {"工作内容", F_TASK},
    {"owner", F_OWNER},
    {"owners", F_OWNER},
    {"assignee", F_OWNER},
    {"responsible", F_OWNER},
    {"who", F_OWNER},
    {"负责人", F_OWNER},
    {"责任人", F_OWNER},
    {"执行人", F_OWNER},
    {"due", F_DUE},
    {"due date", F_DUE},
    {"deadline", F_DUE},
    {"when", F_DUE},
    {"截止", F_DUE},
    {"截止日期", F_DUE},
    {"截止时间", F_DUE},
    {"完成时间", F_DUE},
    {"期限", F_DUE},
    {"deliverable", F_DELIV},
    {"deliverables", F_DELIV},
    {"output", F_DELIV},
    {"交付标准", F_DELIV},
    {"交付物", F_DELIV},
    {"交付成果", F_DELIV},
    {"priority", F_PRIO},
    {"prio", F_PRIO},
    {"优先级", F_PRIO},
    /* columns of tables that are known but not read */
    {"#", F_IGNORE},
    {"no", F_IGNORE},
    {"no.", F_IGNORE},
    {"id", F_IGNORE},
    {"status", F_IGNORE},
    {"notes", F_IGNORE},
    {"remarks", F_IGNORE},
    {"序号", F_IGNORE},
    {"编号", F_IGNORE},
    {"状态", F_IGNORE},
    {"备注", F_IGNORE},
};

#define NNAMES (sizeof(names) / sizeof(names[0]))

static size_t lit(const char *s, size_t len, const char *w)
{
    size_t n = strlen(w);

    return (len >= n && memcmp(s, w, n) == 0) ? n : 0;
}

/* Returns the offset of w in s[0..len), or (size_t)-1. */
static size_t find_lit(const char *s, size_t len, const char *w)
{
    size_t i, n = strlen(w);

    for (i = 0; i + n <= len; i++) {
        if (memcmp(s + i, w, n) == 0)
            return i;
    }
    return (size_t)-1;
}

static span mkspan(const char *p, size_t n)
{
    span sp;

    sp.p = cst_trim(p, n, &sp.n);
    sp.set = 1;
    return sp;
}

/* Removes one trailing '.' or '。' (sentence end). */
static void drop_period(span *sp)
{
    if (sp->n > 0 && sp->p[sp->n - 1] == '.')
        sp->n--;
    else if (sp->n >= 3 && memcmp(sp->p + sp->n - 3, "。", 3) == 0)
        sp->n -= 3;
    sp->p = cst_trim(sp->p, sp->n, &sp->n);
}

/* The column a whole cell or line names, F_IGNORE, or F_NONE. */
static int header_name(const char *s, size_t len)
{
    size_t k;

    s = cst_trim(s, len, &len);
    for (k = 0; k < NNAMES; k++) {
        if (cst_eq_ci(s, len, names[k].w))
            return names[k].field;
    }
    return F_NONE;
}

/*
 * A label at the start of s: a field name, optional blanks and ':'.
 * Returns the field and sets *used to the bytes up to the value, else
 * F_NONE.
 */
static int label_at(const char *s, size_t len, size_t *used)
{
    size_t k, n, j;

    for (k = 0; k < NNAMES; k++) {
        if (names[k].field == F_IGNORE)
            continue;
        n = cst_prefix_ci(s, len, names[k].w);
        if (n == 0)
            continue;
        j = n;
        while (j < len && (s[j] == ' ' || s[j] == '\t'))
            j++;
        if (j < len && s[j] == ':') {
            *used = j + 1;
            return names[k].field;
        }
    }
    return F_NONE;
}

/* The offset of the next ", LABEL:" at or after from, else len. */
static size_t next_label(const char *s, size_t len, size_t from)
{
    size_t k, j, used;

    for (k = from; k < len; k++) {
        j = 0;
        if (s[k] == ',')
            j = k + 1;
        else if (lit(s + k, len - k, "、"))
            j = k + 3;
        if (j == 0)
            continue;
        while (j < len && s[j] == ' ')
            j++;
        if (label_at(s + j, len - j, &used) != F_NONE)
            return k;
    }
    return len;
}

/* A value that stands for "nothing": "", "-", "—", "/". */
static int empty_value(const span *sp)
{
    return sp->n == 0 || (sp->n == 1 && (sp->p[0] == '-' || sp->p[0] == '/')) ||
           (sp->n == 3 && memcmp(sp->p, "—", 3) == 0);
}

/* ---- priorities ---- */

int cst_priority_parse(const char *s, size_t len)
{
    static const struct {
        const char *w;
        int prio;
    } words[] = {
        {"high", 1}, {"urgent", 1}, {"critical", 1}, {"highest", 1},
        {"p0", 1},   {"p1", 1},     {"高", 1},       {"紧急", 1},
        {"最高", 1}, {"medium", 5}, {"normal", 5},   {"med", 5},
        {"p2", 5},   {"中", 5},     {"一般", 5},     {"普通", 5},
        {"中等", 5}, {"low", 9},    {"lowest", 9},   {"p3", 9},
        {"p4", 9},   {"低", 9},     {"最低", 9},
    };
    size_t k, n;

    if (s == NULL)
        return 0;
    s = cst_trim(s, len, &len);
    /* "高优先级", "优先级：高" */
    n = strlen("优先级");
    if (len > n && memcmp(s + len - n, "优先级", n) == 0)
        s = cst_trim(s, len - n, &len);
    else if (len > n && memcmp(s, "优先级", n) == 0)
        s = cst_trim(s + n, len - n, &len);
    if (len > 0 && s[0] == ':')
        s = cst_trim(s + 1, len - 1, &len);
    for (k = 0; k < sizeof(words) / sizeof(words[0]); k++) {
        if (cst_eq_ci(s, len, words[k].w))
            return words[k].prio;
    }
    return 0;
}

/* ---- the result ---- */

static void item_free(cst_action_item *it)
{
    free(it->task);
    free(it->owner);
    free(it->deliverable);
    free(it->due_text);
}

void cst_actions_fini(cst_actions *a)
{
    size_t i;

    if (a == NULL)
        return;
    for (i = 0; i < a->n; i++)
        item_free(&a->items[i]);
    free(a->items);
    a->items = NULL;
    a->n = 0;
}

/* Copies a field, or leaves *dst NULL when it is absent or empty. */
static cst_status copy_field(const span *sp, char **dst)
{
    *dst = NULL;
    if (!sp->set || empty_value(sp))
        return CST_OK;
    *dst = cst_strndup(sp->p, sp->n);
    return *dst == NULL ? CST_ERR_NOMEM : CST_OK;
}

/* Adds the item f describes; one without a task is no item. */
static cst_status add_item(parser *ps, fields *f)
{
    cst_action_item it, *grown;
    cst_status st = CST_OK;
    size_t cap;
    int k;

    memset(&it, 0, sizeof(it));
    for (k = 0; k < NF; k++) {
        if (f->f[k].set)
            f->f[k].p = cst_trim(f->f[k].p, f->f[k].n, &f->f[k].n);
    }
    if (f->f[F_TASK].set)
        drop_period(&f->f[F_TASK]);
    if (f->f[F_DELIV].set)
        drop_period(&f->f[F_DELIV]);
    if (!f->f[F_TASK].set || empty_value(&f->f[F_TASK]))
        goto done;
    if (ps->out->n >= CST_MAX_ACTION_ITEMS) {
        st = CST_ERR_TOO_LARGE;
        goto done;
    }
    if (ps->out->n == ps->cap) {
        cap = ps->cap == 0 ? 8 : ps->cap * 2;
        if (cap > CST_MAX_ACTION_ITEMS)
            cap = CST_MAX_ACTION_ITEMS;
        grown = realloc(ps->out->items, cap * sizeof(*grown));
        if (grown == NULL) {
            st = CST_ERR_NOMEM;
            goto done;
        }
        ps->out->items = grown;
        ps->cap = cap;
    }
    if ((st = copy_field(&f->f[F_TASK], &it.task)) != CST_OK ||
        (st = copy_field(&f->f[F_OWNER], &it.owner)) != CST_OK ||
        (st = copy_field(&f->f[F_DELIV], &it.deliverable)) != CST_OK ||
        (st = copy_field(&f->f[F_DUE], &it.due_text)) != CST_OK)
        goto done;
    if (it.due_text != NULL)
        it.has_due =
            cst_due_parse(it.due_text, strlen(it.due_text), ps->ref, &it.due);
    if (f->f[F_PRIO].set)
        it.priority = cst_priority_parse(f->f[F_PRIO].p, f->f[F_PRIO].n);
    it.line = f->line;
    ps->out->items[ps->out->n++] = it;
    memset(&it, 0, sizeof(it));

done:
    item_free(&it);
    return st;
}

static void set_field(fields *f, int field, const char *p, size_t n)
{
    if (field < 0 || field >= NF || f->f[field].set)
        return;
    f->f[field] = mkspan(p, n);
}

/* ---- "by DATE" at the end of a task ---- */

/*
 * When the task ends in "by DATE", "before DATE", "due DATE", "until
 * DATE" or "(due DATE)" and DATE parses, moves DATE to the due field.
 */
static void tail_due(parser *ps, fields *f)
{
    static const char *const marks[] = {
        " by ", " before ", " due ",    " until ", " no later than ",
        "(by ", "(due ",    "(before ", " 截止",
    };
    span *t = &f->f[F_TASK];
    size_t i, k, m, vn;
    const char *v;
    cst_date d;

    if (!t->set || f->f[F_DUE].set)
        return;
    for (i = 1; i < t->n; i++) {
        for (k = 0; k < sizeof(marks) / sizeof(marks[0]); k++) {
            m = cst_prefix_ci(t->p + i, t->n - i, marks[k]);
            if (m == 0)
                continue;
            v = cst_trim(t->p + i + m, t->n - i - m, &vn);
            if (vn > 0 && v[vn - 1] == ')' && marks[k][0] == '(')
                vn--;
            else if (vn > 0 && v[vn - 1] == '.')
                vn--;
            if (!cst_due_parse(v, vn, ps->ref, &d))
                continue;
            f->f[F_DUE] = mkspan(v, vn);
            t->p = cst_trim(t->p, i, &t->n);
            while (t->n > 0 && (t->p[t->n - 1] == ',' || t->p[t->n - 1] == '('))
                t->p = cst_trim(t->p, t->n - 1, &t->n);
            return;
        }
    }
}

/* ---- fields on one line ---- */

enum { SEP_NONE, SEP_EMDASH, SEP_PIPE, SEP_SEMI, SEP_ENDASH, SEP_HYPHEN };

static int sep_kind(const char *s, size_t len)
{
    if (find_lit(s, len, "—") != (size_t)-1)
        return SEP_EMDASH;
    if (memchr(s, '|', len) != NULL)
        return SEP_PIPE;
    if (memchr(s, ';', len) != NULL)
        return SEP_SEMI;
    if (find_lit(s, len, " – ") != (size_t)-1)
        return SEP_ENDASH;
    if (find_lit(s, len, " - ") != (size_t)-1)
        return SEP_HYPHEN;
    return SEP_NONE;
}

/* Splits s into at most MAX_FIELDS fields; an empty field between two
 * separators keeps its place.  Returns the number of fields. */
static size_t split_fields(const char *s, size_t len, int kind, span *out)
{
    const char *sep = NULL;
    size_t i = 0, start = 0, n = 0, m;

    switch (kind) {
    case SEP_EMDASH:
        sep = "—";
        break;
    case SEP_PIPE:
        sep = "|";
        s = cst_trim(s, len, &len);
        if (len > 0 && s[0] == '|')
            s++, len--;
        if (len > 0 && s[len - 1] == '|')
            len--;
        break;
    case SEP_SEMI:
        sep = ";";
        break;
    case SEP_ENDASH:
        sep = " – ";
        break;
    case SEP_HYPHEN:
        sep = " - ";
        break;
    default:
        out[0] = mkspan(s, len);
        return 1;
    }
    m = strlen(sep);
    while (i <= len && n < MAX_FIELDS) {
        if (i == len || lit(s + i, len - i, sep)) {
            out[n++] = mkspan(s + start, i - start);
            if (i == len)
                break;
            i += m;
            /* "——" (a Chinese dash) is one separator */
            if (kind == SEP_EMDASH)
                while (lit(s + i, len - i, sep))
                    i += m;
            start = i;
            continue;
        }
        i++;
    }
    /* a trailing separator ends the line, it adds no field */
    while (n > 1 && out[n - 1].n == 0)
        n--;
    return n;
}

/* Reads the fields of one line (or one ACTION body) into f. */
static void line_fields(const char *s, size_t len, fields *f)
{
    span fl[MAX_FIELDS];
    size_t nf, i, j, end, used;
    int field;

    nf = split_fields(s, len, sep_kind(s, len), fl);
    for (i = 0; i < nf; i++) {
        j = 0;
        end = next_label(fl[i].p, fl[i].n, 0);
        if (label_at(fl[i].p, fl[i].n, &used) == F_NONE) {
            /* the positional part, which keeps its place when empty */
            if (fl[i].n > 0 || nf > 1)
                f->npos++;
            set_field(f, (int)i, fl[i].p, end);
            j = end;
        }
        while (j < fl[i].n) {
            if (fl[i].p[j] == ',')
                j++;
            else if (lit(fl[i].p + j, fl[i].n - j, "、"))
                j += 3;
            while (j < fl[i].n && fl[i].p[j] == ' ')
                j++;
            field = label_at(fl[i].p + j, fl[i].n - j, &used);
            if (field == F_NONE)
                break;
            j += used;
            end = next_label(fl[i].p, fl[i].n, j);
            set_field(f, field, fl[i].p + j, end - j);
            f->nlabels++;
            j = end;
        }
    }
}

/* ---- "王五负责整理预算方案，6月30日前提交给财务部" ---- */

/* A clause that says no more than "done": 完成, 提交, … */
static int trivial(const char *s, size_t len)
{
    static const char *const words[] = {
        "完成", "提交", "交付", "搞定", "落实",   "完成即可", "做完",
        "结束", "前",   "之前", "done", "finish", "complete",
    };
    span sp = mkspan(s, len);
    size_t k;

    drop_period(&sp);
    if (sp.n == 0)
        return 1;
    for (k = 0; k < sizeof(words) / sizeof(words[0]); k++) {
        if (cst_eq_ci(sp.p, sp.n, words[k]))
            return 1;
    }
    return 0;
}

/* Drops a trailing 在 / 于 / 并于 / 并在 ("在6月30日前") from sp. */
static void drop_trailing_at(span *sp)
{
    static const char *const words[] = {"并于", "并在",    "在",     "于",
                                        " by",  " before", " until", " due"};
    size_t k, n;

    for (k = 0; k < sizeof(words) / sizeof(words[0]); k++) {
        n = strlen(words[k]);
        if (sp->n >= n && cst_eq_ci(sp->p + sp->n - n, n, words[k])) {
            sp->p = cst_trim(sp->p, sp->n - n, &sp->n);
            return;
        }
    }
}

/*
 * The Chinese sentence form.  OWNER is the text before 负责 (without a
 * leading 由 / 请); the first clause after it is the task; the first date
 * (cst_due_find) in any clause is the due date; the text after the date
 * (or the following clauses) is the deliverable unless it says no more
 * than 完成 / 提交.  Returns 1 when s is such a sentence.
 */
static int sentence_rest(parser *ps, span owner, const char *s, size_t len,
                         fields *f);

static int sentence(parser *ps, const char *s, size_t len, fields *f)
{
    span owner;
    size_t at, n;

    at = find_lit(s, len, "负责");
    if (at == (size_t)-1 || at == 0 || lit(s + at + 6, len - at - 6, "人"))
        return 0;
    owner = mkspan(s, at);
    if ((n = lit(owner.p, owner.n, "由")) > 0 ||
        (n = lit(owner.p, owner.n, "请")) > 0)
        owner = mkspan(owner.p + n, owner.n - n);
    if ((n = strlen("来")) <= owner.n &&
        memcmp(owner.p + owner.n - n, "来", n) == 0)
        owner = mkspan(owner.p, owner.n - n);
    if (owner.n == 0 || owner.n > MAX_OWNER_BYTES ||
        memchr(owner.p, ',', owner.n) != NULL ||
        memchr(owner.p, ';', owner.n) != NULL ||
        memchr(owner.p, ':', owner.n) != NULL ||
        find_lit(owner.p, owner.n, "。") != (size_t)-1)
        return 0;
    s += at + 6;
    len -= at + 6;
    s = cst_trim(s, len, &len);
    if (len > 0 && s[0] == ':')
        s = cst_trim(s + 1, len - 1, &len);
    return sentence_rest(ps, owner, s, len, f);
}

/* What follows the owner in the sentence form (and in "OWNER: TASK"):
 * the first clause is the task, the first date the due date, the rest
 * the deliverable. */
static int sentence_rest(parser *ps, span owner, const char *s, size_t len,
                         fields *f)
{
    span cl[MAX_FIELDS], before, after, cand;
    size_t i, n, ncl = 0, start, off, dl, used;
    const char *dend = NULL, *dstart = NULL;
    size_t dlast = 0;
    cst_date d;
    int field;

    if (len == 0)
        return 0;
    /* clauses */
    start = 0;
    for (i = 0; i <= len && ncl < MAX_FIELDS; i++) {
        n = 0;
        if (i < len && (s[i] == ',' || s[i] == ';'))
            n = 1;
        else if (i < len && lit(s + i, len - i, "。"))
            n = 3;
        if (i < len && n == 0)
            continue;
        cl[ncl++] = mkspan(s + start, i - start);
        i += n == 0 ? 0 : n - 1;
        start = i + 1;
    }
    f->f[F_OWNER] = owner;
    for (i = 0; i < ncl; i++) {
        cand.set = 0;
        if (i > 0 && (field = label_at(cl[i].p, cl[i].n, &used)) != F_NONE) {
            set_field(f, field, cl[i].p + used, cl[i].n - used);
            f->nlabels++;
            continue;
        }
        if (!f->f[F_DUE].set &&
            cst_due_find(cl[i].p, cl[i].n, ps->ref, &off, &dl, &d)) {
            f->f[F_DUE] = mkspan(cl[i].p + off, dl);
            before = mkspan(cl[i].p, off);
            drop_trailing_at(&before);
            after = mkspan(cl[i].p + off + dl, cl[i].n - off - dl);
            if (i == 0 && !trivial(before.p, before.n)) {
                f->f[F_TASK] = before;
                cand = after;
            } else if (i == 0) {
                f->f[F_TASK] = after;
            } else if (!trivial(after.p, after.n)) {
                cand = after;
            } else {
                cand = before;
            }
        } else if (i == 0) {
            f->f[F_TASK] = cl[i];
        } else {
            cand = cl[i];
        }
        if (!cand.set || trivial(cand.p, cand.n))
            continue;
        if (dstart == NULL) {
            dstart = cand.p;
            dend = cand.p + cand.n;
            dlast = i;
        } else if (dlast + 1 == i) {
            dend = cand.p + cand.n;
            dlast = i;
        }
    }
    if (dstart != NULL)
        f->f[F_DELIV] = mkspan(dstart, (size_t)(dend - dstart));
    return 1;
}

/* ---- ACTION: and #action ---- */

/* Could w be a person's name in "ACTION: W to …"?  At most 4 words that
 * start with a capital, '@' or a non-ASCII letter. */
static int name_like(const char *s, size_t len)
{
    size_t i, words = 1;
    unsigned char c;

    if (len == 0 || len > MAX_OWNER_BYTES)
        return 0;
    c = (unsigned char)s[0];
    if (!(c >= 'A' && c <= 'Z') && c != '@' && c < 0x80)
        return 0;
    for (i = 0; i < len; i++) {
        if (s[i] == ' ')
            words++;
        if (s[i] == ',' || s[i] == ';' || s[i] == ':')
            return 0;
    }
    return words <= 4;
}

/* The rest after "ACTION:" / "Action item:", or NULL. */
static const char *action_prefix(const char *s, size_t len, size_t *rest)
{
    static const char *const pre[] = {"action items", "action item", "action"};
    size_t k, n;

    for (k = 0; k < sizeof(pre) / sizeof(pre[0]); k++) {
        n = cst_prefix_ci(s, len, pre[k]);
        if (n == 0)
            continue;
        while (n < len && s[n] == ' ')
            n++;
        if (n < len && s[n] == ':')
            return cst_trim(s + n + 1, len - n - 1, rest);
    }
    return NULL;
}

/* "OWNER to TASK": sets owner and task when the part before " to " looks
 * like a name.  Returns 1 when it did. */
static int owner_to_task(const char *s, size_t len, fields *f)
{
    size_t k = cst_find_ci(s, len, " to ");

    if (k == (size_t)-1 || !name_like(s, k))
        return 0;
    f->f[F_OWNER] = mkspan(s, k);
    f->f[F_TASK] = mkspan(s + k + 4, len - k - 4);
    return 1;
}

static void action_line(parser *ps, const char *s, size_t len, fields *f)
{
    int kind = sep_kind(s, len);
    size_t used;

    if (kind == SEP_EMDASH || kind == SEP_PIPE ||
        label_at(s, len, &used) != F_NONE || next_label(s, len, 0) < len) {
        line_fields(s, len, f);
    } else if (!owner_to_task(s, len, f) && !sentence(ps, s, len, f)) {
        f->f[F_TASK] = mkspan(s, len);
    }
    tail_due(ps, f);
}

/* "#action OWNER TASK" (MeetBot): the first word is the owner ("to"
 * after it dropped), unless the line reads "#action Li Si to TASK" with a
 * capitalised name of up to four words before " to ". */
static void meetbot_line(parser *ps, const char *s, size_t len, fields *f)
{
    const char *sp;
    size_t n;

    if (!owner_to_task(s, len, f)) {
        sp = memchr(s, ' ', len);
        if (sp == NULL) {
            f->f[F_TASK] = mkspan(s, len);
        } else {
            n = (size_t)(sp - s);
            f->f[F_OWNER] = mkspan(s, n);
            while (f->f[F_OWNER].n > 1 &&
                   (f->f[F_OWNER].p[f->f[F_OWNER].n - 1] == ':' ||
                    f->f[F_OWNER].p[f->f[F_OWNER].n - 1] == ','))
                f->f[F_OWNER].n--;
            f->f[F_TASK] = mkspan(sp, len - n);
            if (cst_prefix_ci(f->f[F_TASK].p, f->f[F_TASK].n, "to ") == 3)
                f->f[F_TASK] = mkspan(f->f[F_TASK].p + 3, f->f[F_TASK].n - 3);
        }
    }
    tail_due(ps, f);
}

/* ---- the labelled item that may span lines ---- */

static cst_status flush(parser *ps)
{
    if (!ps->cur_active)
        return CST_OK;
    ps->cur_active = 0;
    return add_item(ps, &ps->cur);
}

/* Adds a line with labelled fields: to the current item when none of its
 * fields is set there yet, else as a new item. */
static cst_status labelled(parser *ps, const fields *f)
{
    cst_status st;
    int k, clash = 0;

    if (ps->cur_active) {
        for (k = 0; k < NF; k++) {
            if (f->f[k].set && ps->cur.f[k].set)
                clash = 1;
        }
        if (!clash) {
            for (k = 0; k < NF; k++) {
                if (f->f[k].set)
                    ps->cur.f[k] = f->f[k];
            }
            return CST_OK;
        }
        if ((st = flush(ps)) != CST_OK)
            return st;
    }
    ps->cur = *f;
    ps->cur_active = 1;
    return CST_OK;
}

/* A bare list item that means "none". */
static int none_item(const char *s, size_t len)
{
    static const char *const words[] = {"none", "n/a", "无", "暂无", "没有"};
    size_t k;

    for (k = 0; k < sizeof(words) / sizeof(words[0]); k++) {
        if (cst_eq_ci(s, len, words[k]))
            return 1;
    }
    return 0;
}

/*
 * "OWNER: TASK…" (王五：整理预算方案，6月30日前; - Li Si: send notes by
 * Friday).  OWNER must look like a name (name_like(), or CJK of at most
 * 4 characters, or @name) and not be a word such as "Note".  Returns 1
 * when s is such a line.
 */
static int owner_colon(parser *ps, const char *s, size_t len, fields *f)
{
    static const char *const stop[] = {
        "note",    "notes",    "nb",        "ps",     "update", "status",
        "summary", "decision", "decisions", "result", "next",   "fyi",
        "备注",    "注",       "说明",      "结论",   "决议",   "更新",
        "状态",    "总结",     "下次会议",
    };
    const char *colon = memchr(s, ':', len);
    span owner;
    size_t k;

    if (colon == NULL || (colon + 1 < s + len && colon[1] == '/'))
        return 0;
    owner = mkspan(s, (size_t)(colon - s));
    if (owner.n == 0 || owner.n > 32)
        return 0;
    for (k = 0; k < sizeof(stop) / sizeof(stop[0]); k++) {
        if (cst_eq_ci(owner.p, owner.n, stop[k]))
            return 0;
    }
    if ((unsigned char)owner.p[0] < 0x80 && !name_like(owner.p, owner.n))
        return 0;
    if ((unsigned char)owner.p[0] >= 0x80 &&
        (owner.n > 12 || memchr(owner.p, ' ', owner.n) != NULL ||
         memchr(owner.p, ',', owner.n) != NULL))
        return 0;
    return sentence_rest(ps, owner, colon + 1, len - (size_t)(colon + 1 - s),
                         f);
}

/* A bare task "@li send notes" / "send notes @li": the mention at either
 * end is the owner. */
static void mention_owner(fields *f)
{
    span *t = &f->f[F_TASK];
    const char *sp;
    size_t n;

    if (t->n < 2)
        return;
    if (t->p[0] == '@') {
        sp = memchr(t->p, ' ', t->n);
        if (sp == NULL)
            return;
        n = (size_t)(sp - t->p);
        f->f[F_OWNER] = mkspan(t->p, n);
        *t = mkspan(sp, t->n - n);
        return;
    }
    for (n = t->n; n > 0 && t->p[n - 1] != ' '; n--)
        ;
    if (n > 0 && n < t->n && t->p[n] == '@') {
        f->f[F_OWNER] = mkspan(t->p + n, t->n - n);
        *t = mkspan(t->p, n);
    }
}

/* One line that is no table. */
static cst_status item_line(parser *ps, const char *s, size_t len, int line)
{
    fields f;
    const char *body;
    size_t marker, n;
    int kind;

    memset(&f, 0, sizeof(f));
    f.line = line;
    marker = cst_list_marker(s, len);
    s += marker;
    len -= marker;
    /* a task-list check box: "- [ ] ", "- [x] " */
    if (marker > 0 && len >= 3 && s[0] == '[' && s[2] == ']' &&
        (s[1] == ' ' || s[1] == 'x' || s[1] == 'X'))
        s = cst_trim(s + 3, len - 3, &len);
    if (len == 0)
        return flush(ps);
    if ((n = cst_prefix_ci(s, len, "#action")) > 0 &&
        (n == len || s[n] == ' ')) {
        body = cst_trim(s + n, len - n, &n);
        meetbot_line(ps, body, n, &f);
        goto single;
    }
    if ((body = action_prefix(s, len, &n)) != NULL) {
        action_line(ps, body, n, &f);
        goto single;
    }
    if (s[0] == '#')
        return flush(ps); /* a heading */
    kind = sep_kind(s, len);
    if ((kind == SEP_NONE || kind == SEP_SEMI) && sentence(ps, s, len, &f))
        goto single;
    line_fields(s, len, &f);
    if (f.nlabels > 0)
        return labelled(ps, &f);
    if (kind == SEP_NONE || kind == SEP_SEMI) {
        memset(&f, 0, sizeof(f));
        f.line = line;
        if (owner_colon(ps, s, len, &f))
            goto single;
        line_fields(s, len, &f);
    }
    /* a hyphen or an en dash separates fields only in a list item or
     * between three fields or more ("Review Q3 - Q4 plan" is no item) */
    if (f.npos >= 3 || (f.npos == 2 && (marker > 0 || (kind != SEP_HYPHEN &&
                                                       kind != SEP_ENDASH))))
        goto single;
    if (marker == 0 || none_item(s, len))
        return flush(ps);
    memset(&f, 0, sizeof(f));
    f.line = line;
    f.f[F_TASK] = mkspan(s, len);
    tail_due(ps, &f);
    mention_owner(&f);

single : {
    cst_status st = flush(ps);

    if (st != CST_OK)
        return st;
}
    return add_item(ps, &f);
}

/* ---- tables ---- */

/* Splits a table row on sep (outer pipes dropped; a tab row is not
 * trimmed, so that empty first and last cells keep their places). */
static size_t split_cells(const char *s, size_t len, char sep, span *out)
{
    size_t i, start = 0, n = 0;

    if (sep == '|') {
        s = cst_trim(s, len, &len);
        if (len > 0 && s[0] == '|')
            s++, len--;
        if (len > 0 && s[len - 1] == '|')
            len--;
    }
    for (i = 0; i <= len && n < CST_MAX_TABLE_COLUMNS; i++) {
        if (i == len || s[i] == sep) {
            out[n++] = mkspan(s + start, i - start);
            start = i + 1;
        }
    }
    return n;
}

/* Returns 1 when the cells name >= 2 known columns, one the task, and
 * fills map[] (cell index -> field, F_IGNORE for the others). */
static int header_map(const span *cells, size_t n, int *map)
{
    int used[NF + 1], known = 0, f;
    size_t i;

    memset(used, 0, sizeof(used));
    for (i = 0; i < n; i++) {
        f = header_name(cells[i].p, cells[i].n);
        if (f == F_NONE || f == F_IGNORE || used[f]) {
            map[i] = F_IGNORE;
            continue;
        }
        used[f] = 1;
        map[i] = f;
        known++;
    }
    return known >= 2 && used[F_TASK];
}

/* |---|:--:| */
static int separator_row(const char *s, size_t len)
{
    size_t i;
    int dash = 0;

    for (i = 0; i < len; i++) {
        if (s[i] == '-')
            dash = 1;
        else if (s[i] != '|' && s[i] != ':' && s[i] != ' ' && s[i] != '+' &&
                 s[i] != '\t')
            return 0;
    }
    return dash;
}

/* The rows of a pipe or tab table whose header was just read. */
static cst_status table_rows(parser *ps, cst_lines *it, char sep,
                             const int *map, size_t ncols)
{
    span cells[CST_MAX_TABLE_COLUMNS];
    cst_lines save;
    const char *l, *t;
    size_t n, tn, nc, i;
    fields f;
    cst_status st;

    for (;;) {
        save = *it;
        if (!cst_lines_next(it, &l, &n))
            break;
        if (n > CST_MAX_LINE_BYTES)
            continue;
        t = cst_trim(l, n, &tn);
        if (tn == 0)
            break;
        if (memchr(l, sep, n) == NULL) {
            *it = save;
            break;
        }
        if (sep == '|' && separator_row(t, tn))
            continue;
        nc = split_cells(l, n, sep, cells);
        memset(&f, 0, sizeof(f));
        f.line = it->lineno;
        for (i = 0; i < nc && i < ncols; i++)
            set_field(&f, map[i], cells[i].p, cells[i].n);
        if ((st = add_item(ps, &f)) != CST_OK)
            return st;
    }
    return CST_OK;
}

/* Could this line be a cell of a vertical table? */
static int can_be_cell(const char *s, size_t len)
{
    size_t used, rest;

    if (len == 0 || len > CST_MAX_LINE_BYTES)
        return 0;
    s = cst_trim(s, len, &len);
    if (len == 0)
        return 0;
    if (len == 1 && (s[0] == '-' || s[0] == '/'))
        return 1; /* an empty cell */
    if (s[0] == '#' || memchr(s, '|', len) != NULL ||
        memchr(s, '\t', len) != NULL || cst_list_marker(s, len) > 0 ||
        header_name(s, len) != F_NONE || label_at(s, len, &used) != F_NONE ||
        action_prefix(s, len, &rest) != NULL)
        return 0;
    return 1;
}

/*
 * A vertical table starting at the line *it returns next.  Returns
 * CST_OK and advances *it past the table when there is one; leaves *it
 * alone (and sets *found = 0) when there is none.
 */
static cst_status vertical(parser *ps, cst_lines *it, int *found)
{
    int map[CST_MAX_TABLE_COLUMNS], used[NF + 1], f, known = 0, first = 0;
    cst_lines w = *it, save;
    const char *l;
    size_t n, ncols = 0, col = 0;
    fields row;
    cst_status st;

    *found = 0;
    memset(used, 0, sizeof(used));
    for (;;) {
        save = w;
        if (!cst_lines_next(&w, &l, &n) || n > CST_MAX_LINE_BYTES ||
            ncols == CST_MAX_TABLE_COLUMNS ||
            (f = header_name(l, n)) == F_NONE) {
            w = save;
            break;
        }
        if (f != F_IGNORE && !used[f]) {
            used[f] = 1;
            known++;
            map[ncols++] = f;
        } else {
            map[ncols++] = F_IGNORE;
        }
    }
    if (known < 2 || !used[F_TASK])
        return CST_OK;
    *found = 1;
    memset(&row, 0, sizeof(row));
    for (;;) {
        save = w;
        if (!cst_lines_next(&w, &l, &n) || !can_be_cell(l, n)) {
            w = save;
            break;
        }
        if (col == 0) {
            memset(&row, 0, sizeof(row));
            first = w.lineno;
            row.line = first;
        }
        set_field(&row, map[col], l, n);
        if (++col == ncols) {
            col = 0;
            if ((st = add_item(ps, &row)) != CST_OK)
                return st;
        }
    }
    /* a last row cut short keeps what it has when that is more than the
     * task alone (an empty last cell may be lost in extraction) */
    if (col >= 2 && row.f[F_TASK].set) {
        if ((st = add_item(ps, &row)) != CST_OK)
            return st;
    }
    *it = w;
    return CST_OK;
}

/* ---- the section ---- */

static cst_status parse_lines(parser *ps, const char *text, size_t len)
{
    span cells[CST_MAX_TABLE_COLUMNS];
    int map[CST_MAX_TABLE_COLUMNS];
    cst_lines it, save;
    const char *l, *raw;
    size_t n, rawn, nc;
    int found;
    char sep;
    cst_status st;

    cst_lines_init(&it, text, len);
    for (;;) {
        save = it;
        if (!cst_lines_next(&it, &l, &n))
            break;
        if (n > CST_MAX_LINE_BYTES) {
            if ((st = flush(ps)) != CST_OK)
                return st;
            continue;
        }
        raw = l;
        rawn = n;
        l = cst_trim(l, n, &n);
        if (n == 0) {
            if ((st = flush(ps)) != CST_OK)
                return st;
            continue;
        }
        sep = memchr(l, '|', n) != NULL    ? '|'
              : memchr(l, '\t', n) != NULL ? '\t'
                                           : 0;
        if (sep != 0) {
            nc = sep == '|' ? split_cells(l, n, sep, cells)
                            : split_cells(raw, rawn, sep, cells);
            if (header_map(cells, nc, map)) {
                if ((st = flush(ps)) != CST_OK ||
                    (st = table_rows(ps, &it, sep, map, nc)) != CST_OK)
                    return st;
                continue;
            }
        }
        if (header_name(l, n) != F_NONE) {
            it = save;
            if ((st = vertical(ps, &it, &found)) != CST_OK)
                return st;
            if (found) {
                if ((st = flush(ps)) != CST_OK)
                    return st;
                continue;
            }
            cst_lines_next(&it, &l, &n);
            l = cst_trim(l, n, &n);
        }
        if ((st = item_line(ps, l, n, it.lineno)) != CST_OK)
            return st;
    }
    return flush(ps);
}

cst_status cst_actions_parse(const char *text, size_t len, const cst_date *ref,
                             cst_actions *out)
{
    parser ps;
    char *folded = NULL;
    size_t flen;
    cst_status st = CST_OK;

    out->items = NULL;
    out->n = 0;
    if (text == NULL || len == 0)
        goto done;
    if (len > CST_MAX_TEXT_BYTES) {
        st = CST_ERR_TOO_LARGE;
        goto done;
    }
    folded = malloc(len + 1);
    if (folded == NULL) {
        st = CST_ERR_NOMEM;
        goto done;
    }
    flen = cst_text_fold(text, len, folded);
    memset(&ps, 0, sizeof(ps));
    ps.ref = ref;
    ps.out = out;
    st = parse_lines(&ps, folded, flen);

done:
    if (st != CST_OK)
        cst_actions_fini(out);
    free(folded);
    return st;
}
