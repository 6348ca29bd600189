/*
 * process.c -- stamps, STRUCTURED-DATA and the DESCRIPTION block, written
 * as edits of the original text (never through libical's serialiser).
 */
#include "config.h"
#include "core/tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "icaltext.h"
#include "meeting.h"
#include "occur.h"
#include "process.h"
#include "rules.h"
#include "sections.h"
#include "structured.h"
#include "text.h"
#include "tz.h"
#include "util.h"
#include "block.h"
#include "html.h"

#define MAX_BLOCK_FINDINGS 12

static const char *tr(const cst_process_in *in, const char *msgid)
{
    const char *t = in->tr ? in->tr(msgid, in->tr_ctx) : msgid;

    return t ? t : msgid;
}

static void hhmm(time_t t, icaltimezone *zone, char *buf, size_t n)
{
    struct icaltimetype lt = cst_tz_from_utc(
        t, 0, zone ? zone : icaltimezone_get_utc_timezone());

    snprintf(buf, n, "%02d:%02d", lt.hour, lt.minute);
}

/* The generated block's text (unescaped), or "" when it would be empty. */
static void build_block(const cst_process_in *in, const cst_event *ev,
                        time_t start, int has_occ, const cst_findings *f,
                        cst_sbuf *b)
{
    char t1[8], t2[8], line[64];
    size_t i, shown = 0, open = 0;
    int timetable = in->policy->timetable && has_occ && ev->agenda.n > 0;

    for (i = 0; i < f->n; i++)
        open += (f->v[i].event == ev);
    if (!timetable && open == 0)
        return;
    cst_sbuf_str(b, CST_BLOCK_BEGIN);
    cst_sbuf_str(b, "\n");
    if (timetable) {
        cst_sbuf_str(b, tr(in, N_("Timetable")));
        if (ev->zone != NULL) {
            cst_sbuf_str(b, " (");
            cst_sbuf_str(b, icaltimezone_get_tzid(ev->zone));
            cst_sbuf_str(b, ")");
        }
        cst_sbuf_str(b, ":\n");
        for (i = 0; i <= ev->agenda.n; i++) {
            time_t s = cst_agenda_item_start(ev, start, i);
            int minutes = (i < ev->agenda.n) ? ev->agenda.items[i].minutes
                                             : in->policy->buffer_minutes;

            hhmm(s, ev->zone, t1, sizeof(t1));
            if (minutes >= 0) {
                hhmm(s + (time_t)minutes * 60, ev->zone, t2, sizeof(t2));
                snprintf(line, sizeof(line), "%s\xE2\x80\x93%s  ", t1, t2);
            } else {
                snprintf(line, sizeof(line), "%s\xE2\x80\x93?      ", t1);
            }
            cst_sbuf_str(b, line);
            if (i == ev->agenda.n) {
                cst_sbuf_str(b, tr(in, N_("Buffer")));
            } else {
                cst_sbuf_str(b, ev->agenda.items[i].topic);
                if (ev->agenda.items[i].owner != NULL) {
                    cst_sbuf_str(b, " \xE2\x80\x94 ");
                    cst_sbuf_str(b, ev->agenda.items[i].owner);
                }
            }
            cst_sbuf_str(b, "\n");
        }
    }
    if (open > 0) {
        char msg[512];

        cst_sbuf_str(b, tr(in, N_("Open points")));
        cst_sbuf_str(b, ":\n");
        for (i = 0; i < f->n && shown < MAX_BLOCK_FINDINGS; i++) {
            if (f->v[i].event != ev)
                continue;
            cst_finding_message(&f->v[i], in->tr, in->tr_ctx, msg,
                                sizeof(msg));
            cst_sbuf_str(b, "- ");
            cst_sbuf_str(b, msg);
            cst_sbuf_str(b, "\n");
            shown++;
        }
        if (open > shown) {
            snprintf(msg, sizeof(msg), "- (+%zu)\n", open - shown);
            cst_sbuf_str(b, msg);
        }
    }
    cst_sbuf_str(b, CST_BLOCK_END);
}

/* The previous copy's event with the same UID and RECURRENCE-ID. */
static const cst_event *prev_event(const cst_object *prev,
                                   const cst_event *ev)
{
    size_t i;

    if (prev == NULL)
        return NULL;
    for (i = 0; i < cst_object_n_events(prev); i++) {
        const cst_event *p = cst_object_event(prev, i);

        if (strcmp(p->uid, ev->uid) != 0)
            continue;
        if ((p->recurrence_id == NULL) != (ev->recurrence_id == NULL))
            continue;
        if (p->recurrence_id != NULL
            && strcmp(p->recurrence_id, ev->recurrence_id) != 0)
            continue;
        return p;
    }
    return NULL;
}

