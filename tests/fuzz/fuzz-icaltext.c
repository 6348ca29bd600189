/*
 * fuzz-icaltext.c -- libFuzzer target for core/icaltext.c.
 *
 * Scans the input; when it scans, checks the index against the bytes,
 * reads every property's value, line and a few parameters, then applies
 * up to four edits chosen from a hash of the input (add a property to a
 * component, replace or remove a property) and checks that
 *   - the output equals the input outside the edited ranges (against an
 *     expected output built here independently of cst_edits_apply);
 *   - every edit's text unfolds to its content, in lines of at most 75
 *     octets;
 *   - the output scans again, with the same components, the expected
 *     number of properties, and every property not edited byte for byte
 *     as it was, in order.
 * A violated invariant calls abort().  Built and run by run-fuzz.sh.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/icaltext.h"

#define MAX_EDITS 4
#define MARK "X-CSTFUZZ-" /* names of the properties added here */

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "fuzz-icaltext: invariant failed at %s:%d: %s\n",  \
                    __FILE__, __LINE__, #cond);                                \
            abort();                                                           \
        }                                                                      \
    } while (0)

/* xorshift, seeded from a hash of the input: edits depend on the input. */
static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

typedef struct fz_edit {
    int op; /* 0 add, 1 replace, 2 remove */
    int comp, prop;
    size_t at, del, seq;
    char *content; /* unfolded line (add, replace) */
    size_t clen;
    char *ins; /* the bytes expected in place of [at, at + del) */
    size_t ins_len;
} fz_edit;

/* The index is consistent with the bytes. */
static void check_index(const cst_icaltext *t)
{
    size_t i;

    for (i = 0; i < t->n_comps; i++) {
        const cst_ical_comp *c = &t->comps[i];

        CHECK(c->begin < c->body && c->body <= c->first_child);
        CHECK(c->first_child <= c->end && c->end < c->after);
        CHECK(c->after <= t->len);
        CHECK(c->parent < (int)i);
        if (c->parent >= 0) {
            CHECK(t->comps[c->parent].body <= c->begin);
            CHECK(c->after <= t->comps[c->parent].end);
        }
    }
    for (i = 0; i < t->n_props; i++) {
        const cst_ical_prop *p = &t->props[i];
        const cst_ical_comp *c;

        CHECK(p->comp >= 0 && (size_t)p->comp < t->n_comps);
        c = &t->comps[p->comp];
        CHECK(p->start < p->colon && p->colon < p->end && p->end <= t->len);
        CHECK(t->buf[p->colon] == ':');
        CHECK(c->body <= p->start && p->end <= c->end);
        CHECK(p->name[0] != '\0');
        if (i > 0)
            CHECK(t->props[i - 1].end <= p->start);
    }
}

/* Values, lines, raw offsets and parameters of the first properties. */
static void check_values(const cst_icaltext *t)
{
    size_t i, k, n = t->n_props < 64 ? t->n_props : 64;

    for (i = 0; i < n; i++) {
        const cst_ical_prop *p = &t->props[i];
        size_t vend = cst_icaltext_value_end(t, i), vl, prev;
        char *v = cst_icaltext_value(t, i);
        char *l = cst_icaltext_line(t, i);
        char *cn = cst_icaltext_param(t, i, "CN");

        CHECK(v != NULL && l != NULL);
        CHECK(vend > p->colon && vend <= p->end);
        /* the value: NULs in it end the C string early */
        vl = strlen(v);
        CHECK(vl <= vend - p->colon - 1);
        /* raw offsets (each call walks the value: a few of them) */
        prev = p->colon;
        for (k = 0; k < vl; k = k < 4 ? k + 1 : k * 2 + 1) {
            size_t r = cst_icaltext_raw_offset(t, i, k);

            CHECK(r > prev && r < vend && t->buf[r] == v[k]);
            prev = r;
        }
        if (memchr(t->buf + p->colon, '\0', vend - p->colon) == NULL)
            CHECK(cst_icaltext_raw_offset(t, i, vl) == vend);
        CHECK(strlen(l) <= vend - p->start);
        if (cn != NULL)
            CHECK(strlen(cn) < p->colon - p->start);
        free(cn);
        free(v);
        free(l);
    }
}

/* Unfolds text (eol + one space removed; eol at the end removed) and
 * checks the physical lines: at most 75 octets, continuation lines
 * starting with a space.  Returns the unfolded length. */
