/*
 * sections.c -- finds the organizer's sections in a DESCRIPTION (spec
 * section 2).
 *
 * A heading line is, after leading '#', '*', '_', '【' or '[' decoration
 * and an optional Chinese ordinal ("一、"), one of the heading words
 * below, then optional closing decoration, then either the end of the
 * line or a colon (':' or '：') with the section's first text after it.
 * Anything else after the word ("Agenda items are below") makes the line
 * ordinary text.  A line indented by a tab or by two or more spaces is
 * never a heading, so that an agenda item's own "Goal: ..." line written
 * under it does not end the agenda.
 */
#include "sections.h"
#include "block.h"
#include "text.h"

#include <string.h>

typedef struct heading {
    const char *word;
    cst_section_kind kind;
} heading;

/*
 * Longer words first where one is a prefix of another ("Action items"
 * before "Actions" before "Action"; "会议目标" is matched whole because
 * matching is anchored at the start of the line).
 */
static const heading headings[] = {
    {"meeting objectives", CST_SEC_GOAL},
    {"meeting objective", CST_SEC_GOAL},
    {"meeting goals", CST_SEC_GOAL},
    {"meeting goal", CST_SEC_GOAL},
    {"meeting purpose", CST_SEC_GOAL},
    {"objectives", CST_SEC_GOAL},
    {"objective", CST_SEC_GOAL},
    {"purpose", CST_SEC_GOAL},
    {"goals", CST_SEC_GOAL},
    {"goal reached", CST_SEC_GOAL_REACHED},
    {"goal achieved", CST_SEC_GOAL_REACHED},
    {"goal", CST_SEC_GOAL},
    {"会议目标达成情况", CST_SEC_GOAL_REACHED},
    {"会议目标达成", CST_SEC_GOAL_REACHED},
    {"会议目标", CST_SEC_GOAL},
    {"会议目的", CST_SEC_GOAL},
    {"目标达成情况", CST_SEC_GOAL_REACHED},
    {"目标达成", CST_SEC_GOAL_REACHED},
    {"目标", CST_SEC_GOAL},
    {"meeting agenda", CST_SEC_AGENDA},
    {"agenda", CST_SEC_AGENDA},
    {"会议议程", CST_SEC_AGENDA},
    {"议程", CST_SEC_AGENDA},
    {"meeting materials", CST_SEC_MATERIALS},
    {"materials", CST_SEC_MATERIALS},
    {"material", CST_SEC_MATERIALS},
    {"pre-reading", CST_SEC_MATERIALS},
    {"pre-reads", CST_SEC_MATERIALS},
    {"pre-read", CST_SEC_MATERIALS},
    {"prereading", CST_SEC_MATERIALS},
    {"prereads", CST_SEC_MATERIALS},
    {"preread", CST_SEC_MATERIALS},
    {"会议材料", CST_SEC_MATERIALS},
    {"会议资料", CST_SEC_MATERIALS},
    {"背景资料", CST_SEC_MATERIALS},
    {"背景材料", CST_SEC_MATERIALS},
    {"材料", CST_SEC_MATERIALS},
    {"资料", CST_SEC_MATERIALS},
    {"meeting minutes", CST_SEC_MINUTES},
    {"minutes", CST_SEC_MINUTES},
    {"会议纪要", CST_SEC_MINUTES},
    {"纪要", CST_SEC_MINUTES},
    {"decisions", CST_SEC_DECISIONS},
    {"decision", CST_SEC_DECISIONS},
    {"决议事项", CST_SEC_DECISIONS},
    {"决议", CST_SEC_DECISIONS},
    {"结论", CST_SEC_DECISIONS},
    {"action items", CST_SEC_ACTIONS},
    {"action item", CST_SEC_ACTIONS},
    {"actions", CST_SEC_ACTIONS},
    {"行动项清单", CST_SEC_ACTIONS},
    {"行动项", CST_SEC_ACTIONS},
    {"行动事项", CST_SEC_ACTIONS},
    {"待办事项", CST_SEC_ACTIONS},
    {"待办", CST_SEC_ACTIONS},
    {"next meeting date", CST_SEC_NEXT},
    {"next meeting", CST_SEC_NEXT},
    {"下次会议时间", CST_SEC_NEXT},
    {"下次会议", CST_SEC_NEXT},
    {"outcome", CST_SEC_GOAL_REACHED},
};