/*
 * Writes one first-sent stamp.  Without the server's copy (`known` 0) a
 * stamp present is never moved (a bad value is left alone too), and a
 * missing one is the previous copy's or `now`.  With it, the stamp is
 * what calsteward saw: the stored value, else `now` when the content is
 * there, else none; a client's own value -- a backdated stamp would pass
 * the lead-time rules -- is replaced or removed.
 */
static cst_status add_stamp(cst_edits *e, const cst_icaltext *t, int comp,
                            const char *name, int known, time_t prev,
                            int has_content, time_t now, size_t *fresh)
{
    char line[96], ts[24];
    int ix = cst_icaltext_find_prop(t, comp, name, 0), n, same;
    time_t want = prev ? prev : has_content ? now : 0;
    char *v;

    if (ix >= 0 && !known)
        return CST_OK;
    if (want != 0)
        cst_utc_string(want, ts, sizeof(ts));
    if (ix >= 0) {
        v = cst_icaltext_value(t, (size_t)ix);
        same = v != NULL && want != 0 && strcmp(v, ts) == 0;
        free(v);
        if (same)
            return CST_OK;
    }
    if (want == 0)
        return ix >= 0 ? cst_edits_remove(e, t, (size_t)ix) : CST_OK;
    if (prev == 0)
        (*fresh)++;
    n = snprintf(line, sizeof(line), "%s:%s", name, ts);
    if (ix >= 0)
        return cst_edits_replace(e, t, (size_t)ix, line, (size_t)n);
    return cst_edits_add(e, t, comp, line, (size_t)n);
}

/* With the server's copy known, the stamps the rules see are the stored
 * ones (none on a new meeting), not the client's. */
static void stored_stamps(const cst_object *obj, const cst_object *prev)
{
    size_t i;

    for (i = 0; i < cst_object_n_events(obj); i++) {
        cst_event *ev = cst_object_event(obj, i);
        const cst_event *pe = prev_event(prev, ev);

        ev->agenda_sent = pe ? pe->agenda_sent : 0;
        ev->materials_sent = pe ? pe->materials_sent : 0;
        ev->minutes_sent = pe ? pe->minutes_sent : 0;
    }
}

/*
 * The agenda XML as the value of X-CALSTEWARD-AGENDA: ',' written as the
 * character reference "&#44;", '\' and line ends escaped, ';' left as it
 * is.  libical 3.0, when a server re-serialises the object (Cyrus IMAP),
 * splits an X- property with VALUE=TEXT at every comma, escaped or not,
 * and drops the backslash of "\;"; a value without ',' and without "\;"
 * comes out as it went in.  (A bare ';' is what RFC 5545 TEXT would
 * escape; every parser we know reads it, and XML needs it to end each
 * reference.)  The XML means the same to any XML parser.  Returns a heap
 * string (length in *out_len) or NULL when out of memory.
 */
static char *xprop_value(const char *xml, size_t len, size_t *out_len)
{
    size_t i, o = 0;
    char *r = malloc(len * 5 + 1);

    if (r == NULL)
        return NULL;
    for (i = 0; i < len; i++) {
        switch (xml[i]) {
        case ',':
            memcpy(r + o, "&#44;", 5);
            o += 5;
            break;
        case '\\':
            memcpy(r + o, "\\\\", 2);
            o += 2;
            break;
        case '\r':
            if (i + 1 < len && xml[i + 1] == '\n')
                break;
            /* fall through */
        case '\n':
            memcpy(r + o, "\\n", 2);
            o += 2;
            break;
        default:
            r[o++] = xml[i];
        }
    }
    r[o] = '\0';
    *out_len = o;
    return r;
}

/* The next character of an escaped TEXT value at *p, unescaped ('\0' at
 * the end); *p moves past it. */
static char text_char(const char **p)
{
    const char *s = *p;

    if (s[0] == '\\' && s[1] != '\0') {
        *p = s + 2;
        return (s[1] == 'n' || s[1] == 'N') ? '\n' : s[1];
    }
    if (s[0] != '\0')
        *p = s + 1;
    return s[0];
}

/* Returns 1 when two escaped TEXT values mean the same text ("\;" and
 * ";" are the same). */
