/*
 * status.c -- status names and the error struct.
 */
#include "cst.h"

#include <stdarg.h>
#include <stdio.h>

const char *cst_status_str(cst_status st)
{
    switch (st) {
    case CST_OK:
        return "ok";
    case CST_ERR_NOMEM:
        return "out of memory";
    case CST_ERR_PARSE:
        return "parse error";
    case CST_ERR_TOO_LARGE:
        return "input too large";
    case CST_ERR_INVALID:
        return "invalid value";
    case CST_ERR_IO:
        return "I/O error";
    }
    return "unknown status";
}

void cst_error_set(cst_error *err, int line, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL)
        return;
    err->line = line;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
}