static size_t check_fold(const char *text, size_t len, const char *eol,
                         char *back)
{
    size_t el = strlen(eol), i = 0, o = 0;
    int first = 1;

    CHECK(len >= el && memcmp(text + len - el, eol, el) == 0);
    while (i < len) {
        size_t e = i;

        while (memcmp(text + e, eol, el) != 0)
            e++;
        CHECK(e - i <= 75);
        if (!first) {
            CHECK(e > i && text[i] == ' ');
            i++;
        }
        memcpy(back + o, text + i, e - i);
        o += e - i;
        i = e + el;
        first = 0;
    }
    return o;
}

static int cmp_fz(const void *a, const void *b)
{
    const fz_edit *x = a, *y = b;

    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    if ((x->del == 0) != (y->del == 0))
        return x->del == 0 ? -1 : 1;
    return x->seq < y->seq ? -1 : (x->seq > y->seq);
}

static int is_ours(const char *name)
{
    return strncmp(name, MARK, strlen(MARK)) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = NULL, *out = NULL, *want = NULL, *back = NULL;
    cst_icaltext t, t2;
    cst_edits e = {NULL, 0, 0};
    fz_edit fe[MAX_EDITS];
    size_t n_fe = 0, i, j, ol = 0, wl, pos, added = 0, removed = 0, pl;
    uint64_t seed = 1469598103934665603ull;
    char edited[256];
    cst_status st;

    memset(&t2, 0, sizeof(t2));
    memset(fe, 0, sizeof(fe));
    /* an exact-size copy, so that a read past the end is seen */
    buf = malloc(size ? size : 1);
    if (buf == NULL)
        return 0;
    if (size > 0)
        memcpy(buf, data, size);
    if (cst_icaltext_scan(buf, size, &t, NULL) != CST_OK) {
        CHECK(t.comps == NULL && t.props == NULL);
        free(buf);
        return 0;
    }
    check_index(&t);
    check_values(&t);

    for (i = 0; i < size; i++)
        seed = (seed ^ data[i]) * 1099511628211ull;
    seed |= 1;
    memset(edited, 0, sizeof(edited));

    /* the edits: distinct properties for replace / remove; adds anywhere */
    for (i = 0; i < MAX_EDITS && t.n_comps > 0; i++) {
        fz_edit *f = &fe[n_fe];
        uint64_t r = rnd(&seed);
        int op = (int)(r % 3);
        size_t from, n, k, ml;

        if (op != 0) {
            if (t.n_props == 0)
                continue;
            f->prop = (int)((r >> 8) % t.n_props);
            if ((size_t)f->prop < sizeof(edited) && edited[f->prop])
                continue;
            if ((size_t)f->prop < sizeof(edited))
                edited[f->prop] = 1;
            else
                continue;
            f->comp = t.props[f->prop].comp;
            f->at = t.props[f->prop].start;
            f->del = t.props[f->prop].end - f->at;
        } else {
            f->comp = (int)((r >> 8) % t.n_comps);
            f->at = t.comps[f->comp].first_child;
            f->del = 0;
        }
        f->op = op;
        f->seq = n_fe;
        if (op != 2) {
            /* content: our name, maybe a quoted parameter, and a slice
             * of the input (CR and LF replaced: a content line has none) */
            from = size ? (size_t)((r >> 24) % size) : 0;
            n = (size_t)((r >> 40) % 300);
            if (n > size - from)
                n = size - from;
            ml = strlen(MARK) + 8 + 16 + n;
            f->content = malloc(ml);
            CHECK(f->content != NULL);
            k = (size_t)snprintf(f->content, ml, MARK "E%zu%s:", n_fe,
                                 (r & 0x80) ? ";P=\"a:b;c\"" : "");
            for (j = 0; j < n; j++) {
                char c = buf[from + j];

                f->content[k++] = (c == '\r' || c == '\n') ? '_' : c;
            }
            f->content[k] = '\0';
            f->clen = k;
        }
        if (op == 0)
            st = cst_edits_add(&e, &t, f->comp, f->content, f->clen);
        else if (op == 1)
            st =
                cst_edits_replace(&e, &t, (size_t)f->prop, f->content, f->clen);
        else
            st = cst_edits_remove(&e, &t, (size_t)f->prop);
        CHECK(st == CST_OK);
        CHECK(e.n == n_fe + 1 && e.v[n_fe].at == f->at &&
              e.v[n_fe].del == f->del);
        f->ins = e.v[n_fe].text;
        f->ins_len = e.v[n_fe].text_len;
        if (op == 2) {
            CHECK(f->ins_len == 0);
            removed++;
        } else {
            /* the text is the content, folded, ending in the text's eol */
            back = malloc(f->ins_len + 1);
            CHECK(back != NULL);
            CHECK(check_fold(f->ins, f->ins_len, t.eol, back) == f->clen);
            CHECK(memcmp(back, f->content, f->clen) == 0);
            free(back);
            back = NULL;
            added += (op == 0);
        }
        n_fe++;
    }

    st = cst_edits_apply(&e, &t, &out, &ol);
    CHECK(st == CST_OK && out != NULL && out[ol] == '\0');

    /* the expected output, built here: input outside the edits; where a
     * removal brings a lone CR and an LF together, an LF between them */
    {
        fz_edit sorted[MAX_EDITS];
        size_t cap = size + 1, n;
        int removed_here = 0;

        for (i = 0; i < n_fe; i++)
            cap += fe[i].ins_len + 1;
        want = malloc(cap);
        CHECK(want != NULL);
        memcpy(sorted, fe, n_fe * sizeof(*fe));
        qsort(sorted, n_fe, sizeof(*sorted), cmp_fz);
        wl = 0;
        pos = 0;
        for (i = 0; i <= n_fe; i++) {
            size_t upto = i < n_fe ? sorted[i].at : size;

            CHECK(upto >= pos);
            n = upto - pos;
            if (n > 0) {
                if (removed_here && wl > 0 && want[wl - 1] == '\r' &&
                    buf[pos] == '\n')
                    want[wl++] = '\n';
                memcpy(want + wl, buf + pos, n);
                wl += n;
                removed_here = 0;
            }
            if (i == n_fe)
                break;
            if (sorted[i].ins_len > 0) {
                /* our lines start with a name and end in a line end */
                CHECK(sorted[i].ins[0] != '\n');
                memcpy(want + wl, sorted[i].ins, sorted[i].ins_len);
                wl += sorted[i].ins_len;
                removed_here = 0;
            }
            if (sorted[i].del > 0 && sorted[i].ins_len == 0)
                removed_here = 1;
            pos = sorted[i].at + sorted[i].del;
        }
        CHECK(ol == wl && memcmp(out, want, wl) == 0);
    }

    /* the output scans, with the same components and the properties that
     * were not edited, byte for byte and in order */
    st = cst_icaltext_scan(out, ol, &t2, NULL);
    CHECK(st == CST_OK);
    check_index(&t2);
    CHECK(t2.n_comps == t.n_comps);
    for (i = 0; i < t.n_comps; i++) {
        CHECK(strcmp(t2.comps[i].name, t.comps[i].name) == 0);
        CHECK(t2.comps[i].parent == t.comps[i].parent);
    }
    CHECK(t2.n_props == t.n_props + added - removed);
    for (i = 0, j = 0;; i++, j++) {
        /* the next property of t neither edited nor ours */
        while (i < t.n_props &&
               ((i < sizeof(edited) && edited[i]) || is_ours(t.props[i].name)))
            i++;
        while (j < t2.n_props && is_ours(t2.props[j].name))
            j++;
        if (i >= t.n_props || j >= t2.n_props) {
            CHECK(i >= t.n_props && j >= t2.n_props);
            break;
        }
        CHECK(strcmp(t.props[i].name, t2.props[j].name) == 0);
        CHECK(t.props[i].comp == t2.props[j].comp);
        /* byte for byte; a line ending in a lone CR before a removal
         * may have got the LF that keeps it apart from an LF line */
        pl = t.props[i].end - t.props[i].start;
        CHECK(memcmp(t.buf + t.props[i].start, t2.buf + t2.props[j].start,
                     pl) == 0);
        CHECK(t2.props[j].end - t2.props[j].start == pl ||
              (t2.props[j].end - t2.props[j].start == pl + 1 &&
               t.buf[t.props[i].end - 1] == '\r' &&
               t2.buf[t2.props[j].end - 1] == '\n'));
    }
    /* each added or replacing line is there, in its component */
    for (i = 0; i < n_fe; i++) {
        int found = 0;

        if (fe[i].op == 2)
            continue;
        for (j = 0; j < t2.n_props && !found; j++) {
            char *l;

            if (!is_ours(t2.props[j].name) || t2.props[j].comp != fe[i].comp)
                continue;
            l = cst_icaltext_line(&t2, j);
            CHECK(l != NULL);
            /* a NUL in the content ends the unfolded C string early */
            found = memchr(fe[i].content, '\0', fe[i].clen) != NULL ||
                    (strlen(l) == fe[i].clen &&
                     memcmp(l, fe[i].content, fe[i].clen) == 0);
            free(l);
        }
        CHECK(found);
    }

    cst_icaltext_fini(&t2);
    for (i = 0; i < n_fe; i++)
        free(fe[i].content);
    cst_edits_fini(&e);
    cst_icaltext_fini(&t);
    free(want);
    free(out);
    free(buf);
    return 0;
}
