/*
 * output.c -- text and JSON output of `calsteward check`.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "cli/output.h"
#include "cli/i18n.h"
#include "core/messages.h"
#include "core/tz.h"

struct cst_report {
    int json;
    json_object *findings;  /* array, JSON only */
};

static const char *translate(const char *msgid, void *ctx)
{
    (void)ctx;
    return gettext(msgid);
}

static const char *severity_word(cst_mode m)
{
    switch (m) {
    case CST_MODE_INFO:
        return _("info");
    case CST_MODE_WARNING:
        return _("warning");
    case CST_MODE_ENFORCE:
        return _("error");
    default:
        return "";
    }
}

cst_report *cst_report_new(int json)
{
    cst_report *r = calloc(1, sizeof(*r));

    if (r == NULL)
        return NULL;
    r->json = json;
    if (json) {
        r->findings = json_object_new_array();
        if (r->findings == NULL) {
            free(r);
            return NULL;
        }
    }
    return r;
}

/* "2023-06-23T10:00:00+08:00" -> "2023-06-23 10:00 +08:00" */
static void human_time(time_t t, icaltimezone *zone, char *buf, size_t n)
{
    char iso[40];
    size_t len;

    cst_tz_format_iso(t, zone, iso, sizeof(iso));
    len = strlen(iso);
    if (len >= 19) {
        const char *off = iso + 19;

        if (*off == 'Z')
            off = "UTC";
        snprintf(buf, n, "%.10s %.5s %s", iso, iso + 11, off);
    } else {
        snprintf(buf, n, "%s", iso);
    }
}

static void add_text(const char *file, size_t n_meetings,
                     const cst_findings *f)
{
    char msg[512], due[48], occ[48];
    size_t i;

    if (f->n == 0) {
        if (n_meetings == 0)
            printf(_("%s: no meeting in this file, nothing to check\n"),
                   file);
        else
            printf(ngettext("%s: %zu meeting checked, no findings\n",
                            "%s: %zu meetings checked, no findings\n",
                            n_meetings),
                   file, n_meetings);
        return;
    }
    for (i = 0; i < f->n; i++) {
        const cst_finding *x = &f->v[i];

        cst_finding_message(x, translate, NULL, msg, sizeof(msg));
        printf("%s: %s: %s [%s]", file, severity_word(x->mode), msg,
               cst_rule_name(x->rule));
        if (x->recurrence_id[0] != '\0') {
            human_time(x->occ_start, x->event->zone, occ, sizeof(occ));
            printf(_(" (meeting of %s)"), occ);
        }
        if (x->due != 0) {
            human_time(x->due, x->event->zone, due, sizeof(due));
            printf(_(" (due %s)"), due);
        }
        putchar('\n');
    }
}

static void add_json(cst_report *r, const char *file, const cst_findings *f)
{
    char msg[512], due[40];
    size_t i;

    for (i = 0; i < f->n; i++) {
        const cst_finding *x = &f->v[i];
        json_object *o = json_object_new_object();

        if (o == NULL)
            return;
        cst_finding_message(x, translate, NULL, msg, sizeof(msg));
        json_object_object_add(o, "file", json_object_new_string(file));
        json_object_object_add(o, "uid",
                               json_object_new_string(x->event->uid));
        json_object_object_add(
            o, "recurrence_id",
            x->recurrence_id[0] ? json_object_new_string(x->recurrence_id)
                                : NULL);
        json_object_object_add(o, "rule",
                               json_object_new_string(cst_rule_name(x->rule)));
        json_object_object_add(
            o, "severity", json_object_new_string(cst_mode_severity(x->mode)));
        json_object_object_add(o, "message", json_object_new_string(msg));
        if (x->due != 0) {
            cst_tz_format_iso(x->due, x->event->zone, due, sizeof(due));
            json_object_object_add(o, "due", json_object_new_string(due));
        } else {
            json_object_object_add(o, "due", NULL);
        }
        json_object_object_add(o, "item",
                               x->item ? json_object_new_int(x->item) : NULL);
        json_object_array_add(r->findings, o);
    }
}

void cst_report_add(cst_report *r, const char *file, size_t n_meetings,
                    const cst_findings *f)
{
    if (r->json)
        add_json(r, file, f);
    else
        add_text(file, n_meetings, f);
}

void cst_report_finish(cst_report **rp, FILE *out)
{
    cst_report *r = *rp;

    if (r == NULL)
        return;
    if (r->json) {
        json_object *top = json_object_new_object();

        if (top != NULL) {
            json_object_object_add(top, "findings", r->findings);
            r->findings = NULL;
            fprintf(out, "%s\n",
                    json_object_to_json_string_ext(
                        top, JSON_C_TO_STRING_PRETTY
                                 | JSON_C_TO_STRING_SPACED
                                 | JSON_C_TO_STRING_NOSLASHESCAPE));
            json_object_put(top);
        }
    }
    if (r->findings != NULL)
        json_object_put(r->findings);
    free(r);
    *rp = NULL;
}
