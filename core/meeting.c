/*
 * meeting.c -- the meeting model: parse an iCalendar object once, find its
 * meetings, their participants and the organizer's text.
 */
#include "config.h"
#include "core/tz.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdio.h>

#include "meeting.h"
#include "block.h"
#include "html.h"
#include "icaltext.h"
#include "occur.h"
#include "policy.h"
#include "text.h"
#include "tz.h"

struct cst_object {
    icalcomponent *root;    /* what libical returned: VCALENDAR or XROOT */
    cst_event *events;
    size_t n_events;
    cst_occ_memo *memo;     /* per event: its occurrences at one now */
};

/* ---- the pre-scan: line-accurate errors before libical sees the text -- */

/* Copies the logical (unfolded) line starting at physical line p into
 * buf, up to n - 1 bytes.  Returns the length copied. */
static size_t logical_head(const char *p, const char *end, char *buf,
                           size_t n)
{
    size_t o = 0;

    while (p < end && o + 1 < n) {
        if (*p == '\r' || *p == '\n') {
            const char *q = p;

            if (*q == '\r')
                q++;
            if (q < end && *q == '\n')
                q++;
            if (q < end && (*q == ' ' || *q == '\t')) {
                p = q + 1;
                continue;
            }
            break;
        }
        buf[o++] = *p++;
    }
    buf[o] = '\0';
    return o;
}

/* Returns the component name after "BEGIN:" / "END:" in a logical line
 * head, or NULL. */
static const char *begin_end(const char *head, size_t len, int *is_begin)
{
    size_t k;

    if ((k = cst_prefix_ci(head, len, "BEGIN:")) > 0) {
        *is_begin = 1;
        return head + k;
    }
    if ((k = cst_prefix_ci(head, len, "END:")) > 0) {
        *is_begin = 0;
        return head + k;
    }
    return NULL;
}

/* The first '\n', '\r' or NUL at or after p, or end.  A word at a time
 * while no byte of it is below 0x0E (all three are). */
static const char *line_end(const char *p, const char *end)
{
    const uint64_t ones = 0x0101010101010101ull;
    uint64_t w;

    while (end - p >= 8) {
        memcpy(&w, p, 8);
        /* a byte below 0x0E, or one >= 0x80 (then looked at bytewise) */
        if (((w - ones * 0x0E) | w) & (ones * 0x80))
            break;
        p += 8;
    }
    while (p < end && *p != '\n' && *p != '\r' && *p != '\0')
        p++;
    return p;
}

static int is_top_kind(const char *name)
{
    return cst_eq_ci(name, strlen(name), "VCALENDAR")
           || cst_eq_ci(name, strlen(name), "VEVENT")
           || cst_eq_ci(name, strlen(name), "VTODO")
           || cst_eq_ci(name, strlen(name), "VJOURNAL");
}

/*
 * Checks the shape of the text: valid UTF-8, no NUL, the first content
 * line a BEGIN of a calendar or component, BEGIN/END balanced and
 * matching, nesting and component count within limits.  Sets err with
 * the line of the first problem.
 */
