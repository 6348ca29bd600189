/*
 * test-catalog.c -- reading the zh_CN .mo the build made, and refusing
 * what is no catalog.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog.h"
#include "tests/unit/tap.h"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;

    if (f == NULL)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0
        && fseek(f, 0, SEEK_SET) == 0) {
        buf = malloc((size_t)n);
        if (buf != NULL && fread(buf, 1, (size_t)n, f) != (size_t)n) {
            free(buf);
            buf = NULL;
        }
        *len = (size_t)n;
    }
    fclose(f);
    return buf;
}

static const struct {
    const char *msgid, *want;
} cases[] = {
    {"Buffer", "缓冲时间"},
    {"Timetable", "时间表"},
    {"warning", "警告"},
    {"an owner", "负责人"},
    {"no such message", "no such message"},
    {"", ""},
};

int main(void)
{
    const char *dir = getenv("top_builddir");
    char path[4096];
    cst_catalog *c = NULL;
    char *data, bad[64];
    size_t len = 0, i;

    snprintf(path, sizeof(path),
             "%s/locale/zh_CN/LC_MESSAGES/calsteward.mo", dir ? dir : ".");
    data = slurp(path, &len);
    if (!tap_ok(data != NULL, "read %s", path))
        return tap_done();
    tap_int(cst_catalog_parse(data, len, &c), CST_OK, "parse the catalog");
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        tap_str(cst_catalog_translate(cases[i].msgid, c), cases[i].want,
                "case %zu: '%s'", i, cases[i].msgid);
    tap_str(cst_catalog_translate("Buffer", NULL), "Buffer",
            "NULL catalog: msgid");
    cst_catalog_free(&c);
    tap_ok(c == NULL, "free sets the pointer to NULL");
    cst_catalog_free(&c);

    /* truncations and garbage are refused, never read past the end */
    for (i = 0; i < len; i += (len / 97) + 1) {
        cst_status st = cst_catalog_parse(data, i, &c);

        if (st == CST_OK)
            cst_catalog_free(&c);
        if (i < 28)
            tap_int(st, CST_ERR_PARSE, "truncated to %zu bytes: refused", i);
    }
    memset(bad, 'x', sizeof(bad));
    tap_int(cst_catalog_parse(bad, sizeof(bad), &c), CST_ERR_PARSE,
            "no magic: refused");
    /* a table that points past the end */
    memcpy(bad, data, 28);
    tap_int(cst_catalog_parse(bad, sizeof(bad), &c), CST_ERR_PARSE,
            "header of a real catalog, tables cut off: refused");
    free(data);
    return tap_done();
}