static int same_text(const char *a, const char *b)
{
    char ca, cb;

    do {
        ca = text_char(&a);
        cb = text_char(&b);
        if (ca != cb)
            return 0;
    } while (ca != '\0');
    return 1;
}

/*
 * Replaces, adds or removes the agenda in comp: in the property the
 * policy's agenda-property names (our STRUCTURED-DATA, or
 * X-CALSTEWARD-AGENDA), replaced in place when there is one; every other
 * agenda property of ours goes, so that switching the policy leaves one.
 */
static cst_status structured(cst_edits *e, const cst_icaltext *t, int comp,
                             const cst_event *ev, const cst_process_in *in,
                             time_t start, time_t end, int has_occ)
{
    static const char sd_head[] = "STRUCTURED-DATA;VALUE=TEXT;"
                                  "FMTTYPE=application/xml;"
                                  "SCHEMA=\"" CST_AGENDA_NS "\":";
    static const char x_head[] = CST_AGENDA_XPROP ";VALUE=TEXT;"
                                 "FMTTYPE=application/xml:";
    int xprop = in->policy->agenda_property == CST_AGENDA_X_PROPERTY;
    const char *head = xprop ? x_head : sd_head;
    size_t hl = xprop ? sizeof(x_head) - 1 : sizeof(sd_head) - 1;
    char *xml = NULL, *esc = NULL, *line = NULL, *schema;
    size_t xl, el, ll = 0;
    int i, pass, done = 0;
    cst_status st = CST_OK;

    if (ev->agenda.n > 0 && has_occ) {
        st = cst_agenda_xml(ev, start, end, in->policy, &xml, &xl);
        if (st != CST_OK)
            goto out;
        esc = xprop ? xprop_value(xml, xl, &el)
                    : cst_ical_escape_text(xml, xl, &el);
        line = esc ? malloc(hl + el + 1) : NULL;
        if (line == NULL) {
            st = CST_ERR_NOMEM;
            goto out;
        }
        memcpy(line, head, hl);
        memcpy(line + hl, esc, el + 1);
        ll = hl + el;
    }
    /* pass 0: STRUCTURED-DATA with our schema; pass 1: ours by name */
    for (pass = 0; pass < 2; pass++) {
        const char *name = pass == 0 ? "STRUCTURED-DATA" : CST_AGENDA_XPROP;
        int wanted = (pass == 1) == xprop;

        for (i = cst_icaltext_find_prop(t, comp, name, 0); i >= 0;
             i = cst_icaltext_find_prop(t, comp, name, (size_t)i + 1)) {
            if (pass == 0) {
                schema = cst_icaltext_param(t, (size_t)i, "SCHEMA");
                if (schema == NULL || strcmp(schema, CST_AGENDA_NS) != 0) {
                    free(schema);
                    continue;
                }
                free(schema);
            }
            if (wanted && line != NULL && !done) {
                /* the same text as before: leave the line as it is
                 * (folding, escapes) */
                char *old = cst_icaltext_value(t, (size_t)i);
                int same = old != NULL && same_text(old, esc);

                free(old);
                st = same ? CST_OK
                          : cst_edits_replace(e, t, (size_t)i, line, ll);
                done = 1;
            } else {
                st = cst_edits_remove(e, t, (size_t)i);
            }
            if (st != CST_OK)
                goto out;
        }
    }
    if (line != NULL && !done)
        st = cst_edits_add(e, t, comp, line, ll);
out:
    free(xml);
    free(esc);
    free(line);
    return st;
}

/* Returns 1 when the escaped line holds only blanks. */
static int blank_line(const cst_tline *l)
{
    size_t i;

    for (i = 0; i < l->len; i++) {
        if (l->text[i] != ' ' && l->text[i] != '\t')
            return 0;
    }
    return 1;
}

/*
 * Splits s (an escaped TEXT value) into the organizer's text and
 * calsteward's lines (cst_block_mark).  *keep is how many bytes of s stay
 * as they are: up to calsteward's first line, less the two line breaks
 * written before a block, or all of s when calsteward wrote nothing there
 * (*has_own 0).  Returns the organizer's lines after that point -- the
 * ones typed inside an old block or after it -- joined by "\n", as a heap
 * string ("" when none); NULL when out of memory.
 */