#define N_HEADINGS (sizeof(headings) / sizeof(headings[0]))

/* Chinese ordinals that may number a heading: "一、会议目标". */
static const char *const cn_digits[] = {
    "一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
};

static unsigned char ascii_lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

static int is_ascii_alnum(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9');
}

/* Skips ASCII spaces, tabs and U+3000 / U+00A0. */
static size_t skip_ws(const char *s, size_t len, size_t i)
{
    for (;;) {
        if (i < len && (s[i] == ' ' || s[i] == '\t')) {
            i++;
        } else if (i + 3 <= len && memcmp(s + i, "\xE3\x80\x80", 3) == 0) {
            i += 3;
        } else if (i + 2 <= len && memcmp(s + i, "\xC2\xA0", 2) == 0) {
            i += 2;
        } else {
            return i;
        }
    }
}

/* Returns the length of the UTF-8 literal lit at s + i, or 0. */
static size_t lit_at(const char *s, size_t len, size_t i, const char *lit)
{
    size_t n = strlen(lit);

    if (i + n <= len && memcmp(s + i, lit, n) == 0)
        return n;
    return 0;
}

/* Skips heading decoration: '#', '*', '_', '=', '【', '】', '[', ']' and
 * white space. */
static size_t skip_deco(const char *s, size_t len, size_t i)
{
    size_t n;

    for (;;) {
        i = skip_ws(s, len, i);
        if (i < len && strchr("#*_=[]", s[i]) != NULL && s[i] != '\0') {
            i++;
            continue;
        }
        n = lit_at(s, len, i, "【");
        if (n == 0)
            n = lit_at(s, len, i, "】");
        if (n == 0)
            return i;
        i += n;
    }
}

/* Skips a Chinese ordinal "一、" .. "十二、" at s + i. */
static size_t skip_cn_ordinal(const char *s, size_t len, size_t i)
{
    size_t j = i, k, n;
    int count = 0;

    /* every ordinal digit starts with 0xE4 or 0xE5 */
    if (i >= len || ((unsigned char)s[i] != 0xE4 && (unsigned char)s[i] != 0xE5))
        return i;
    for (;;) {
        n = 0;
        for (k = 0; k < sizeof(cn_digits) / sizeof(cn_digits[0]); k++) {
            n = lit_at(s, len, j, cn_digits[k]);
            if (n > 0)
                break;
        }
        if (n == 0)
            break;
        j += n;
        if (++count > 3)
            return i;
    }
    if (count == 0)
        return i;
    n = lit_at(s, len, j, "、");
    if (n == 0 && j < len && s[j] == '.')
        n = 1;
    if (n == 0)
        return i;
    return skip_ws(s, len, j + n);
}

/* Returns 1 when the line is indented (tab, or two or more spaces). */
static int indented(const char *s, size_t len)
{
    size_t i = skip_ws(s, len, 0);

    if (i == 0)
        return 0;
    if (s[0] == '\t')
        return 1;
    return i >= 2;
}

/*
 * Recognises a heading line.  Returns 1 and sets *kind and *body (the
 * offset in the line of the text after the colon, or len when there is
 * none), else 0.
 */
static int match_heading(const char *s, size_t len, cst_section_kind *kind,
                         size_t *body)
{
    size_t i, j, k, n, wl;
    int colon;
    unsigned char c0;

    if (len == 0 || len > CST_MAX_LINE_BYTES || indented(s, len))
        return 0;
    i = skip_deco(s, len, 0);
    i = skip_cn_ordinal(s, len, i);
    if (i >= len)
        return 0;
    /* only the words that start with the line's first letter, folded as
     * cst_prefix_ci() folds (ASCII only) */
    c0 = ascii_lower((unsigned char)s[i]);
    for (k = 0; k < N_HEADINGS; k++) {
        if (ascii_lower((unsigned char)headings[k].word[0]) != c0)
            continue;
        wl = cst_prefix_ci(s + i, len - i, headings[k].word);
        if (wl == 0)
            continue;
        j = i + wl;
        /* "Goalkeeper", "Agendas2": the word must end here */
        if (j < len && is_ascii_alnum((unsigned char)s[j]) &&
            is_ascii_alnum((unsigned char)s[j - 1]))
            continue;
        j = skip_deco(s, len, j);
        colon = 0;
        n = lit_at(s, len, j, "：");
        if (j < len && s[j] == ':') {
            colon = 1;
            j++;
        } else if (n > 0) {
            colon = 1;
            j += n;
        }
        if (colon) {
            /* "**Goal:** text" */
            j = skip_deco(s, len, j);
            *kind = headings[k].kind;
            *body = j;
            return 1;
        }
        if (j == len) {
            *kind = headings[k].kind;
            *body = len;
            return 1;
        }
        /* the longest word matched; a shorter one cannot do better
         * unless it is a different word, so keep looking */
    }
    return 0;
}

