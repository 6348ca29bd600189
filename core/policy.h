/*
 * policy.h -- the rules, their severities and the policy file (spec
 * sections 3 and 6).
 */
#ifndef CST_POLICY_H
#define CST_POLICY_H

#include "cst.h"

typedef enum cst_rule {
    CST_RULE_AGENDA_MISSING = 0,
    CST_RULE_AGENDA_LEAD_TIME,
    CST_RULE_MATERIALS_MISSING,
    CST_RULE_MATERIALS_LEAD_TIME,
    CST_RULE_PARTICIPANT_LIMIT,
    CST_RULE_GOAL_MISSING,
    CST_RULE_GOAL_VAGUE,
    CST_RULE_AGENDA_ITEM_INCOMPLETE,
    CST_RULE_AGENDA_OWNER_UNKNOWN,
    CST_RULE_AGENDA_OVERRUN,
    CST_RULE_MINUTES_OVERDUE,
    CST_RULE_MINUTES_LATE,
    CST_RULE_ACTION_ITEM_INCOMPLETE,
    CST_RULE_ACTION_OWNER_UNKNOWN,
    CST_RULE_NEXT_MEETING_MISSING,
    CST_RULE_ACTION_ITEM_OVERDUE,
    CST_RULE__COUNT
} cst_rule;

/* How a rule is applied.  The order is that of rising severity. */
typedef enum cst_mode {
    CST_MODE_OFF = 0,
    CST_MODE_INFO,
    CST_MODE_WARNING,
    CST_MODE_ENFORCE   /* reported as severity "error" */
} cst_mode;

typedef enum cst_lang {
    CST_LANG_EN = 0,
    CST_LANG_ZH_CN
} cst_lang;

/* Which property carries the agenda XML (spec section 4).  Some servers
 * re-serialise every object with libical 3.0, which drops the unknown
 * STRUCTURED-DATA (Cyrus IMAP); an X- property survives there. */
typedef enum cst_agenda_prop {
    CST_AGENDA_STRUCTURED_DATA = 0, /* RFC 9073 STRUCTURED-DATA */
    CST_AGENDA_X_PROPERTY           /* X-CALSTEWARD-AGENDA */
} cst_agenda_prop;

typedef struct cst_policy {
    int agenda_min_days;     /* 3 */
    int agenda_max_days;     /* 5 */
    int materials_min_days;  /* 2 */
    int minutes_max_hours;   /* 24 */
    int default_due_days;    /* 7 */
    int max_participants;    /* 8 */
    int buffer_minutes;      /* 10 */
    char urgent[CST_MAX_CATEGORIES][64]; /* "urgent", "紧急" */
    size_t n_urgent;
    cst_mode mode[CST_RULE__COUNT];
    cst_lang language;       /* en */
    int language_set;        /* 1 when a policy file set it */
    int timetable;           /* yes */
    int prep_tasks;          /* yes */
    cst_agenda_prop agenda_property; /* structured-data */
} cst_policy;

/* Returns the rule's id as in the spec ("agenda-lead-time"). */
const char *cst_rule_name(cst_rule r);
/* Returns the rule with that id, or CST_RULE__COUNT when none. */
cst_rule cst_rule_from_name(const char *name, size_t len);
/* Returns "off", "info", "warning" or "error" for the mode of a finding. */
const char *cst_mode_severity(cst_mode m);
/* Returns "en" or "zh_CN". */
const char *cst_lang_name(cst_lang l);

/* Sets every value to its built-in default. */
void cst_policy_init(cst_policy *p);

/*
 * Reads a policy file's text over the defaults already in p (call
 * cst_policy_init() first).  Sections and keys as in spec section 6;
 * [rules] takes every rule id with off | info | warning | enforce.
 * Comments start with ';' or '#' (also after a value, following a blank).
 * Section and key names are ASCII case-insensitive; a repeated key takes
 * the last value.  Ranges: agenda-min-days, agenda-max-days,
 * materials-min-days 0..60 (agenda-min-days <= agenda-max-days, checked
 * at the end; the error is on the line of the later of the two keys);
 * default-due-days 1..60; minutes-max-hours 1..720; max-participants
 * 1..1000; buffer-minutes 0..120.  Booleans: yes/no, true/false, on/off,
 * 1/0.  language: en, zh_CN (also zh-CN, zh).  agenda-property:
 * structured-data, x-property.  urgent-categories: a list
 * separated by ',' or '，', at most CST_MAX_CATEGORIES of at most 63
 * bytes, may be empty.  Lines hold at most 198 bytes (inih's limit) and
 * may not be indented after a key (inih would read a continuation).
 *
 * A section, a key or a [rules] rule this release does not know is
 * ignored (its keys too, for a section), so that a file written for
 * another release keeps a running Apache running; see
 * cst_policy_parse_warn() to hear of them.
 *
 * Returns CST_OK; CST_ERR_INVALID for a key outside a section, a bad
 * value or a number out of range, CST_ERR_PARSE for a line that is no
 * INI, an over-long line, a NUL byte or invalid UTF-8, CST_ERR_TOO_LARGE
 * past CST_MAX_POLICY_BYTES, CST_ERR_NOMEM.  err may be NULL.  The first
 * error in the text is reported.  On error err->line
 * is the 1-based line and err->msg names the key and the reason, e.g.
 * "[meeting] max-participants: 0 is out of range 1..1000".  p may be
 * partly changed on error.
 */
cst_status cst_policy_parse(cst_policy *p, const char *text, size_t len,
                            cst_error *err);

/*
 * Called for each section, key or [rules] rule the text names that this
 * release does not know, with its 1-based line and a message such as
 * "[meeting] foo: unknown key, ignored".  msg lives only for the call.
 */
typedef void cst_policy_warn_fn(void *ctx, int line, const char *msg);

/*
 * cst_policy_parse(), and each unknown section, key or rule passed to
 * warn (when not NULL) in the order of the lines.
 */
cst_status cst_policy_parse_warn(cst_policy *p, const char *text, size_t len,
                                 cst_error *err, cst_policy_warn_fn *warn,
                                 void *warn_ctx);

#endif /* CST_POLICY_H */