static char *organizer_part(const char *s, size_t *keep, int *has_own)
{
    size_t len = strlen(s), n = 0, i, k, o = 0, first;
    cst_tline *lines = cst_block_lines(s, len, 1, &n);
    unsigned char *own = lines ? malloc(n + 1) : NULL;
    char *rest = own ? malloc(len + 1) : NULL;

    if (rest == NULL) {
        free(lines);
        free(own);
        return NULL;
    }
    rest[0] = '\0';
    cst_block_mark(lines, n, own);
    for (first = 0; first < n && !own[first]; first++)
        ;
    *has_own = first < n;
    if (first == n) {
        *keep = len;
        goto done;
    }
    /* the two line breaks written before a block go with it */
    k = lines[first].start;
    for (i = 0; i < 2 && k >= 2 && s[k - 2] == '\\'
                && (s[k - 1] == 'n' || s[k - 1] == 'N');
         i++)
        k -= 2;
    *keep = k;
    for (i = first; i < n; i++) {
        if (own[i] || (o == 0 && blank_line(&lines[i])))
            continue;
        if (o > 0) {
            memcpy(rest + o, "\\n", 2);
            o += 2;
        }
        memcpy(rest + o, lines[i].text, lines[i].len);
        o += lines[i].len;
    }
    /* trailing empty lines go */
    while (o >= 2 && rest[o - 2] == '\\' && (rest[o - 1] == 'n'
                                             || rest[o - 1] == 'N'))
        o -= 2;
    while (o > 0 && (rest[o - 1] == ' ' || rest[o - 1] == '\t'))
        o--;
    rest[o] = '\0';
done:
    free(lines);
    free(own);
    return rest;
}

/* The new escaped value of a plain DESCRIPTION old: the organizer's text
 * (bytes of old kept up to *keep), the lines moved out of an old block,
 * then two line breaks and esc (the escaped block, el bytes; none when
 * el is 0).  Returns the part after *keep as a heap string (*app_len
 * bytes) or NULL when out of memory. */
static char *plain_tail(const char *old, const char *esc, size_t el,
                        size_t *keep, size_t *app_len)
{
    int has_own = 0;
    char *rest = organizer_part(old, keep, &has_own), *app;
    size_t rl, sep, lead, o = 0;

    if (rest == NULL)
        return NULL;
    rl = strlen(rest);
    lead = (*keep > 0 && rl > 0) ? 2 : 0;
    sep = (el > 0 && *keep + rl > 0) ? 4 : 0;
    app = malloc(lead + rl + sep + el + 1);
    if (app == NULL) {
        free(rest);
        return NULL;
    }
    memcpy(app, "\\n", lead);
    o = lead;
    memcpy(app + o, rest, rl);
    o += rl;
    memcpy(app + o, "\\n\\n", sep);
    o += sep;
    if (el > 0)
        memcpy(app + o, esc, el);
    o += el;
    app[o] = '\0';
    *app_len = o;
    free(rest);
    return app;
}

/* The property line i with its value replaced by value (and, when alt
 * is not NULL, its ALTREP parameter by "alt"): a heap string or NULL. */
static char *with_value(const cst_icaltext *t, size_t i, const char *value,
                        const char *alt)
{
    char *line = cst_icaltext_line(t, i), *v = cst_icaltext_value(t, i);
    size_t hl, k, ps = 0, pe = 0;
    char q = 0;
    cst_sbuf b = {NULL, 0, 0, 0};

    if (line == NULL || v == NULL) {
        free(line);
        free(v);
        return NULL;
    }
    hl = strlen(line) - strlen(v) - 1; /* name and parameters */
    if (alt != NULL) {
        for (k = 0; k < hl; k++) {
            if (q) {
                if (line[k] == '"')
                    q = 0;
                continue;
            }
            if (line[k] == '"') {
                q = 1;
            } else if (line[k] == ';' && strncasecmp(line + k + 1, "ALTREP=", 7)
                                             == 0) {
                ps = k + 8;
                pe = ps;
                if (line[pe] == '"') {
                    pe++;
                    while (pe < hl && line[pe] != '"')
                        pe++;
                    if (pe < hl)
                        pe++;
                } else {
                    while (pe < hl && line[pe] != ';' && line[pe] != ':')
                        pe++;
                }
                break;
            }
        }
    }
    if (ps > 0) {
        cst_sbuf_put(&b, line, ps);
        cst_sbuf_str(&b, "\"");
        cst_sbuf_str(&b, alt);
        cst_sbuf_str(&b, "\"");
        cst_sbuf_put(&b, line + pe, hl - pe);
    } else {
        cst_sbuf_put(&b, line, hl);
    }
    cst_sbuf_str(&b, ":");
    cst_sbuf_str(&b, value);
    free(line);
    free(v);
    if (b.oom) {
        free(b.s);
        return NULL;
    }
    return b.s;
}