static cst_status prescan(const char *data, size_t len, cst_error *err)
{
    char stack[CST_MAX_DEPTH][24];
    char head[64];
    size_t depth = 0, n_comp = 0, n_att = 0, hl, content = 0;
    const char *p = data, *end = data + len, *eol, *name;
    int line = 0, seen_begin = 0, is_begin, first = 1, content_line = 1;

    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    while (p < end) {
        line++;
        eol = line_end(p, end);
        if (eol < end && *eol == '\0') {
            cst_error_set(err, line, "NUL byte in the text");
            return CST_ERR_PARSE;
        }
        if (!cst_utf8_valid(p, (size_t)(eol - p))) {
            cst_error_set(err, line, "invalid UTF-8");
            return CST_ERR_PARSE;
        }
        /* libical 3.0 reads a content line in time quadratic in its
         * length: 10 MiB take 10 s.  No real property comes near this. */
        if (p < eol && (*p == ' ' || *p == '\t')) {
            content += (size_t)(eol - p);
        } else {
            content = (size_t)(eol - p);
            content_line = line;
        }
        if (content > CST_MAX_CONTENT_LINE) {
            cst_error_set(err, content_line, "a content line longer than "
                          "%u bytes", CST_MAX_CONTENT_LINE);
            return CST_ERR_TOO_LARGE;
        }
        if (p < eol && *p != ' ' && *p != '\t') {
            hl = logical_head(p, end, head, sizeof(head));
            name = begin_end(head, hl, &is_begin);
            if (first && (name == NULL || !is_begin || !is_top_kind(name))) {
                cst_error_set(err, line, "not iCalendar: expected "
                              "BEGIN:VCALENDAR");
                return CST_ERR_PARSE;
            }
            first = 0;
            if (name != NULL && is_begin) {
                if (depth == CST_MAX_DEPTH) {
                    cst_error_set(err, line, "components nested deeper "
                                  "than %d", CST_MAX_DEPTH);
                    return CST_ERR_TOO_LARGE;
                }
                if (++n_comp > CST_MAX_COMPONENTS + 100) {
                    cst_error_set(err, line, "more than %u components",
                                  CST_MAX_COMPONENTS);
                    return CST_ERR_TOO_LARGE;
                }
                snprintf(stack[depth], sizeof(stack[depth]), "%s", name);
                depth++;
                seen_begin = 1;
            } else if (name != NULL) {
                if (depth == 0 || strcasecmp(stack[depth - 1], name) != 0) {
                    cst_error_set(err, line, "END:%s does not close %s%s",
                                  name, depth ? "BEGIN:" : "any component",
                                  depth ? stack[depth - 1] : "");
                    return CST_ERR_PARSE;
                }
                depth--;
            } else if (cst_prefix_ci(head, hl, "ATTENDEE") > 0
                       && ++n_att > CST_MAX_PARTICIPANTS) {
                cst_error_set(err, line, "more than %u attendees",
                              CST_MAX_PARTICIPANTS);
                return CST_ERR_TOO_LARGE;
            }
        }
        p = eol;
        if (p < end && *p == '\r')
            p++;
        if (p < end && *p == '\n')
            p++;
    }
    if (!seen_begin) {
        cst_error_set(err, 1, "not iCalendar: no BEGIN line");
        return CST_ERR_PARSE;
    }
    if (depth > 0) {
        cst_error_set(err, line, "truncated: END:%s missing at the end",
                      stack[depth - 1]);
        return CST_ERR_PARSE;
    }
    return CST_OK;
}

/* ---- participants ----------------------------------------------------- */


/* A small open-addressing set of addresses, to count each one once. */
typedef struct addr_set {
    const char **slot;
    size_t cap;
} addr_set;

static size_t hash_str(const char *s)
{
    size_t h = 5381;

    while (*s)
        h = h * 33 + (unsigned char)*s++;
    return h;
}

/* Returns 1 when added, 0 when already there, -1 when out of memory. */
static int addr_set_add(addr_set *set, const char *a, size_t n_max)
{
    size_t i;

    if (set->slot == NULL) {
        set->cap = 16;
        while (set->cap < n_max * 2)
            set->cap *= 2;
        set->slot = calloc(set->cap, sizeof(*set->slot));
        if (set->slot == NULL)
            return -1;
    }
    i = hash_str(a) & (set->cap - 1);
    while (set->slot[i] != NULL) {
        if (strcmp(set->slot[i], a) == 0)
            return 0;
        i = (i + 1) & (set->cap - 1);
    }
    set->slot[i] = a;
    return 1;
}

static const char *param_cn(icalproperty *prop)
{
    icalparameter *par = icalproperty_get_first_parameter(prop,
                                                          ICAL_CN_PARAMETER);

    return par ? icalparameter_get_cn(par) : NULL;
}

static int counts_as_participant(icalproperty *prop)
{
    icalparameter *par;

    par = icalproperty_get_first_parameter(prop, ICAL_CUTYPE_PARAMETER);
    if (par != NULL) {
        icalparameter_cutype ct = icalparameter_get_cutype(par);

        if (ct == ICAL_CUTYPE_ROOM || ct == ICAL_CUTYPE_RESOURCE)
            return 0;
    }
    par = icalproperty_get_first_parameter(prop, ICAL_ROLE_PARAMETER);
    if (par != NULL
        && icalparameter_get_role(par) == ICAL_ROLE_NONPARTICIPANT)
        return 0;
    return 1;
}

