/*
 * xml.c -- the XML escaper (see xml.h); it replaces the three there were
 * (caldav/caldav.c for MKCALENDAR, caldav/report.c for REPORT bodies,
 * plugin/mod_calsteward.c for the 403 body).
 */
#include "config.h"

#include "base/xml.h"

#include <stdlib.h>
#include <string.h>

char *cst_xml_escape(const char *s, size_t n, unsigned flags)
{
    const unsigned char *u = (const unsigned char *)s, *end = u + n;
    char *out, *o;

    if (n > ((size_t)-1 - 1) / 6)
        return NULL;
    out = malloc(n * 6 + 1);
    if (out == NULL)
        return NULL;
    for (o = out; u < end; u++) {
        const char *rep = NULL;
        int bad = *u < 0x20 && *u != '\t' && *u != '\n' && *u != '\r';

        if ((flags & CST_XML_NO_EOL) && (*u == '\n' || *u == '\r'))
            bad = 1;
        if (end - u >= 3 && u[0] == 0xEF && u[1] == 0xBF &&
            (u[2] == 0xBE || u[2] == 0xBF)) {
            if (!(flags & CST_XML_DROP))
                goto refused;
            u += 2;
            continue;
        }
        if (bad) {
            if (!(flags & CST_XML_DROP))
                goto refused;
            continue;
        }
        switch (*u) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = (flags & CST_XML_QUOTES) ? "&quot;" : NULL; break;
        case '\'': rep = (flags & CST_XML_QUOTES) ? "&#39;" : NULL; break;
        default: break;
        }
        if (rep != NULL) {
            memcpy(o, rep, strlen(rep));
            o += strlen(rep);
        } else {
            *o++ = (char)*u;
        }
    }
    *o = '\0';
    return out;
refused:
    free(out);
    return NULL;
}