/*
 * Replaces the escaped value of property i by nv, keeping the raw bytes
 * and folds of the longest prefix the old value (ov) and nv share (never
 * splitting an escape); what follows is folded on from there.
 */
static cst_status value_edit(cst_edits *e, const cst_icaltext *t, size_t i,
                             const char *ov, const char *nv)
{
    size_t p = 0, nl = strlen(nv), r, ls, fl, k, last;
    char *fold = NULL;
    cst_status st;

    while (ov[p] != '\0' && ov[p] == nv[p])
        p++;
    /* an escape is one unit: do not keep half of it */
    for (k = 0, last = 0; k < p; k += (ov[k] == '\\' && ov[k + 1]) ? 2 : 1)
        last = k;
    if (k > p)
        p = last;
    /* nor half of a UTF-8 sequence */
    while (p > 0 && ((unsigned char)ov[p] & 0xC0) == 0x80)
        p--;
    r = p > 0 ? cst_icaltext_raw_offset(t, i, p - 1) + 1 : t->props[i].colon + 1;
    for (ls = r; ls > 0 && t->buf[ls - 1] != '\n' && t->buf[ls - 1] != '\r';)
        ls--;
    fl = 0;
    if (nl > p) {
        fold = cst_ical_fold(nv + p, nl - p, r - ls, t->eol, &fl);
        if (fold == NULL)
            return CST_ERR_NOMEM;
        fl -= strlen(t->eol);
    }
    st = cst_edits_raw(e, r, cst_icaltext_value_end(t, i) - r,
                       fold ? fold : "", fl);
    free(fold);
    return st;
}

/* HTML (unescaped, hl bytes) with the new block; *changed 0 when it is
 * what it was.  A heap string or NULL (out of memory, *st set). */
static char *html_block(const char *html, size_t hl, const char *block,
                        size_t block_len, int *changed, size_t *nl,
                        cst_status *st)
{
    char *nh = NULL;

    *st = cst_html_with_block(html, hl, block, block_len, &nh, nl);
    if (*st != CST_OK)
        return NULL;
    *changed = *nl != hl || memcmp(nh, html, hl) != 0;
    return nh;
}

/* X-ALT-DESC;FMTTYPE=text/html (Outlook): the block, as HTML. */
static cst_status alt_desc(cst_edits *e, const cst_icaltext *t, int comp,
                           const char *block, size_t block_len)
{
    int xi, k, changed = 0;
    char *fmt, *old, *html, *nh, *esc;
    size_t hl, nl, el;
    cst_status st = CST_OK;

    for (k = 0; (xi = cst_icaltext_find_prop(t, comp, "X-ALT-DESC", k)) >= 0;
         k++) {
        fmt = cst_icaltext_param(t, (size_t)xi, "FMTTYPE");
        if (fmt != NULL && strncasecmp(fmt, "text/html", 9) == 0) {
            free(fmt);
            break;
        }
        free(fmt);
    }
    if (xi < 0)
        return CST_OK;
    old = cst_icaltext_value(t, (size_t)xi);
    html = old ? cst_ical_unescape_text(old, strlen(old), &hl) : NULL;
    free(old);
    if (html == NULL)
        return CST_ERR_NOMEM;
    nh = html_block(html, hl, block, block_len, &changed, &nl, &st);
    free(html);
    if (nh == NULL || !changed) {
        free(nh);
        return st;
    }
    esc = cst_ical_escape_text(nh, nl, &el);
    free(nh);
    old = esc ? cst_icaltext_value(t, (size_t)xi) : NULL;
    st = old ? value_edit(e, t, (size_t)xi, old, esc) : CST_ERR_NOMEM;
    free(old);
    free(esc);
    return st;
}

/*
 * Writes the block into every form of the description a client shows
 * (spec section 4): the plain DESCRIPTION (its own bytes and folds kept
 * up to the organizer's last line), Thunderbird's ALTREP data: URL and
 * Outlook's X-ALT-DESC (as HTML), or Google's HTML inside DESCRIPTION
 * (as HTML, never "\n" lines inside an HTML string).  The organizer's
 * lines inside an old block move above the new one in each form.
 */
