/*
 * catalog.c -- reading a GNU .mo catalog (the format msgfmt writes:
 * a header, a table of original strings sorted by bytes, a table of
 * translations at the same indices).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"

struct cst_catalog {
    char *data;
    size_t len;
    uint32_t n;
    uint32_t orig;      /* offset of the original strings' table */
    uint32_t trans;     /* offset of the translations' table */
    int swap;
};

static uint32_t word(const cst_catalog *c, size_t off)
{
    uint32_t v;

    memcpy(&v, c->data + off, 4);
    if (c->swap)
        v = (v >> 24) | ((v >> 8) & 0xFF00u) | ((v << 8) & 0xFF0000u)
            | (v << 24);
    return v;
}

/* Checks that entry i of the table at tab points inside the data and
 * is NUL-terminated there. */
static int entry_ok(const cst_catalog *c, uint32_t tab, uint32_t i)
{
    size_t at = (size_t)tab + (size_t)i * 8;
    uint32_t len, off;

    if (at + 8 > c->len)
        return 0;
    len = word(c, at);
    off = word(c, at + 4);
    return (size_t)off + len < c->len && c->data[off + len] == '\0';
}

void cst_catalog_free(cst_catalog **c)
{
    if (c == NULL || *c == NULL)
        return;
    free((*c)->data);
    free(*c);
    *c = NULL;
}

cst_status cst_catalog_parse(const char *data, size_t len, cst_catalog **out)
{
    cst_catalog *c;
    uint32_t magic, i;

    *out = NULL;
    if (len < 28 || len > CST_MAX_OBJECT_BYTES)
        return CST_ERR_PARSE;
    c = calloc(1, sizeof(*c));
    if (c == NULL)
        return CST_ERR_NOMEM;
    c->data = malloc(len);
    if (c->data == NULL) {
        free(c);
        return CST_ERR_NOMEM;
    }
    memcpy(c->data, data, len);
    c->len = len;
    memcpy(&magic, data, 4);
    if (magic == 0x950412deu) {
        c->swap = 0;
    } else if (magic == 0xde120495u) {
        c->swap = 1;
    } else {
        cst_catalog_free(&c);
        return CST_ERR_PARSE;
    }
    c->n = word(c, 8);
    c->orig = word(c, 12);
    c->trans = word(c, 16);
    if (c->n > len / 8) {
        cst_catalog_free(&c);
        return CST_ERR_PARSE;
    }
    for (i = 0; i < c->n; i++) {
        if (!entry_ok(c, c->orig, i) || !entry_ok(c, c->trans, i)) {
            cst_catalog_free(&c);
            return CST_ERR_PARSE;
        }
    }
    *out = c;
    return CST_OK;
}

const char *cst_catalog_translate(const char *msgid, void *ctx)
{
    const cst_catalog *c = ctx;
    uint32_t lo = 0, hi;

    /* "" is the catalog's header, never a translation */
    if (c == NULL || msgid == NULL || msgid[0] == '\0')
        return msgid;
    hi = c->n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const char *s = c->data + word(c, (size_t)c->orig + mid * 8 + 4);
        int cmp = strcmp(msgid, s);

        if (cmp == 0) {
            const char *t = c->data
                            + word(c, (size_t)c->trans + mid * 8 + 4);

            return *t != '\0' ? t : msgid;
        }
        if (cmp < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return msgid;
}