/* Returns 1 when s[0..len) holds only white space. */
static int blank(const char *s, size_t len)
{
    size_t tl;

    cst_trim(s, len, &tl);
    return tl == 0;
}

/* Sets sp to text[start..end) without leading blank lines and trailing
 * white space. */
static void close_span(const char *text, size_t start, size_t end, cst_span *sp)
{
    size_t i, e, tl;
    const char *t;

    /* drop leading blank lines, keep the first line's indentation */
    i = start;
    while (i < end) {
        e = i;
        while (e < end && text[e] != '\n' && text[e] != '\r')
            e++;
        if (!blank(text + i, e - i))
            break;
        if (e < end && text[e] == '\r')
            e++;
        if (e < end && text[e] == '\n')
            e++;
        i = e;
    }
    if (i >= end) {
        sp->text = text + end;
        sp->len = 0;
        return;
    }
    /* drop trailing white space only */
    t = cst_trim(text + i, end - i, &tl);
    sp->text = text + i;
    sp->len = (size_t)(t - (text + i)) + tl;
}

cst_status cst_sections_parse(const char *text, size_t len, cst_sections *out)
{
    cst_lines it;
    const char *line;
    size_t ll, lstart, body, start = 0;
    int cur = -1, in_block = 0, seen_minutes = 0;
    cst_section_kind kind;

    memset(out, 0, sizeof(*out));
    if (len > CST_MAX_TEXT_BYTES)
        return CST_ERR_TOO_LARGE;
    if (text == NULL || len == 0)
        return CST_OK;

    cst_lines_init(&it, text, len);
    while (cst_lines_next(&it, &line, &ll)) {
        lstart = (size_t)(line - text);
        if (in_block) {
            if (cst_block_marker(line, ll) == 2)
                in_block = 0;
            continue;
        }
        if (cst_block_marker(line, ll) == 1) {
            if (cur >= 0)
                close_span(text, start, lstart, &out->sec[cur]);
            cur = -1;
            in_block = 1;
            continue;
        }
        if (!match_heading(line, ll, &kind, &body))
            continue;
        if ((kind == CST_SEC_DECISIONS || kind == CST_SEC_ACTIONS ||
             kind == CST_SEC_NEXT || kind == CST_SEC_GOAL_REACHED) &&
            !seen_minutes)
            continue;
        if (kind == CST_SEC_MINUTES)
            seen_minutes = 1;
        if (cur >= 0)
            close_span(text, start, lstart, &out->sec[cur]);
        cur = -1;
        if (out->sec[kind].present)
            continue; /* the first heading wins; this one's text is
                         nobody's */
        cur = (int)kind;
        out->sec[kind].present = 1;
        out->sec[kind].line = it.lineno;
        if (body < ll) {
            start = lstart + body;
        } else {
            /* the text starts on the next line */
            start = (size_t)(it.p - text);
        }
    }
    if (cur >= 0)
        close_span(text, start, len, &out->sec[cur]);
    return CST_OK;
}

int cst_sections_is_heading(const char *s, size_t len)
{
    cst_section_kind kind;
    size_t body;

    return match_heading(s, len, &kind, &body);
}

int cst_span_has_text(const cst_span *sp)
{
    if (sp == NULL || !sp->present || sp->text == NULL)
        return 0;
    return !blank(sp->text, sp->len);
}