static cst_status description(cst_edits *e, const cst_icaltext *t, int comp,
                              const char *block, size_t block_len)
{
    char *old = NULL, *esc = NULL, *fold = NULL, *app = NULL, *un = NULL;
    char *alt = NULL, *html = NULL, *nh = NULL, *url = NULL, *val = NULL;
    char *line = NULL;
    size_t el = 0, keep = 0, r, ls, fl, al = 0, ul, hl, nl, comma;
    int di = cst_icaltext_find_prop(t, comp, "DESCRIPTION", 0), changed = 0;
    cst_status st;

    st = alt_desc(e, t, comp, block, block_len);
    if (st != CST_OK)
        return st;
    if (block_len > 0) {
        esc = cst_ical_escape_text(block, block_len, &el);
        if (esc == NULL)
            return CST_ERR_NOMEM;
    }
    if (di < 0) {
        if (block_len > 0) {
            app = malloc(el + 13);
            if (app == NULL) {
                st = CST_ERR_NOMEM;
                goto out;
            }
            memcpy(app, "DESCRIPTION:", 12);
            memcpy(app + 12, esc, el + 1);
            st = cst_edits_add(e, t, comp, app, el + 12);
        }
        goto out;
    }
    old = cst_icaltext_value(t, (size_t)di);
    un = old ? cst_ical_unescape_text(old, strlen(old), &ul) : NULL;
    if (un == NULL) {
        st = CST_ERR_NOMEM;
        goto out;
    }
    if (cst_html_looks_like(un, ul)) {
        /* Google: HTML is the DESCRIPTION */
        nh = html_block(un, ul, block, block_len, &changed, &nl, &st);
        if (nh == NULL || !changed)
            goto out;
        free(esc);
        esc = cst_ical_escape_text(nh, nl, &el);
        st = esc ? value_edit(e, t, (size_t)di, old, esc) : CST_ERR_NOMEM;
        goto out;
    }
    app = plain_tail(old, esc ? esc : "", el, &keep, &al);
    if (app == NULL) {
        st = CST_ERR_NOMEM;
        goto out;
    }
    alt = cst_icaltext_param(t, (size_t)di, "ALTREP");
    html = alt ? cst_data_url_html(alt, &hl) : NULL;
    if (html != NULL) {
        /* Thunderbird: the HTML it shows, in the data: URL */
        nh = html_block(html, hl, block, block_len, &changed, &nl, &st);
        if (nh == NULL)
            goto out;
        comma = (size_t)(strchr(alt, ',') - alt) + 1;
        url = changed ? cst_data_url_encode(alt, comma, nh, nl, &ul) : NULL;
        if (changed && url == NULL) {
            st = CST_ERR_NOMEM;
            goto out;
        }
        if (changed
            || !(strlen(old) == keep + al && memcmp(old + keep, app, al) == 0)) {
            val = malloc(keep + al + 1);
            if (val == NULL) {
                st = CST_ERR_NOMEM;
                goto out;
            }
            memcpy(val, old, keep);
            memcpy(val + keep, app, al + 1);
            line = with_value(t, (size_t)di, val, url);
            st = line ? cst_edits_replace(e, t, (size_t)di, line,
                                          strlen(line))
                      : CST_ERR_NOMEM;
        }
        goto out;
    }
    if (strlen(old) == keep + al && memcmp(old + keep, app, al) == 0)
        goto out; /* unchanged */
    if (keep == 0 && al == 0) {
        st = cst_edits_remove(e, t, (size_t)di);
        goto out;
    }
    /* keep the organizer's bytes and folds; continue the physical line
     * right after the organizer's last byte, so that a fold before what
     * follows is part of it (and goes when the block goes) */
    r = keep > 0 ? cst_icaltext_raw_offset(t, (size_t)di, keep - 1) + 1
                 : t->props[di].colon + 1;
    for (ls = r; ls > 0 && t->buf[ls - 1] != '\n' && t->buf[ls - 1] != '\r';)
        ls--;
    if (al > 0) {
        fold = cst_ical_fold(app, al, r - ls, t->eol, &fl);
        if (fold == NULL) {
            st = CST_ERR_NOMEM;
            goto out;
        }
        fl -= strlen(t->eol);
    } else {
        fl = 0;
    }
    st = cst_edits_raw(e, r, cst_icaltext_value_end(t, (size_t)di) - r,
                       fold ? fold : "", fl);
out:
    free(old);
    free(un);
    free(esc);
    free(fold);
    free(app);
    free(alt);
    free(html);
    free(nh);
    free(url);
    free(val);
    free(line);
    return st;
}

