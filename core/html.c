/*
 * html.c -- HTML meeting text, read with libxml2's HTML parser.
 *
 * The parser builds the tree (recovering as browsers do); a walk over it
 * writes the text a reader sees, line by line.  Nothing is fetched: no
 * network, no external entities; the walk's depth is bounded by the
 * parser's own (and by MAX_DEPTH here).
 */
#include "html.h"
#include "block.h"
#include "text.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#define MAX_DEPTH 256

typedef struct walk {
    cst_sbuf *b;
    int markers;
    int pre;          /* inside <pre> */
    int space;        /* a collapsed space is pending */
    int cell;         /* cells written in the current row */
} walk;

static int name_is(const xmlNode *n, const char *const *names)
{
    size_t i;

    for (i = 0; names[i] != NULL; i++) {
        if (xmlStrcasecmp(n->name, (const xmlChar *)names[i]) == 0)
            return 1;
    }
    return 0;
}

static const char *const block_names[] = {
    "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
    "tr", "table", "tbody", "thead", "tfoot", "blockquote", "pre", "hr",
    "section", "article", "header", "footer", "dl", "dt", "dd", "address",
    "body", "html", "center", "form", "fieldset", "figure", "main", "nav",
    NULL};
static const char *const skip_names[] = {"script", "style", "head", "title",
                                         "template", NULL};

static int at_line_start(const cst_sbuf *b)
{
    return b->n == 0 || b->s[b->n - 1] == '\n';
}

/* Ends the current line (once): trailing spaces go. */
static void newline(walk *w)
{
    while (w->b->n > 0 && w->b->s[w->b->n - 1] == ' ')
        w->b->n--;
    if (!at_line_start(w->b))
        cst_sbuf_put(w->b, "\n", 1);
    w->space = 0;
}

static void text(walk *w, const char *s, size_t len)
{
    size_t i = 0;

    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        int ws = c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f';

        if (i + 1 < len && c == 0xC2 && (unsigned char)s[i + 1] == 0xA0) {
            /* &nbsp;: a space that does not collapse */
            cst_sbuf_put(w->b, " ", 1);
            w->space = 0;
            i += 2;
            continue;
        }
        if (w->pre) {
            if (c == '\r') {
                i++;
                continue;
            }
            cst_sbuf_put(w->b, s + i, 1);
            i++;
            continue;
        }
        if (ws) {
            w->space = 1;
            i++;
            continue;
        }
        if (w->space && !at_line_start(w->b)
            && w->b->s[w->b->n - 1] != ' ')
            cst_sbuf_put(w->b, " ", 1);
        w->space = 0;
        cst_sbuf_put(w->b, s + i, 1);
        i++;
    }
}

static void walk_children(walk *w, const xmlNode *n, int depth, int list,
                          int level);

/* list: 0 none, 1 <ul>, 2 <ol>; *number: the next <ol> number */
static void walk_node(walk *w, const xmlNode *n, int depth, int list,
                      int level, long *number)
{
    char buf[32];
    int i;

    if (depth > MAX_DEPTH)
        return;
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
        if (n->content != NULL)
            text(w, (const char *)n->content,
                 strlen((const char *)n->content));
        return;
    }
    if (n->type != XML_ELEMENT_NODE)
        return;
    if (name_is(n, skip_names))
        return;
    if (xmlStrcasecmp(n->name, (const xmlChar *)"br") == 0) {
        int empty = at_line_start(w->b);

        newline(w);
        if (empty && w->b->n > 0)
            cst_sbuf_put(w->b, "\n", 1); /* <br><br>: an empty line */
        return;
    }
    if (xmlStrcasecmp(n->name, (const xmlChar *)"td") == 0
        || xmlStrcasecmp(n->name, (const xmlChar *)"th") == 0) {
        if (w->cell++ > 0)
            cst_sbuf_str(w->b, " | ");
        w->space = 0;
        walk_children(w, n, depth + 1, 0, level);
        return;
    }
    if (xmlStrcasecmp(n->name, (const xmlChar *)"li") == 0) {
        newline(w);
        for (i = 1; i < level; i++)
            cst_sbuf_str(w->b, "    ");
        if (w->markers && list == 2) {
            snprintf(buf, sizeof(buf), "%ld. ", *number);
            cst_sbuf_str(w->b, buf);
        } else if (w->markers && list == 1) {
            cst_sbuf_str(w->b, "- ");
        } else if (level > 0) {
            cst_sbuf_str(w->b, "    ");
        }
        (*number)++;
        walk_children(w, n, depth + 1, 0, level);
        newline(w);
        return;
    }
    if (xmlStrcasecmp(n->name, (const xmlChar *)"ul") == 0
        || xmlStrcasecmp(n->name, (const xmlChar *)"ol") == 0) {
        newline(w);
        walk_children(w, n, depth + 1, n->name[0] == 'o' ? 2 : 1,
                      level + 1);
        newline(w);
        return;
    }
    if (name_is(n, block_names)) {
        int pre = xmlStrcasecmp(n->name, (const xmlChar *)"pre") == 0;
        int tr = xmlStrcasecmp(n->name, (const xmlChar *)"tr") == 0;

        newline(w);
        if (pre)
            w->pre++;
        if (tr)
            w->cell = 0;
        walk_children(w, n, depth + 1, list, level);
        if (pre)
            w->pre--;
        newline(w);
        return;
    }
    walk_children(w, n, depth + 1, list, level);
}

