/*
 * test-html.c -- HTML meeting text (core/html.c) and the block matcher
 * (core/block.c): what a reader sees, and which lines are calsteward's.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/block.h"
#include "core/html.h"
#include "tests/unit/tap.h"

static void test_to_text(void)
{
    static const struct {
        const char *html;
        int markers;
        const char *want;
    } cases[] = {
        {"<p><b>Goal:</b> decide</p><p>Agenda:</p><ol><li>A (10 min, Li)</li>"
         "<li>B</li></ol>", 1, "Goal: decide\nAgenda:\n1. A (10 min, Li)\n2. B"},
        {"<ol start=\"3\"><li>C</li><li>D</li></ol>", 1, "3. C\n4. D"},
        {"<ul><li>x<ul><li>y</li></ul></li></ul>", 1, "- x\n    - y"},
        {"<ul><li>x</li><li>y</li></ul>", 0, "    x\n    y"},
        {"a<br>b<br><br>c", 1, "a\nb\n\nc"},
        {"a&nbsp;&nbsp;b &amp; c &lt;d&gt;", 1, "a  b & c <d>"},
        {"<table><tr><th>Topic</th><th>Owner</th></tr><tr><td>A</td><td>Li"
         "</td></tr></table>", 1, "Topic | Owner\nA | Li"},
        {"<script>alert(1)</script><style>p{}</style>kept", 1, "kept"},
        {"x  \n  y", 1, "x y"},
        {"<pre>a\n  b</pre>", 1, "a\n  b"},
        {"", 1, ""},
        {"<p>unclosed <b>bold", 1, "unclosed bold"},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *out = NULL;
        size_t len = 0;
        cst_status st = cst_html_to_text(cases[i].html, strlen(cases[i].html),
                                         cases[i].markers, &out, &len);

        tap_int(st, CST_OK, "to_text %zu: status", i);
        tap_str(out ? out : "(null)", cases[i].want, "to_text %zu: text", i);
        free(out);
    }
}

static void test_looks_like(void)
{
    tap_ok(cst_html_looks_like("<b>Goal:</b> x", 14), "Google's <b> is HTML");
    tap_ok(cst_html_looks_like("a<BR>b", 6), "<BR> in any case is HTML");
    tap_ok(!cst_html_looks_like("budget <= 5k, see <link>", 24),
           "a '<' in plain text is not HTML");
    tap_ok(!cst_html_looks_like("Goal: decide", 12), "plain text");
}

/* marks of text split at '\n', as "0101..." */
static void marks(const char *text, char *got)
{
    size_t n = 0, i;
    cst_tline *l = cst_block_lines(text, strlen(text), 0, &n);
    unsigned char own[64];

    cst_block_mark(l, n, own);
    for (i = 0; i < n && i < 63; i++)
        got[i] = own[i] ? '1' : '0';
    got[i] = '\0';
    free(l);
}

static void test_mark(void)
{
    static const struct {
        const char *name, *text, *want;
    } cases[] = {
        {"a whole block", "Goal: x\n\n-- calsteward: generated - edits here "
         "are replaced --\nTimetable:\n10:00–10:10  A\nOpen points:\n- No "
         "goal\n-- end of calsteward --", "00111111"},
        {"any dash, any case", "x\n— CalSteward: Generated —\n10:00–10:10  "
         "A\n–– END OF CALSTEWARD ––", "0111"},
        {"the organizer's lines inside", "-- calsteward: generated --\n"
         "Timetable:\nMinutes:\n- decided\n10:00–10:10  A\n-- end of "
         "calsteward --", "110011"},
        {"open points, then the organizer's list", "-- calsteward: generated"
         " --\nOpen points:\n- No goal\nAction items:\n- Bob — call\n-- end of"
         " calsteward --", "111001"},
        {"no end marker: ends where calsteward's lines end",
         "-- calsteward: generated --\nTimetable:\n10:00–10:10  A\nMinutes:\n"
         "- decided", "11100"},
        {"no start marker: calsteward's lines above the end",
         "Agenda:\n1. A (10 min, Li)\nTimetable (Asia/Shanghai):\n"
         "10:00–10:10  A — Li\n10:10–10:20  Buffer\nOpen points:\n- No "
         "goal\n-- end of calsteward --", "00111111"},
        {"no start marker: an organizer's list is not taken",
         "Action items:\n- Bob — call\n-- end of calsteward --", "001"},
        {"no block at all", "Goal: x\n10:00–10:10 is when we start", "00"},
        {"a heading of another language's catalog",
         "-- calsteward: generated --\n10:00–10:10  A\n待解决:\n- 没有目标\n"
         "-- end of calsteward --", "11111"},
    };
    size_t i;
    char got[64];

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        marks(cases[i].text, got);
        tap_str(got, cases[i].want, "mark %zu: %s", i, cases[i].name);
    }
}

static void test_strip(void)
{
    const char *t = "Goal: x\n\n-- calsteward: generated --\nTimetable:\n"
                    "Minutes:\nAction items:\n- Bob — call — 2027-01-20\n"
                    "-- end of calsteward --\n";
    size_t len = 0;
    char *s = cst_block_strip(t, strlen(t), &len);

    tap_str(s ? s : "(null)",
            "Goal: x\n\nMinutes:\nAction items:\n- Bob — call — 2027-01-20",
            "strip: the organizer's lines, in order, block lines gone");
    free(s);
}

static void test_with_block(void)
{
    const char *h = "<p>Goal: x</p><div class=\"calsteward\">-- calsteward: "
                    "generated --<br>old<br>-- end of calsteward --</div>"
                    "<p>typed after</p>";
    char *out = NULL;
    size_t len = 0;

    const char *blk = "-- calsteward: generated --\nOpen points:\n- A  B\n"
                      "-- end of calsteward --";

    cst_html_with_block(h, strlen(h), blk, strlen(blk), &out, &len);
    tap_str(out ? out : "(null)",
            "<p>Goal: x</p><div class=\"calsteward\">old<br></div><p>typed "
            "after</p><div class=\"calsteward\">-- calsteward: generated "
            "--<br>Open points:<br>- A&nbsp; B<br>-- end of calsteward "
            "--</div>",
            "with_block: the old block's lines go, 'old' (not ours) stays, "
            "the new block at the end");
    free(out);
    h = "<p>Goal: x</p><div class=\"calsteward\">-- calsteward: generated "
        "--<br>Open points:<br>- A&nbsp; B<br>-- end of calsteward --</div>";
    out = NULL;
    cst_html_with_block(h, strlen(h), blk, strlen(blk), &out, &len);
    tap_str(out ? out : "(null)", h, "with_block: the same block: no change");
    free(out);
    out = NULL;
    cst_html_with_block(h, strlen(h), "", 0, &out, &len);
    tap_str(out ? out : "(null)", "<p>Goal: x</p>",
            "with_block: no block: the old one goes with its wrapper");
    free(out);
}

int main(void)
{
    test_to_text();
    test_looks_like();
    test_mark();
    test_strip();
    test_with_block();
    return tap_done();
}