/* The occurrence the timetable shows: the next one, else the last. */
static int timetable_occurrence(const cst_object *o, const cst_event *ev,
                                time_t now, time_t *start, time_t *end)
{
    int has_next = 0, has_last = 0;
    cst_occurrence next, last;

    if (cst_occur_event(o, ev, now, &has_next, &next, &has_last, &last)
        != CST_OK)
        return 0;
    if (has_next) {
        *start = next.start;
        *end = next.end;
        return 1;
    }
    if (has_last) {
        *start = last.start;
        *end = last.end;
        return 1;
    }
    return 0;
}

/* Returns 1 when ev's start differs from that of its previous copy. */
static int start_moved(const cst_event *ev, const cst_event *pe)
{
    icalproperty *a = icalcomponent_get_first_property(ev->comp,
                                                       ICAL_DTSTART_PROPERTY);
    icalproperty *b = icalcomponent_get_first_property(pe->comp,
                                                       ICAL_DTSTART_PROPERTY);
    time_t ta = 0, tb = 0;

    if (a == NULL || b == NULL)
        return a != b;
    if (cst_tz_prop_time(ev->vcal, a, &ta, NULL) != CST_OK
        || cst_tz_prop_time(pe->vcal, b, &tb, NULL) != CST_OK)
        return 0;
    return ta != tb;
}

/*
 * Counts the enforced findings before the meeting of ev and, when the
 * server's copy is known and ev is new there or its start moved, sets
 * up the rejection (scheduling rules only: adding an agenda, materials or
 * minutes late is never rejected).
 */
static void enforced(const cst_process_in *in, cst_process_result *res,
                     const cst_event *ev, const cst_event *pe,
                     const cst_findings *f)
{
    size_t i;

    for (i = 0; i < f->n; i++) {
        const cst_finding *x = &f->v[i];

        if (x->event != ev || x->mode != CST_MODE_ENFORCE
            || x->rule > CST_RULE_AGENDA_OVERRUN)
            continue;
        res->n_enforced++;
        if (res->reject || !in->previous_known
            || (pe != NULL && !start_moved(ev, pe)))
            continue;
        res->reject = 1;
        res->rule = x->rule;
        snprintf(res->uid, sizeof(res->uid), "%s", ev->uid);
        cst_finding_message(x, in->tr, in->tr_ctx, res->message,
                            sizeof(res->message));
    }
}

cst_status cst_process(const char *data, size_t len, const cst_process_in *in,
                       char **out, size_t *out_len, cst_error *err)
{
    cst_doc *d = NULL, *prev = NULL;
    cst_error perr;
    cst_status st;

    *out = NULL;
    *out_len = 0;
    st = cst_doc_parse(data, len, in->policy, &d, err);
    if (st != CST_OK)
        return st;
    if (in->previous != NULL
        && cst_doc_parse(in->previous, in->previous_len, in->policy, &prev,
                         &perr) != CST_OK)
        prev = NULL; /* a bad stored copy only loses the carry-over */
    st = cst_doc_process(d, prev, in, out, out_len, err);
    cst_doc_free(&prev);
    cst_doc_free(&d);
    return st;
}

/* The stamps of every event, to be put back after stored_stamps(). */
static time_t *save_stamps(const cst_object *obj)
{
    size_t i, n = cst_object_n_events(obj);
    time_t *v = malloc((n ? n : 1) * 3 * sizeof(*v));

    for (i = 0; v != NULL && i < n; i++) {
        const cst_event *ev = cst_object_event(obj, i);

        v[3 * i] = ev->agenda_sent;
        v[3 * i + 1] = ev->materials_sent;
        v[3 * i + 2] = ev->minutes_sent;
    }
    return v;
}

static void restore_stamps(const cst_object *obj, const time_t *v)
{
    size_t i;

    for (i = 0; v != NULL && i < cst_object_n_events(obj); i++) {
        cst_event *ev = cst_object_event(obj, i);

        ev->agenda_sent = v[3 * i];
        ev->materials_sent = v[3 * i + 1];
        ev->minutes_sent = v[3 * i + 2];
    }
}

