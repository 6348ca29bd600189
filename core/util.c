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

long cst_days_from_civil(long y, long m, long d)
{
    long era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void cst_civil_from_days(long z, int *y, int *m, int *d)
{
    long era, doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

void cst_iso_week(long y, long m, long d, char *buf, size_t n, long *monday)
{
    long days = cst_days_from_civil(y, m, d);
    long wd = ((days % 7) + 7 + 3) % 7; /* Monday = 0; 1970-01-01 a Thu */
    long thu = days - wd + 3, iy = y;

    if (thu < cst_days_from_civil(y, 1, 1))
        iy--;
    else if (thu >= cst_days_from_civil(y + 1, 1, 1))
        iy++;
    snprintf(buf, n, "%04ld-W%02ld", iy % 10000,
             ((thu - cst_days_from_civil(iy, 1, 1)) / 7 + 1) % 100);
    if (monday != NULL)
        *monday = days - wd;
}