static void walk_children(walk *w, const xmlNode *n, int depth, int list,
                          int level)
{
    const xmlNode *c;
    long number = 1;
    xmlChar *start;

    if (list == 2 && n->type == XML_ELEMENT_NODE) {
        start = xmlGetProp((xmlNode *)n, (const xmlChar *)"start");
        if (start != NULL) {
            long v = strtol((const char *)start, NULL, 10);

            if (v > 0 && v < 100000)
                number = v;
            xmlFree(start);
        }
    }
    for (c = n->children; c != NULL; c = c->next)
        walk_node(w, c, depth, list, level, &number);
}

cst_status cst_html_to_text(const char *html, size_t len, int markers,
                            char **out, size_t *out_len)
{
    htmlDocPtr doc;
    cst_sbuf b = {NULL, 0, 0, 0};
    walk w;
    const xmlNode *root;

    *out = NULL;
    *out_len = 0;
    if (len > CST_MAX_TEXT_BYTES)
        return CST_ERR_TOO_LARGE;
    doc = htmlReadMemory(html, (int)len, NULL, "UTF-8",
                         HTML_PARSE_NONET | HTML_PARSE_NOERROR
                             | HTML_PARSE_NOWARNING | HTML_PARSE_COMPACT);
    memset(&w, 0, sizeof(w));
    w.b = &b;
    w.markers = markers;
    if (doc != NULL) {
        for (root = doc->children; root != NULL; root = root->next) {
            long number = 1;

            walk_node(&w, root, 0, 0, 0, &number);
        }
        xmlFreeDoc(doc);
    }
    newline(&w);
    cst_sbuf_put(&b, "", 0);
    if (b.oom || b.s == NULL) {
        free(b.s);
        if (b.oom)
            return CST_ERR_NOMEM;
        *out = strdup("");
        return *out ? CST_OK : CST_ERR_NOMEM;
    }
    /* no trailing line end: the text ends where the HTML does */
    while (b.n > 0 && b.s[b.n - 1] == '\n')
        b.n--;
    b.s[b.n] = '\0';
    *out = b.s;
    *out_len = b.n;
    return CST_OK;
}

int cst_html_looks_like(const char *s, size_t len)
{
    static const char *const tags[] = {
        "<br>", "<br/>", "<br />", "<b>", "<i>", "<u>", "<p>", "<p ",
        "<div", "<span", "<ol", "<ul", "<li>", "<a href=", "<html", "<body",
        "<strong>", "<em>", "<font", "</p>", "</div>", "</b>", "</li>",
        NULL};
    const char *p = s, *end = s + len;
    size_t i;

    /* every tag starts with '<': one pass over the text to each '<', the
     * tags tried only there (the same answer as looking for each tag in
     * the whole text, at a fraction of the cost) */
    while (p < end && (p = memchr(p, '<', (size_t)(end - p))) != NULL) {
        for (i = 0; tags[i] != NULL; i++) {
            size_t tl = strlen(tags[i]);

            if (cst_prefix_ci(p, (size_t)(end - p), tags[i]) == tl)
                return 1;
        }
        p++;
    }
    return 0;
}