static cst_status load_people(cst_event *ev)
{
    icalproperty *org, *prop;
    addr_set set = {NULL, 0};
    size_t n_att, cap;
    cst_status st = CST_OK;
    int other = 0;

    org = icalcomponent_get_first_property(ev->comp, ICAL_ORGANIZER_PROPERTY);
    if (org == NULL || icalproperty_get_organizer(org) == NULL)
        return CST_OK;
    n_att = (size_t)icalcomponent_count_properties(ev->comp,
                                                   ICAL_ATTENDEE_PROPERTY);
    if (n_att > CST_MAX_PARTICIPANTS)
        return CST_ERR_TOO_LARGE;
    cap = n_att + 1;
    ev->people = calloc(cap, sizeof(*ev->people));
    if (ev->people == NULL)
        return CST_ERR_NOMEM;
    ev->people[0].addr = cst_addr_norm(icalproperty_get_organizer(org));
    if (ev->people[0].addr == NULL) {
        st = CST_ERR_NOMEM;
        goto done;
    }
    if (param_cn(org) != NULL
        && (ev->people[0].cn = strdup(param_cn(org))) == NULL) {
        st = CST_ERR_NOMEM;
        goto done;
    }
    ev->people[0].counted = 1;
    ev->n_people = 1;
    ev->n_counted = 1;
    if (addr_set_add(&set, ev->people[0].addr, cap) < 0) {
        st = CST_ERR_NOMEM;
        goto done;
    }
    for (prop = icalcomponent_get_first_property(ev->comp,
                                                 ICAL_ATTENDEE_PROPERTY);
         prop != NULL;
         prop = icalcomponent_get_next_property(ev->comp,
                                                ICAL_ATTENDEE_PROPERTY)) {
        cst_participant *pp = &ev->people[ev->n_people];
        int added;

        if (icalproperty_get_attendee(prop) == NULL)
            continue;
        pp->addr = cst_addr_norm(icalproperty_get_attendee(prop));
        if (pp->addr == NULL) {
            st = CST_ERR_NOMEM;
            goto done;
        }
        if (pp->addr[0] == '\0') {
            free(pp->addr);
            pp->addr = NULL;
            continue;
        }
        added = addr_set_add(&set, pp->addr, cap);
        if (added < 0) {
            st = CST_ERR_NOMEM;
            goto done;
        }
        if (added == 0) {
            /* the organizer listed as attendee, or a repeat: keep a CN */
            size_t i;

            for (i = 0; i < ev->n_people; i++) {
                if (strcmp(ev->people[i].addr, pp->addr) == 0)
                    break;
            }
            if (i < ev->n_people && ev->people[i].cn == NULL
                && param_cn(prop) != NULL)
                ev->people[i].cn = strdup(param_cn(prop));
            free(pp->addr);
            pp->addr = NULL;
            continue;
        }
        other = 1;
        if (param_cn(prop) != NULL
            && (pp->cn = strdup(param_cn(prop))) == NULL) {
            st = CST_ERR_NOMEM;
            goto done;
        }
        pp->counted = counts_as_participant(prop);
        ev->n_counted += (size_t)pp->counted;
        ev->n_people++;
    }
    ev->is_meeting = other; /* refined by the caller */
done:
    free(set.slot);
    return st;
}

