/*
 * messages.c -- the human text of a finding, in English with N_() marks
 * for xgettext; translated through the caller's function.
 *
 * Templates name their values with braces rather than printf
 * conversions, so that a translation may reorder them freely:
 *   {text}    the finding's text (topic, owner, goal)
 *   {item}    the item number
 *   {n1} {n2} the rule's numbers
 *   {missing} the parts an item lacks, joined with ", "
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "messages.h"

static const char *const templates[CST_RULE__COUNT] = {
    [CST_RULE_AGENDA_MISSING] = N_("No agenda yet; it is due {n1} days "
                                   "before the meeting."),
    [CST_RULE_AGENDA_LEAD_TIME] = N_("The agenda went out less than {n1} "
                                     "days before the meeting."),
    [CST_RULE_MATERIALS_MISSING] = N_("No materials yet; they are due {n1} "
                                      "days before the meeting."),
    [CST_RULE_MATERIALS_LEAD_TIME] = N_("The materials went out less than "
                                        "{n1} days before the meeting."),
    [CST_RULE_PARTICIPANT_LIMIT] = N_("{n1} participants; at most {n2} can "
                                      "decide well."),
    [CST_RULE_GOAL_MISSING] = N_("No goal: state the outcome the meeting "
                                 "should reach."),
    [CST_RULE_GOAL_VAGUE] = N_("The goal \"{text}\" names an activity, not "
                               "an outcome (decide, approve, publish...)."),
    [CST_RULE_AGENDA_ITEM_INCOMPLETE] = N_("Agenda item {item} \"{text}\" "
                                           "lacks {missing}."),
    [CST_RULE_AGENDA_OWNER_UNKNOWN] = N_("Agenda item {item}: owner "
                                         "\"{text}\" is not a participant."),
    [CST_RULE_AGENDA_OVERRUN] = N_("The agenda needs {n1} minutes with the "
                                   "buffer but the meeting lasts {n2}."),
    [CST_RULE_MINUTES_OVERDUE] = N_("No minutes {n1} hours after the "
                                    "meeting."),
    [CST_RULE_MINUTES_LATE] = N_("The minutes went out more than {n1} hours "
                                 "after the meeting."),
    [CST_RULE_ACTION_ITEM_INCOMPLETE] = N_("Action item {item} \"{text}\" "
                                           "lacks {missing}."),
    [CST_RULE_ACTION_OWNER_UNKNOWN] = N_("Action item {item}: owner "
                                         "\"{text}\" is not a participant."),
    [CST_RULE_NEXT_MEETING_MISSING] = N_("The minutes name no date for the "
                                         "next meeting."),
    [CST_RULE_ACTION_ITEM_OVERDUE] = N_("Action item \"{text}\" is past "
                                        "its due date."),
};

static const char *tr_or_en(cst_translate_fn tr, void *ctx, const char *s)
{
    const char *t = tr ? tr(s, ctx) : s;

    return t ? t : s;
}

/* Appends s to buf at *o, keeping room for the NUL. */
static void put(char *buf, size_t n, size_t *o, const char *s, size_t len)
{
    if (*o + 1 >= n)
        return;
    if (len > n - 1 - *o)
        len = n - 1 - *o;
    memcpy(buf + *o, s, len);
    *o += len;
}

static void put_missing(const cst_finding *f, cst_translate_fn tr, void *ctx,
                        char *buf, size_t n, size_t *o)
{
    const char *sep = tr_or_en(tr, ctx, N_(", "));
    const char *parts[3];
    size_t k = 0, i;

    if (f->rule == CST_RULE_AGENDA_ITEM_INCOMPLETE) {
        if (f->n1 & 1)
            parts[k++] = tr_or_en(tr, ctx, N_("a duration"));
        if (f->n1 & 2)
            parts[k++] = tr_or_en(tr, ctx, N_("an owner"));
    } else {
        if (f->n1 & 1)
            parts[k++] = tr_or_en(tr, ctx, N_("an owner"));
        if (f->n1 & 2)
            parts[k++] = tr_or_en(tr, ctx, N_("a due date"));
        if (f->n1 & 4)
            parts[k++] = tr_or_en(tr, ctx, N_("a deliverable"));
    }
    for (i = 0; i < k; i++) {
        if (i > 0)
            put(buf, n, o, sep, strlen(sep));
        put(buf, n, o, parts[i], strlen(parts[i]));
    }
}

size_t cst_finding_message(const cst_finding *f, cst_translate_fn tr,
                           void *ctx, char *buf, size_t n)
{
    const char *t, *p;
    char num[24];
    size_t o = 0;

    if (n == 0)
        return 0;
    if ((unsigned)f->rule >= CST_RULE__COUNT) {
        buf[0] = '\0';
        return 0;
    }
    t = tr_or_en(tr, ctx, templates[f->rule]);
    for (p = t; *p != '\0'; p++) {
        if (*p == '{') {
            const char *q = strchr(p, '}');
            size_t k = q ? (size_t)(q - p - 1) : 0;

            if (q != NULL && k == 4 && strncmp(p + 1, "text", 4) == 0) {
                put(buf, n, &o, f->text, strlen(f->text));
            } else if (q != NULL && k == 4 && strncmp(p + 1, "item", 4) == 0) {
                snprintf(num, sizeof(num), "%d", f->item);
                put(buf, n, &o, num, strlen(num));
            } else if (q != NULL && k == 2 && strncmp(p + 1, "n1", 2) == 0) {
                snprintf(num, sizeof(num), "%ld", f->n1);
                put(buf, n, &o, num, strlen(num));
            } else if (q != NULL && k == 2 && strncmp(p + 1, "n2", 2) == 0) {
                snprintf(num, sizeof(num), "%ld", f->n2);
                put(buf, n, &o, num, strlen(num));
            } else if (q != NULL && k == 7
                       && strncmp(p + 1, "missing", 7) == 0) {
                put_missing(f, tr, ctx, buf, n, &o);
            } else {
                put(buf, n, &o, p, 1);
                continue;
            }
            p = q;
            continue;
        }
        put(buf, n, &o, p, 1);
    }
    buf[o] = '\0';
    return o;
}