void cst_html_escape(cst_sbuf *b, const char *s, size_t len)
{
    size_t i, from = 0;

    for (i = 0; i < len; i++) {
        const char *rep = s[i] == '&'   ? "&amp;"
                          : s[i] == '<' ? "&lt;"
                          : s[i] == '>' ? "&gt;"
                                        : NULL;

        if (rep == NULL)
            continue;
        cst_sbuf_put(b, s + from, i - from);
        cst_sbuf_str(b, rep);
        from = i + 1;
    }
    cst_sbuf_put(b, s + from, len - from);
}

/* The next letter or digit at or after *i (ASCII folded), or -1. */
static int next_word_char(const char *s, size_t len, size_t *i)
{
    while (*i < len) {
        unsigned char c = (unsigned char)s[(*i)++];

        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            return c;
        if (c >= 'A' && c <= 'Z')
            return c - 'A' + 'a';
        if (c >= 0x80) {
            /* U+00A0 and the typographic bullets and dashes are not
             * words; other non-ASCII bytes compare as they are */
            if (c == 0xC2 && *i < len
                && ((unsigned char)s[*i] == 0xA0
                    || (unsigned char)s[*i] == 0xB7)) {
                (*i)++;
                continue;
            }
            if (c == 0xE2 && *i + 1 < len
                && (unsigned char)s[*i] == 0x80) {
                *i += 2;
                continue;
            }
            return c;
        }
    }
    return -1;
}

int cst_text_same_words(const char *a, size_t alen, const char *b,
                        size_t blen)
{
    size_t i = 0, j = 0;
    int ca, cb;

    do {
        ca = next_word_char(a, alen, &i);
        cb = next_word_char(b, blen, &j);
        if (ca != cb)
            return 0;
    } while (ca >= 0);
    return 1;
}

/* The HTML of a "data:text/html[;charset=...][;base64]," URL,
 * percent-decoded (base64 is not what any client writes: NULL), or NULL
 * when the URL is no such thing. */
/* The value of a hexadecimal digit, or -1. */
static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

char *cst_data_url_html(const char *url, size_t *out_len)
{
    const char *comma, *p;
    size_t i, o = 0, len;
    char *r;

    if (strncasecmp(url, "data:text/html", 14) != 0)
        return NULL;
    comma = strchr(url + 14, ',');
    if (comma == NULL)
        return NULL;
    for (p = url + 14; p < comma; p++) {
        if (strncasecmp(p, ";base64", 7) == 0)
            return NULL;
    }
    p = comma + 1;
    len = strlen(p);
    r = malloc(len + 1);
    if (r == NULL)
        return NULL;
    for (i = 0; i < len; i++) {
        int hi = i + 2 < len ? hex_value(p[i + 1]) : -1;
        int lo = i + 2 < len ? hex_value(p[i + 2]) : -1;

        if (p[i] == '%' && hi >= 0 && lo >= 0) {
            r[o++] = (char)(hi * 16 + lo);
            i += 2;
            continue;
        }
        r[o++] = p[i];
    }
    r[o] = '\0';
    *out_len = o;
    return r;
}

/* ---- writing the block into HTML ------------------------------------ */

/* The name of the tag at s[0] == '<' (lower-cased into name), whether it
 * closes, and its length up to and with '>' (quotes respected); 0 when
 * it is no tag. */
static size_t tag_at(const char *s, size_t len, char *name, size_t cap,
                     int *closing)
{
    size_t i = 1, k = 0;
    char q = 0;

    *closing = 0;
    name[0] = '\0';
    if (len >= 4 && memcmp(s, "<!--", 4) == 0) {
        for (i = 4; i + 3 <= len; i++) {
            if (memcmp(s + i, "-->", 3) == 0)
                return i + 3;
        }
        return len;
    }
    if (i < len && s[i] == '/') {
        *closing = 1;
        i++;
    }
    if (i >= len || !((s[i] >= 'a' && s[i] <= 'z')
                      || (s[i] >= 'A' && s[i] <= 'Z') || s[i] == '!'))
        return 0;
    while (i < len && k + 1 < cap
           && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')
               || (s[i] >= '0' && s[i] <= '9'))) {
        name[k++] = (char)((s[i] >= 'A' && s[i] <= 'Z') ? s[i] - 'A' + 'a'
                                                         : s[i]);
        i++;
    }
    name[k] = '\0';
    for (; i < len; i++) {
        if (q != 0) {
            if (s[i] == q)
                q = 0;
        } else if (s[i] == '"' || s[i] == '\'') {
            q = s[i];
        } else if (s[i] == '>') {
            return i + 1;
        }
    }
    return len;
}