/* Looking up one participant for an owner written in the text. */
static int lower_c(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

/* Compares a name as written with a CN, case-insensitively, ignoring
 * spaces ("lisi" is "Li Si"). */
static int same_ignoring_space(const char *a, size_t alen, const char *b)
{
    size_t i = 0, j = 0, blen = strlen(b);

    for (;;) {
        while (i < alen && (a[i] == ' ' || a[i] == '\t'))
            i++;
        while (j < blen && (b[j] == ' ' || b[j] == '\t'))
            j++;
        if (i == alen || j == blen)
            return i == alen && j == blen;
        if (lower_c((unsigned char)a[i]) != lower_c((unsigned char)b[j]))
            return 0;
        i++;
        j++;
    }
}

static int resolve_one(const cst_event *ev, const char *s, size_t len)
{
    static const char *const chair[] = {"host", "chair", "organizer",
                                        "organiser", "主持人", "组织者",
                                        "会议组织者", NULL};
    size_t i, k;

    s = cst_trim(s, len, &len);
    if (len > 0 && s[0] == '@') {
        s++;
        len--;
    }
    if (len == 0)
        return -1;
    for (k = 0; chair[k] != NULL; k++) {
        if (cst_eq_ci(s, len, chair[k]))
            return ev->n_people > 0 ? 0 : -1;
    }
    if (cst_prefix_ci(s, len, "mailto:") > 0) {
        s += 7;
        len -= 7;
    }
    /* rooms, resources and non-participants are no participants (spec
     * section 1), so they own no agenda or action item */
    for (i = 0; i < ev->n_people; i++) {
        if (ev->people[i].counted && ev->people[i].cn != NULL
            && same_ignoring_space(s, len, ev->people[i].cn))
            return (int)i;
    }
    for (i = 0; i < ev->n_people; i++) {
        const char *a = ev->people[i].addr;
        const char *at = strchr(a, '@');

        if (!ev->people[i].counted)
            continue;
        if (cst_eq_ci(s, len, a))
            return (int)i;
        if (at != NULL && (size_t)(at - a) == len
            && strncasecmp(a, s, len) == 0)
            return (int)i;
    }
    return -1;
}

/* Returns the length of an owner separator at s, or 0. */
static size_t owner_sep(const char *s, size_t len)
{
    static const char *const seps[] = {"/", "&", ",", "+", "、", " and ",
                                       "和", "及", NULL};
    size_t k, n;

    for (k = 0; seps[k] != NULL; k++) {
        n = cst_prefix_ci(s, len, seps[k]);
        if (n > 0)
            return n;
    }
    return 0;
}

int cst_event_resolve_owner(const cst_event *ev, const char *owner)
{
    size_t len, i, start, n;
    const char *s;
    int idx, first = -1;

    if (owner == NULL)
        return -1;
    s = cst_trim(owner, strlen(owner), &len);
    idx = resolve_one(ev, s, len);
    if (idx >= 0)
        return idx;
    /* "Li Si / Wang Wu": every name must be a participant */
    start = 0;
    i = 0;
    while (i <= len) {
        n = (i < len) ? owner_sep(s + i, len - i) : 1;
        if (n == 0) {
            i++;
            continue;
        }
        idx = resolve_one(ev, s + start, i - start);
        if (idx < 0)
            return -1;
        if (first < 0)
            first = idx;
        i += n;
        start = i;
    }
    return first;
}

int cst_event_organized_by(const cst_event *ev, const char *user)
{
    const char *a, *at;
    size_t len;

    if (ev->n_people == 0 || user == NULL)
        return 0;
    a = ev->people[0].addr;
    user = cst_trim(user, strlen(user), &len);
    if (cst_prefix_ci(user, len, "mailto:") > 0) {
        user += 7;
        len -= 7;
    }
    if (len == 0)
        return 0;
    if (cst_eq_ci(user, len, a))
        return 1;
    at = strchr(a, '@');
    return at != NULL && (size_t)(at - a) == len
           && strncasecmp(a, user, len) == 0;
}

/* ---- the event -------------------------------------------------------- */

static time_t stamp_value(icalproperty *prop)
{
    struct icaltimetype t;
    icalvalue *val = icalproperty_get_value(prop);
    const char *v = NULL;

    /* an X value's own text, without libical's quoted copy into its ring
     * of temporary buffers; a value the quoting would change (or another
     * type) goes the old way, so the answer is the same */
    if (val != NULL && icalvalue_isa(val) == ICAL_X_VALUE)
        v = icalvalue_get_x(val);
    if (v == NULL || strpbrk(v, "\\,;:\"\n\r\b\f") != NULL)
        v = icalproperty_get_value_as_string(prop);

    if (v == NULL)
        return 0;
    t = icaltime_from_string(v);
    if (icaltime_is_null_time(t) || t.is_date)
        return 0;
    return icaltime_as_timet_with_zone(t, icaltimezone_get_utc_timezone());
}

static void read_x_props(cst_event *ev)
{
    icalproperty *prop;

    for (prop = icalcomponent_get_first_property(ev->comp, ICAL_X_PROPERTY);
         prop != NULL;
         prop = icalcomponent_get_next_property(ev->comp, ICAL_X_PROPERTY)) {
        const char *name = icalproperty_get_x_name(prop);

        if (name == NULL)
            continue;
        if (strcasecmp(name, "X-CALSTEWARD-AGENDA-SENT") == 0)
            ev->agenda_sent = stamp_value(prop);
        else if (strcasecmp(name, "X-CALSTEWARD-MATERIALS-SENT") == 0)
            ev->materials_sent = stamp_value(prop);
        else if (strcasecmp(name, "X-CALSTEWARD-MINUTES-SENT") == 0)
            ev->minutes_sent = stamp_value(prop);
    }
}

/* CATEGORIES may hold several values in one property, and several
 * properties; libical may or may not have split them. */
static int is_urgent(icalcomponent *comp, const cst_policy *policy)
{
    icalproperty *prop;

    for (prop = icalcomponent_get_first_property(comp,
                                                 ICAL_CATEGORIES_PROPERTY);
         prop != NULL;
         prop = icalcomponent_get_next_property(comp,
                                                ICAL_CATEGORIES_PROPERTY)) {
        const char *v = icalproperty_get_categories(prop);
        const char *p, *q;

        if (v == NULL)
            continue;
        for (p = v; *p != '\0'; p = (*q == ',') ? q + 1 : q) {
            size_t tl, k;
            const char *t;

            q = strchr(p, ',');
            if (q == NULL)
                q = p + strlen(p);
            t = cst_trim(p, (size_t)(q - p), &tl);
            for (k = 0; k < policy->n_urgent; k++) {
                if (tl > 0 && cst_eq_ci(t, tl, policy->urgent[k]))
                    return 1;
            }
        }
    }
    return 0;
}

cst_date cst_event_local_date(const cst_event *ev, time_t start)
{
    struct icaltimetype t;
    cst_date d;

    t = cst_tz_from_utc(start, 0,
                                      ev->zone ? ev->zone
                                               : icaltimezone_get_utc_timezone());
    memset(&d, 0, sizeof(d));
    d.year = t.year;
    d.month = t.month;
    d.day = t.day;
    return d;
}

/* The event's HTML form, if any: ALTREP of DESCRIPTION (Thunderbird),
 * else X-ALT-DESC;FMTTYPE=text/html (Outlook).  A heap string or NULL. */
static char *html_form(icalcomponent *comp, size_t *len)
{
    icalproperty *p = icalcomponent_get_first_property(
        comp, ICAL_DESCRIPTION_PROPERTY);
    icalparameter *par;
    const char *v;
    char *html;

    if (p != NULL) {
        par = icalproperty_get_first_parameter(p, ICAL_ALTREP_PARAMETER);
        v = par ? icalparameter_get_altrep(par) : NULL;
        if (v != NULL && (html = cst_data_url_html(v, len)) != NULL)
            return html;
    }
    for (p = icalcomponent_get_first_property(comp, ICAL_X_PROPERTY);
         p != NULL; p = icalcomponent_get_next_property(comp, ICAL_X_PROPERTY)) {
        const char *name = icalproperty_get_x_name(p);
        const char *fmt = icalproperty_get_parameter_as_string(p, "FMTTYPE");

        if (name == NULL || strcasecmp(name, "X-ALT-DESC") != 0
            || fmt == NULL || strncasecmp(fmt, "text/html", 9) != 0)
            continue;
        v = icalproperty_get_x(p);
        if (v == NULL)
            continue;
        return cst_ical_unescape_text(v, strlen(v), len);
    }
    return NULL;
}

/*
 * The meeting text the organizer wrote (spec section 2, "Rich text"),
 * without calsteward's block: the HTML form (ALTREP, X-ALT-DESC, or HTML
 * inside DESCRIPTION) turned into text when the plain DESCRIPTION is
 * empty, is HTML itself, or reads as the client's lossy copy of it (the
 * same words: Thunderbird's plain copy drops the list numbers); else the
 * plain DESCRIPTION -- a client that knows no HTML changed it after the
 * HTML was written.  *text is a heap string or NULL (no text).
 */
static cst_status meeting_text(cst_event *ev, const char *desc, char **text,
                               cst_error *err)
{
    size_t hl = 0, tl = 0, ul = 0, pl = 0, sl = 0, dl;
    char *html = html_form(ev->comp, &hl), *ht = NULL, *unmarked = NULL;
    char *plain = NULL;
    int use_html = 0;
    cst_status st = CST_OK;

    *text = NULL;
    dl = desc ? strlen(desc) : 0;
    if (html == NULL && desc != NULL && cst_html_looks_like(desc, dl)) {
        /* Google shows a line end in its HTML as one */
        size_t i, o = 0;

        html = malloc(dl * 5 + 1);
        if (html == NULL)
            return CST_ERR_NOMEM;
        for (i = 0; i < dl; i++) {
            if (desc[i] == '\n') {
                memcpy(html + o, "<br>\n", 5);
                o += 5;
            } else {
                html[o++] = desc[i];
            }
        }
        html[o] = '\0';
        hl = o;
        desc = NULL; /* Google: the HTML is the plain form */
        dl = 0;
    }
    if (html != NULL) {
        if (hl > CST_MAX_TEXT_BYTES) {
            cst_error_set(err, 0, "the HTML description of %s is %zu bytes, "
                          "over the limit of %u", ev->uid, hl,
                          CST_MAX_TEXT_BYTES);
            st = CST_ERR_TOO_LARGE;
            goto done;
        }
        st = cst_html_to_text(html, hl, 1, &ht, &tl);
        if (st != CST_OK)
            goto done;
        plain = desc ? cst_block_strip(desc, dl, &pl) : NULL;
        if (desc != NULL && plain == NULL) {
            st = CST_ERR_NOMEM;
            goto done;
        }
        use_html = plain == NULL || pl == 0;
        if (!use_html) {
            char *a = cst_block_strip(ht, tl, &sl);

            if (a == NULL) {
                st = CST_ERR_NOMEM;
                goto done;
            }
            use_html = cst_text_same_words(plain, pl, a, sl);
            free(a);
            if (!use_html) {
                /* the copy without list markers only when the one with
                 * them did not match: a second pass of libxml2's parser */
                st = cst_html_to_text(html, hl, 0, &unmarked, &ul);
                if (st != CST_OK)
                    goto done;
                a = cst_block_strip(unmarked, ul, &sl);
                if (a == NULL) {
                    st = CST_ERR_NOMEM;
                    goto done;
                }
                use_html = cst_text_same_words(plain, pl, a, sl);
                free(a);
            }
        }
    }
    if (use_html) {
        *text = cst_block_strip(ht, tl, &sl);
    } else if (plain != NULL) {
        *text = plain;
        plain = NULL;
    } else if (desc != NULL) {
        *text = cst_block_strip(desc, dl, &sl);
    }
    if ((use_html || desc != NULL) && *text == NULL)
        st = CST_ERR_NOMEM;
done:
    free(html);
    free(ht);
    free(unmarked);
    free(plain);
    return st;
}

static cst_status load_text(cst_event *ev, time_t start, cst_error *err)
{
    const char *desc = icalcomponent_get_description(ev->comp);
    const cst_span *sp;
    cst_date ref;
    cst_status st;
    size_t off, dl;

    ev->has_attach = icalcomponent_get_first_property(
                         ev->comp, ICAL_ATTACH_PROPERTY) != NULL;
    if (desc != NULL && strlen(desc) > CST_MAX_TEXT_BYTES) {
        cst_error_set(err, 0, "DESCRIPTION of %s is %zu bytes, over the "
                      "limit of %u", ev->uid, strlen(desc),
                      CST_MAX_TEXT_BYTES);
        return CST_ERR_TOO_LARGE;
    }
    st = meeting_text(ev, desc, &ev->description, err);
    if (st != CST_OK)
        return st;
    if (ev->description != NULL) {
        st = cst_sections_parse(ev->description, strlen(ev->description),
                                &ev->sections);
        if (st != CST_OK)
            return st;
    }
    sp = ev->sections.sec;
    ev->has_goal = cst_span_has_text(&sp[CST_SEC_GOAL]);
    ev->has_materials = cst_span_has_text(&sp[CST_SEC_MATERIALS])
                        || ev->has_attach;
    ev->has_minutes = cst_span_has_text(&sp[CST_SEC_MINUTES])
                      || cst_span_has_text(&sp[CST_SEC_DECISIONS])
                      || cst_span_has_text(&sp[CST_SEC_ACTIONS])
                      || cst_span_has_text(&sp[CST_SEC_NEXT])
                      || cst_span_has_text(&sp[CST_SEC_GOAL_REACHED]);
    if (sp[CST_SEC_GOAL_REACHED].present)
        ev->goal_reached = cst_outcome_parse(sp[CST_SEC_GOAL_REACHED].text,
                                             sp[CST_SEC_GOAL_REACHED].len);
    if (sp[CST_SEC_AGENDA].present) {
        st = cst_agenda_parse(sp[CST_SEC_AGENDA].text, sp[CST_SEC_AGENDA].len,
                              &ev->agenda);
        if (st != CST_OK) {
            cst_error_set(err, 0, "agenda of %s: %s", ev->uid,
                          cst_status_str(st));
            return st;
        }
    }
    ref = cst_event_local_date(ev, start);
    if (sp[CST_SEC_ACTIONS].present) {
        st = cst_actions_parse(sp[CST_SEC_ACTIONS].text,
                               sp[CST_SEC_ACTIONS].len, &ref, &ev->actions);
        if (st != CST_OK) {
            cst_error_set(err, 0, "action items of %s: %s", ev->uid,
                          cst_status_str(st));
            return st;
        }
    }
    if (sp[CST_SEC_NEXT].present
        && cst_due_find(sp[CST_SEC_NEXT].text, sp[CST_SEC_NEXT].len, &ref,
                        &off, &dl, &ev->next_meeting))
        ev->has_next_meeting = 1;
    return CST_OK;
}

static cst_status load_event(cst_event *ev, icalcomponent *vcal,
                             icalcomponent *comp, const cst_policy *policy,
                             cst_error *err)
{
    icalproperty *dtstart, *rid;
    time_t start = 0;
    cst_status st;
    const char *s;

    ev->comp = comp;
    ev->vcal = vcal;
    s = icalcomponent_get_uid(comp);
    ev->uid = s ? s : "";
    s = icalcomponent_get_summary(comp);
    if (s != NULL && (ev->summary = strdup(s)) == NULL)
        return CST_ERR_NOMEM;
    rid = icalcomponent_get_first_property(comp,
                                           ICAL_RECURRENCEID_PROPERTY);
    if (rid != NULL) {
        struct icaltimetype rt = icalproperty_get_recurrenceid(rid);

        ev->is_override = 1;
        if (cst_tz_prop_time(vcal, rid, &ev->rid_utc, NULL) != CST_OK) {
            /* a DATE recurrence id: midnight UTC of that day */
            ev->rid_utc = icaltime_as_timet_with_zone(
                rt, icaltimezone_get_utc_timezone());
        }
        ev->recurrence_id = strdup(icaltime_as_ical_string(
            icaltime_from_timet_with_zone(ev->rid_utc, 0,
                                          icaltimezone_get_utc_timezone())));
        if (ev->recurrence_id == NULL)
            return CST_ERR_NOMEM;
    }
    ev->is_recurring = !ev->is_override
                       && (icalcomponent_get_first_property(
                               comp, ICAL_RRULE_PROPERTY) != NULL
                           || icalcomponent_get_first_property(
                                  comp, ICAL_RDATE_PROPERTY) != NULL);
    if (!ev->is_override) {
        st = cst_occur_check_rule(comp, err);
        if (st != CST_OK)
            return st;
    }
    st = load_people(ev);
    if (st != CST_OK) {
        cst_error_set(err, 0, "attendees of %s: %s", ev->uid,
                      cst_status_str(st));
        return st;
    }
    dtstart = icalcomponent_get_first_property(comp, ICAL_DTSTART_PROPERTY);
    if (dtstart == NULL
        || cst_tz_prop_time(vcal, dtstart, &start, &ev->zone) != CST_OK)
        ev->is_meeting = 0;     /* no DTSTART, or all-day */
    if (icalcomponent_get_status(comp) == ICAL_STATUS_CANCELLED)
        ev->is_meeting = 0;
    ev->urgent = is_urgent(comp, policy);
    read_x_props(ev);
    return load_text(ev, start, err);
}

static void event_fini(cst_event *ev)
{
    size_t i;

    for (i = 0; i < ev->n_people; i++) {
        free(ev->people[i].addr);
        free(ev->people[i].cn);
    }
    free(ev->people);
    free(ev->summary);
    free(ev->recurrence_id);
    free(ev->description);
    cst_agenda_fini(&ev->agenda);
    cst_actions_fini(&ev->actions);
}

void cst_object_free(cst_object **o)
{
    size_t i;

    if (o == NULL || *o == NULL)
        return;
    for (i = 0; i < (*o)->n_events; i++)
        event_fini(&(*o)->events[i]);
    free((*o)->events);
    free((*o)->memo);
    if ((*o)->root != NULL)
        icalcomponent_free((*o)->root);
    free(*o);
    *o = NULL;
}

/* Collects the VEVENTs of one VCALENDAR (or of a bare VEVENT). */
static cst_status add_events(cst_object *o, icalcomponent *vcal,
                             const cst_policy *policy, cst_error *err)
{
    icalcomponent *c;
    cst_status st;

    if (icalcomponent_isa(vcal) == ICAL_VEVENT_COMPONENT) {
        c = vcal;
        goto one;
    }
    for (c = icalcomponent_get_first_component(vcal, ICAL_VEVENT_COMPONENT);
         c != NULL;
         c = icalcomponent_get_next_component(vcal, ICAL_VEVENT_COMPONENT)) {
    one:
        if (o->n_events >= CST_MAX_COMPONENTS) {
            cst_error_set(err, 0, "more than %u events in one object",
                          CST_MAX_COMPONENTS);
            return CST_ERR_TOO_LARGE;
        }
        memset(&o->events[o->n_events], 0, sizeof(cst_event));
        st = load_event(&o->events[o->n_events], vcal, c, policy, err);
        o->n_events++;
        if (st != CST_OK)
            return st;
        if (c == vcal)
            break;
    }
    return CST_OK;
}

/* The VEVENTs add_events() will collect: those of each VCALENDAR, or a
 * bare VEVENT. */
static size_t count_events(icalcomponent *root)
{
    icalcomponent *c;
    size_t n = 0;

    if (icalcomponent_isa(root) == ICAL_VEVENT_COMPONENT)
        return 1;
    if (icalcomponent_isa(root) != ICAL_XROOT_COMPONENT)
        return (size_t)icalcomponent_count_components(root,
                                                      ICAL_VEVENT_COMPONENT);
    for (c = icalcomponent_get_first_component(root, ICAL_ANY_COMPONENT);
         c != NULL; c = icalcomponent_get_next_component(root,
                                                         ICAL_ANY_COMPONENT))
        n += count_events(c);
    return n;
}

cst_status cst_object_parse(const char *data, size_t len,
                            const cst_policy *policy, cst_object **out,
                            cst_error *err)
{
    size_t n;
    cst_object *o = NULL;
    char *copy = NULL;
    icalcomponent *c;
    cst_status st;

    *out = NULL;
    if (len > CST_MAX_OBJECT_BYTES) {
        cst_error_set(err, 0, "object of %zu bytes is over the limit of %u",
                      len, CST_MAX_OBJECT_BYTES);
        return CST_ERR_TOO_LARGE;
    }
    st = prescan(data, len, err);
    if (st != CST_OK)
        return st;
    o = calloc(1, sizeof(*o));
    copy = cst_strndup(data, len);
    if (o == NULL || copy == NULL) {
        st = CST_ERR_NOMEM;
        goto done;
    }
    o->root = icalparser_parse_string(copy);
    if (o->root == NULL) {
        cst_error_set(err, 1, "not iCalendar: libical could not parse it");
        st = CST_ERR_PARSE;
        goto done;
    }
    /* before any time is converted: a hostile zone costs on first use */
    st = cst_tz_check_zones(o->root, err);
    if (st != CST_OK)
        goto done;
    n = count_events(o->root);
    n = n < CST_MAX_COMPONENTS ? (n ? n : 1) : CST_MAX_COMPONENTS;
    o->events = calloc(n, sizeof(*o->events));
    o->memo = calloc(n, sizeof(*o->memo));
    if (o->events == NULL || o->memo == NULL) {
        st = CST_ERR_NOMEM;
        goto done;
    }
    if (icalcomponent_isa(o->root) == ICAL_XROOT_COMPONENT) {
        for (c = icalcomponent_get_first_component(o->root,
                                                   ICAL_ANY_COMPONENT);
             c != NULL; c = icalcomponent_get_next_component(
                            o->root, ICAL_ANY_COMPONENT)) {
            st = add_events(o, c, policy, err);
            if (st != CST_OK)
                goto done;
        }
    } else {
        st = add_events(o, o->root, policy, err);
        if (st != CST_OK)
            goto done;
    }
    st = CST_OK;
done:
    free(copy);
    if (st != CST_OK)
        cst_object_free(&o);
    *out = o;
    return st;
}

cst_occ_memo *cst_object_occ_memo(const cst_object *o, const cst_event *ev)
{
    if (ev < o->events || ev >= o->events + o->n_events)
        return NULL;
    return &o->memo[ev - o->events];
}

size_t cst_object_n_events(const cst_object *o)
{
    return o->n_events;
}

cst_event *cst_object_event(const cst_object *o, size_t i)
{
    return i < o->n_events ? &o->events[i] : NULL;
}

icalcomponent *cst_object_vcalendar(const cst_object *o)
{
    return o->root;
}

const char *cst_object_uid(const cst_object *o)
{
    return o->n_events > 0 ? o->events[0].uid : "";
}
