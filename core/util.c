/*
 * util.c -- small helpers several core modules share.
 */
#include "config.h"
#include "core/tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void cst_sbuf_put(cst_sbuf *b, const char *s, size_t len)
{
    if (b->oom)
        return;
    if (b->n + len + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        char *ns;

        while (cap < b->n + len + 1)
            cap *= 2;
        ns = realloc(b->s, cap);
        if (ns == NULL) {
            b->oom = 1;
            return;
        }
        b->s = ns;
        b->cap = cap;
    }
    memcpy(b->s + b->n, s, len);
    b->n += len;
    b->s[b->n] = '\0';
}

void cst_sbuf_str(cst_sbuf *b, const char *s)
{
    cst_sbuf_put(b, s, strlen(s));
}

void cst_utc_string(time_t t, char *buf, size_t n)
{
    struct icaltimetype u = icaltime_from_timet_with_zone(
        t, 0, icaltimezone_get_utc_timezone());

    snprintf(buf, n, "%04d%02d%02dT%02d%02d%02dZ", u.year, u.month, u.day,
             u.hour, u.minute, u.second);
}

time_t cst_add_local_days(time_t t, icaltimezone *zone, int days)
{
    icaltimezone *z = zone ? zone : icaltimezone_get_utc_timezone();
    struct icaltimetype lt = cst_tz_from_utc(t, 0, z);

    icaltime_adjust(&lt, days, 0, 0, 0);
    return cst_tz_local_to_utc(lt, z);
}