cst_status cst_doc_process(cst_doc *d, const cst_doc *previous,
                           const cst_process_in *in, char **out,
                           size_t *out_len, cst_error *err)
{
    cst_process_result scratch;
    cst_process_result *res = in->result ? in->result : &scratch;
    const cst_object *obj = cst_doc_object(d);
    const cst_object *prev = previous ? cst_doc_object(previous) : NULL;
    cst_icaltext t;
    cst_findings f = {NULL, 0, 0};
    cst_edits e = {NULL, 0, 0};
    cst_status st;
    size_t i, n_vevent = 0, len;
    const char *data = cst_doc_data(d, &len);
    time_t *stamps = NULL;
    char *uid = NULL;

    *out = NULL;
    *out_len = 0;
    memset(&t, 0, sizeof(t));
    st = cst_icaltext_scan(data, len, &t, err);
    if (st != CST_OK)
        goto done;
    for (i = 0; i < t.n_comps; i++)
        n_vevent += strcmp(t.comps[i].name, "VEVENT") == 0;
    if (n_vevent != cst_object_n_events(obj)) {
        cst_error_set(err, 0, "libical and the scanner disagree on the "
                      "number of VEVENTs (%zu, %zu)",
                      cst_object_n_events(obj), n_vevent);
        st = CST_ERR_PARSE;
        goto done;
    }
    if (in->previous_known) {
        stamps = save_stamps(obj);
        if (stamps == NULL) {
            st = CST_ERR_NOMEM;
            goto done;
        }
        stored_stamps(obj, prev);
    }
    st = cst_check(obj, in->policy, in->now, &f);
    if (st == CST_ERR_TOO_LARGE)
        cst_error_set(err, 0, "%s", CST_RECUR_BUDGET_MSG);
    if (st != CST_OK)
        goto done;
    memset(res, 0, sizeof(*res));
    for (i = 0; i < cst_object_n_events(obj); i++) {
        const cst_event *ev = cst_object_event(obj, i);
        const cst_event *pe;
        int comp = cst_icaltext_nth_comp(&t, "VEVENT", i);
        int up;
        time_t start = 0, end = 0;
        int has_occ;
        cst_sbuf block = {NULL, 0, 0, 0};

        if (!ev->is_meeting)
            continue;
        if (in->organizer_user != NULL
            && !cst_event_organized_by(ev, in->organizer_user))
            continue; /* an attendee's copy: not ours to change */
        res->n_meetings++;
        enforced(in, res, ev, prev_event(prev, ev), &f);
        up = cst_icaltext_find_prop(&t, comp, "UID", 0);
        free(uid);
        uid = up >= 0 ? cst_icaltext_value(&t, (size_t)up) : NULL;
        if (ev->uid[0] != '\0' && (uid == NULL || strcmp(uid, ev->uid) != 0)) {
            cst_error_set(err, 0, "event %zu: UID does not match", i);
            st = CST_ERR_PARSE;
            goto done;
        }
        pe = prev_event(prev, ev);
        st = add_stamp(&e, &t, comp, "X-CALSTEWARD-AGENDA-SENT",
                       in->previous_known, pe ? pe->agenda_sent : 0,
                       ev->agenda.n > 0, in->now, &res->stamps_added);
        if (st == CST_OK)
            st = add_stamp(&e, &t, comp, "X-CALSTEWARD-MATERIALS-SENT",
                           in->previous_known, pe ? pe->materials_sent : 0,
                           ev->has_materials, in->now, &res->stamps_added);
        if (st == CST_OK)
            st = add_stamp(&e, &t, comp, "X-CALSTEWARD-MINUTES-SENT",
                           in->previous_known, pe ? pe->minutes_sent : 0,
                           ev->has_minutes, in->now, &res->stamps_added);
        if (st != CST_OK)
            goto done;
        has_occ = timetable_occurrence(obj, ev, in->now, &start, &end);
        st = structured(&e, &t, comp, ev, in, start, end, has_occ);
        if (st != CST_OK)
            goto done;
        build_block(in, ev, start, has_occ, &f, &block);
        if (block.oom) {
            free(block.s);
            st = CST_ERR_NOMEM;
            goto done;
        }
        st = description(&e, &t, comp, block.s ? block.s : "", block.n);
        free(block.s);
        if (st != CST_OK)
            goto done;
    }
    if (e.n > 0) {
        st = cst_edits_apply(&e, &t, out, out_len);
        if (st == CST_OK && *out_len == len && memcmp(*out, data, len) == 0) {
            free(*out);
            *out = NULL;
            *out_len = 0;
        }
    }
done:
    restore_stamps(obj, stamps);
    free(stamps);
    free(uid);
    cst_edits_fini(&e);
    cst_findings_fini(&f);
    cst_icaltext_fini(&t);
    return st;
}