static int breaking(const char *name)
{
    size_t i;

    if (strcmp(name, "br") == 0 || strcmp(name, "td") == 0
        || strcmp(name, "th") == 0)
        return 1;
    for (i = 0; block_names[i] != NULL; i++) {
        if (strcmp(name, block_names[i]) == 0)
            return 1;
    }
    return 0;
}

/* The source of html split at line-breaking tags; text = the segment's
 * text (heap, in *texts). */
static cst_tline *segments(const char *html, size_t len, char ***texts,
                           size_t *n)
{
    size_t cap = 32, i = 0, start = 0, tl;
    cst_tline *v = malloc(cap * sizeof(*v));
    char **tx = malloc(cap * sizeof(*tx));
    char name[16];
    int closing;

    *n = 0;
    *texts = NULL;
    if (v == NULL || tx == NULL)
        goto oom;
    for (;;) {
        size_t tag = 0, seg_end = i;

        if (i < len && html[i] == '<') {
            tag = tag_at(html + i, len - i, name, sizeof(name), &closing);
            if (tag == 0 || !breaking(name)) {
                i += tag > 0 ? tag : 1;
                continue;
            }
        } else if (i < len) {
            i++;
            continue;
        }
        if (*n == cap) {
            cst_tline *nv;
            char **nt;

            cap *= 2;
            nv = realloc(v, cap * sizeof(*v));
            if (nv == NULL)
                goto oom;
            v = nv;
            nt = realloc(tx, cap * sizeof(*tx));
            if (nt == NULL)
                goto oom;
            tx = nt;
        }
        v[*n].start = start;
        v[*n].end = seg_end;
        tx[*n] = NULL;
        if (cst_html_to_text(html + start, seg_end - start, 1, &tx[*n], &tl)
            != CST_OK) {
            (*n)++;
            goto oom;
        }
        v[*n].text = tx[*n];
        v[*n].len = tl;
        (*n)++;
        if (i >= len)
            break;
        i += tag;
        start = i;
    }
    *texts = tx;
    return v;
oom:
    if (tx != NULL) {
        for (i = 0; i < *n; i++)
            free(tx[i]);
    }
    free(tx);
    free(v);
    *n = 0;
    return NULL;
}

/* Extends the removal of [*a, *b) over the opening tags right before it
 * that closing tags right after it match (a wrapper of only this), then
 * over one <br> that ends it. */
static void widen(const char *html, size_t len, size_t *a, size_t *b)
{
    size_t opens[8], opened = 0, i, t;
    char name[16];
    int closing;

    while (opened < 8) {
        i = *a;
        while (i > 0 && (html[i - 1] == ' ' || html[i - 1] == '\n'
                         || html[i - 1] == '\r' || html[i - 1] == '\t'))
            i--;
        if (i == 0 || html[i - 1] != '>')
            break;
        t = i - 1;
        while (t > 0 && html[t] != '<')
            t--;
        if (html[t] != '<' || tag_at(html + t, len - t, name, sizeof(name),
                                     &closing) != i - t
            || closing || strcmp(name, "br") == 0 || name[0] == '!'
            || strcmp(name, "body") == 0 || strcmp(name, "html") == 0)
            break;
        opens[opened++] = *a; /* where the removal began before this tag */
        *a = t;
    }
    i = 0; /* closed */
    for (;;) {
        size_t j = *b;

        while (j < len && (html[j] == ' ' || html[j] == '\n'
                           || html[j] == '\r' || html[j] == '\t'))
            j++;
        if (j >= len || html[j] != '<')
            break;
        t = tag_at(html + j, len - j, name, sizeof(name), &closing);
        if (t == 0)
            break;
        if (closing && i < opened) {
            i++;
            *b = j + t;
            continue;
        }
        break;
    }
    /* the opening tags no closing tag matched stay */
    if (i < opened)
        *a = opens[i];
    /* a <br> that ended the removed line goes with it */
    t = *b;
    while (t < len && (html[t] == ' ' || html[t] == '\n' || html[t] == '\r'
                       || html[t] == '\t'))
        t++;
    if (t < len && html[t] == '<') {
        size_t tl = tag_at(html + t, len - t, name, sizeof(name), &closing);

        if (tl > 0 && !closing && strcmp(name, "br") == 0)
            *b = t + tl;
    }
}

