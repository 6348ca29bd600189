/*
 * test-xml.c -- the one XML escaper (base/xml.c): what each caller's
 * flags keep, escape, drop and refuse.  Cases in a table, the index in
 * every message.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tests/unit/tap.h"
#include "base/xml.h"

static const struct {
    const char *in;
    unsigned flags;
    const char *want; /* NULL: refused */
} cases[] = {
    {"plain", 0, "plain"},
    {"a & b <c> d", 0, "a &amp; b &lt;c&gt; d"},
    {"say \"hi\" 'x'", 0, "say \"hi\" 'x'"},
    {"say \"hi\" 'x'", CST_XML_QUOTES, "say &quot;hi&quot; &#39;x&#39;"},
    {"tab\tlf\ncr\r", 0, "tab\tlf\ncr\r"},
    {"lf\nin one line", CST_XML_NO_EOL, NULL},
    {"tab\tstays", CST_XML_NO_EOL, "tab\tstays"},
    {"bell\a", 0, NULL},
    {"bell\a gone", CST_XML_DROP, "bell gone"},
    {"nonchar \xEF\xBF\xBE!", 0, NULL},
    {"nonchar \xEF\xBF\xBF!", CST_XML_DROP | CST_XML_QUOTES, "nonchar !"},
    {"\xE8\xA1\x8C\xE5\x8A\xA8\xE9\xA1\xB9", 0,
     "\xE8\xA1\x8C\xE5\x8A\xA8\xE9\xA1\xB9"}, /* 行动项 */
    {"uid\x01<x>\"", CST_XML_QUOTES | CST_XML_DROP, "uid&lt;x&gt;&quot;"},
    {"", 0, ""},
};

int main(void)
{
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *got = cst_xml_escape(cases[i].in, strlen(cases[i].in),
                                   cases[i].flags);

        if (cases[i].want == NULL)
            tap_ok(got == NULL, "case %zu: refused", i);
        else
            tap_str(got, cases[i].want, "case %zu: escaped", i);
        free(got);
    }
    /* n bytes, not up to a NUL */
    {
        char *got = cst_xml_escape("a<b", 2, 0);

        tap_str(got, "a&lt;", "only the n bytes given");
        free(got);
    }
    return tap_done();
}
