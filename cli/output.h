/*
 * output.h -- how `calsteward check` prints findings: text for people,
 * JSON for programs (spec section 5).
 */
#ifndef CST_CLI_OUTPUT_H
#define CST_CLI_OUTPUT_H

#include <stdio.h>

#include "core/rules.h"

typedef struct cst_report cst_report;

/* Starts a report; json selects the JSON format.  Returns NULL when out
 * of memory. */
cst_report *cst_report_new(int json);

/* Adds the findings of one file (checked, with n_meetings meetings). */
void cst_report_add(cst_report *r, const char *file, size_t n_meetings,
                    const cst_findings *f);

/* Prints what the report holds (text lines go out as they are added;
 * JSON at the end) and frees it. */
void cst_report_finish(cst_report **r, FILE *out);

#endif /* CST_CLI_OUTPUT_H */