cst_status cst_html_with_block(const char *html, size_t len,
                               const char *block, size_t block_len,
                               char **out, size_t *out_len)
{
    size_t n = 0, i, from = 0, a, b, at, k;
    char **texts = NULL;
    cst_tline *seg;
    unsigned char *own;
    cst_sbuf r = {NULL, 0, 0, 0};
    const char *body_end;
    cst_status st = CST_OK;

    *out = NULL;
    *out_len = 0;
    if (len > CST_MAX_TEXT_BYTES)
        return CST_ERR_TOO_LARGE;
    seg = segments(html, len, &texts, &n);
    if (seg == NULL)
        return CST_ERR_NOMEM;
    own = malloc(n + 1);
    if (own == NULL) {
        st = CST_ERR_NOMEM;
        goto done;
    }
    cst_block_mark(seg, n, own);
    /* the organizer's HTML without calsteward's segments */
    for (i = 0; i < n; i++) {
        if (!own[i])
            continue;
        a = seg[i].start;
        b = seg[i].end;
        /* consecutive own segments go as one */
        while (i + 1 < n && own[i + 1])
            b = seg[++i].end;
        widen(html, len, &a, &b);
        if (a < from)
            a = from;
        cst_sbuf_put(&r, html + from, a - from);
        from = b;
    }
    /* the rest, with the new block before </body> when there is one */
    body_end = NULL;
    for (k = from; k + 7 <= len; k++) {
        if (strncasecmp(html + k, "</body>", 7) == 0) {
            body_end = html + k;
            break;
        }
    }
    at = body_end ? (size_t)(body_end - html) : len;
    cst_sbuf_put(&r, html + from, at - from);
    if (block_len > 0) {
        size_t ls = 0;

        cst_sbuf_str(&r, "<div class=\"calsteward\">");
        for (k = 0; k <= block_len; k++) {
            if (k < block_len && block[k] != '\n')
                continue;
            if (ls > 0)
                cst_sbuf_str(&r, "<br>");
            {
                size_t j, from2 = ls;

                for (j = ls; j + 1 < k; j++) {
                    if (block[j] == ' ' && block[j + 1] == ' ') {
                        cst_html_escape(&r, block + from2, j - from2);
                        cst_sbuf_str(&r, "&nbsp;");
                        from2 = j + 1;
                    }
                }
                cst_html_escape(&r, block + from2, k - from2);
            }
            ls = k + 1;
        }
        cst_sbuf_str(&r, "</div>");
    }
    cst_sbuf_put(&r, html + at, len - at);
    cst_sbuf_put(&r, "", 0);
    if (r.oom) {
        st = CST_ERR_NOMEM;
        free(r.s);
        goto done;
    }
    *out = r.s ? r.s : strdup("");
    *out_len = r.s ? r.n : 0;
    if (*out == NULL)
        st = CST_ERR_NOMEM;
done:
    for (i = 0; i < n; i++)
        free(texts[i]);
    free(texts);
    free(seg);
    free(own);
    return st;
}

char *cst_data_url_encode(const char *prefix, size_t plen, const char *html,
                          size_t len, size_t *out_len)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t i, o = plen;
    char *r = malloc(plen + len * 3 + 1);

    if (r == NULL)
        return NULL;
    memcpy(r, prefix, plen);
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)html[i];

        /* what encodeURIComponent leaves (Thunderbird's encoding) */
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
            || (c >= '0' && c <= '9')
            || (c != 0 && strchr("-_.!~*'()", c) != NULL)) {
            r[o++] = (char)c;
        } else {
            r[o++] = '%';
            r[o++] = hex[c >> 4];
            r[o++] = hex[c & 15];
        }
    }
    r[o] = '\0';
    *out_len = o;
    return r;
}
