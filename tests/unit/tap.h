/*
 * tap.h -- a minimal TAP producer for the unit tests (one program per
 * module, as libical's regression tests).  Every check prints one
 * "ok N - name" or "not ok N - name" line; tap_done() prints the plan.
 */
#ifndef CST_TAP_H
#define CST_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static int tap_ok(int cond, const char *fmt, ...)
{
    va_list ap;

    tap_n++;
    printf("%sok %d - ", cond ? "" : "not ", tap_n);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    if (!cond)
        tap_failed++;
    return cond;
}

/* Compares two strings (NULL allowed) and shows both on failure. */
#define tap_str(got, want, ...)                                            \
    do {                                                                   \
        const char *g_ = (got), *w_ = (want);                              \
        int eq_ = (g_ == NULL || w_ == NULL) ? g_ == w_ : !strcmp(g_, w_); \
        if (!tap_ok(eq_, __VA_ARGS__))                                     \
            printf("#   got:  '%s'\n#   want: '%s'\n", g_ ? g_ : "(null)", \
                   w_ ? w_ : "(null)");                                    \
    } while (0)

#define tap_int(got, want, ...)                                            \
    do {                                                                   \
        long g_ = (long)(got), w_ = (long)(want);                          \
        if (!tap_ok(g_ == w_, __VA_ARGS__))                                \
            printf("#   got:  %ld\n#   want: %ld\n", g_, w_);              \
    } while (0)

static int tap_done(void)
{
    printf("1..%d\n", tap_n);
    return tap_failed ? 1 : 0;
}

#endif /* CST_TAP_H */
