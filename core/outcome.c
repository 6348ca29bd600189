/*
 * outcome.c -- the value of the goal-reached heading of the minutes.
 */
#include "config.h"

#include <string.h>

#include "core/outcome.h"
#include "core/text.h"

typedef struct word {
    const char *w;
    cst_outcome o;
} word;

/* Longer words before their prefixes ("not reached" before "no",
 * "部分达成" before "部分", "未达成" is no "达成"). */
static const word words[] = {
    {"not reached", CST_OUTCOME_NO},
    {"not achieved", CST_OUTCOME_NO},
    {"not met", CST_OUTCOME_NO},
    {"not yet", CST_OUTCOME_NO},
    {"not really", CST_OUTCOME_NO},
    {"missed", CST_OUTCOME_NO},
    {"failed", CST_OUTCOME_NO},
    {"no", CST_OUTCOME_NO},
    {"n", CST_OUTCOME_NO},
    {"partially", CST_OUTCOME_PARTLY},
    {"partial", CST_OUTCOME_PARTLY},
    {"partly", CST_OUTCOME_PARTLY},
    {"in part", CST_OUTCOME_PARTLY},
    {"somewhat", CST_OUTCOME_PARTLY},
    {"mostly", CST_OUTCOME_PARTLY},
    {"yes", CST_OUTCOME_YES},
    {"y", CST_OUTCOME_YES},
    {"reached", CST_OUTCOME_YES},
    {"achieved", CST_OUTCOME_YES},
    {"met", CST_OUTCOME_YES},
    {"done", CST_OUTCOME_YES},
    {"fully", CST_OUTCOME_YES},
    {"未达成", CST_OUTCOME_NO},
    {"未达到", CST_OUTCOME_NO},
    {"没有达成", CST_OUTCOME_NO},
    {"没达成", CST_OUTCOME_NO},
    {"没有达到", CST_OUTCOME_NO},
    {"未完成", CST_OUTCOME_NO},
    {"没有", CST_OUTCOME_NO},
    {"否", CST_OUTCOME_NO},
    {"部分达成", CST_OUTCOME_PARTLY},
    {"部分达到", CST_OUTCOME_PARTLY},
    {"基本达成", CST_OUTCOME_PARTLY},
    {"基本达到", CST_OUTCOME_PARTLY},
    {"部分", CST_OUTCOME_PARTLY},
    {"完全达成", CST_OUTCOME_YES},
    {"全部达成", CST_OUTCOME_YES},
    {"已达成", CST_OUTCOME_YES},
    {"已达到", CST_OUTCOME_YES},
    {"达成", CST_OUTCOME_YES},
    {"达到", CST_OUTCOME_YES},
    {"完成", CST_OUTCOME_YES},
    {"是", CST_OUTCOME_YES},
};

#define N_WORDS (sizeof(words) / sizeof(words[0]))

static int is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

cst_outcome cst_outcome_parse(const char *text, size_t len)
{
    const char *s;
    size_t i = 0, e, n, k, m;

    if (text == NULL)
        return CST_OUTCOME_UNKNOWN;
    /* the first non-blank line */
    for (;;) {
        e = i;
        while (e < len && text[e] != '\n' && text[e] != '\r')
            e++;
        s = cst_trim(text + i, e - i, &n);
        if (n > 0 || e >= len)
            break;
        i = e + 1;
    }
    if (n == 0)
        return CST_OUTCOME_UNKNOWN;
    m = cst_list_marker(s, n);
    s += m;
    n -= m;
    while (n > 0 && (*s == '*' || *s == '_' || *s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    for (k = 0; k < N_WORDS; k++) {
        size_t wl = cst_prefix_ci(s, n, words[k].w);

        if (wl == 0)
            continue;
        if ((unsigned char)words[k].w[0] < 0x80 && wl < n &&
            is_alpha((unsigned char)s[wl]))
            continue; /* "yesterday", "nothing" */
        return words[k].o;
    }
    return CST_OUTCOME_UNKNOWN;
}

const char *cst_outcome_name(cst_outcome o)
{
    switch (o) {
    case CST_OUTCOME_YES:
        return "yes";
    case CST_OUTCOME_PARTLY:
        return "partly";
    case CST_OUTCOME_NO:
        return "no";
    default:
        return "unknown";
    }
}
