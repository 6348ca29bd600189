/*
 * meeting.h -- the meeting model: an iCalendar object parsed once, its
 * VEVENTs, which of them are meetings (spec section 1), their
 * participants, sections, agenda and action items.
 */
#ifndef CST_MEETING_H
#define CST_MEETING_H

#define CST_MAX_DEPTH 12 /* BEGIN nesting in one object */

#include <time.h>
#include <libical/ical.h>

#include "cst.h"
#include "sections.h"
#include "agenda.h"
#include "actions.h"
#include "occur.h"
#include "outcome.h"

typedef struct cst_participant {
    char *addr;     /* lower-cased, without "mailto:" */
    char *cn;       /* or NULL */
    int counted;    /* 0 for rooms, resources, non-participants */
} cst_participant;

/* One VEVENT of the object: the master or an override. */
typedef struct cst_event {
    icalcomponent *comp;        /* owned by the object's tree */
    icalcomponent *vcal;        /* the VCALENDAR holding comp */
    const char *uid;            /* UID, or "" */
    char *summary;              /* or NULL */
    int is_meeting;
    int is_override;            /* has a RECURRENCE-ID */
    int is_recurring;           /* master with RRULE or RDATE */
    char *recurrence_id;        /* RECURRENCE-ID as written (UTC form
                                   for an instant), or NULL */
    time_t rid_utc;             /* RECURRENCE-ID as UTC instant */
    icaltimezone *zone;         /* DTSTART's zone; NULL = UTC */
    cst_participant *people;    /* [0] is the organizer */
    size_t n_people;
    size_t n_counted;           /* participants per spec section 1 */
    int urgent;                 /* CATEGORIES hold an urgent category */
    int has_attach;
    time_t agenda_sent, materials_sent, minutes_sent; /* 0 = no stamp */
    char *description;          /* the organizer's text (unescaped, from
                                   the form read, calsteward's block
                                   left out), or NULL */
    cst_sections sections;      /* spans into description */
    cst_agenda agenda;
    cst_actions actions;        /* from the minutes' action items */
    int has_next_meeting;       /* minutes name a next meeting date */
    cst_date next_meeting;
    int has_minutes;            /* minutes or one of their parts hold text */
    int has_materials;          /* materials text or an ATTACH */
    int has_goal;               /* a goal section with text */
    cst_outcome goal_reached;   /* the minutes' goal-reached line */
} cst_event;

typedef struct cst_object cst_object;

/*
 * Parses one iCalendar object (a VCALENDAR) with libical and builds the
 * model of each VEVENT.  `policy` gives the urgent categories.  The
 * meeting text is read as of the meeting's date (for relative due dates).
 *
 * Returns CST_OK; CST_ERR_PARSE when data is not iCalendar (err names
 * the line); CST_ERR_TOO_LARGE past CST_MAX_OBJECT_BYTES,
 * CST_MAX_COMPONENTS or CST_MAX_PARTICIPANTS; CST_ERR_NOMEM.
 * @par Ownership: *out is the caller's; free it with cst_object_free().
 * data may be freed once this returns.
 */
struct cst_policy;
cst_status cst_object_parse(const char *data, size_t len,
                            const struct cst_policy *policy,
                            cst_object **out, cst_error *err);
void cst_object_free(cst_object **o);

/*
 * What cst_occur_event() found for one event at one `now`, kept in the
 * object so that check, process and tasks on the same object walk a
 * recurrence once (core/occur.c reads and writes it; nothing else).
 */
typedef struct cst_occ_memo {
    int valid;
    time_t now;
    cst_status st;
    int has_next, has_last;
    cst_occurrence next, last;
} cst_occ_memo;

/* The memo of ev (an event of o), or NULL when ev is not o's.  The memo
 * changes under a const object: one object is used by one thread at a
 * time (as libical's components are). */
cst_occ_memo *cst_object_occ_memo(const cst_object *o, const cst_event *ev);

size_t cst_object_n_events(const cst_object *o);
cst_event *cst_object_event(const cst_object *o, size_t i);
icalcomponent *cst_object_vcalendar(const cst_object *o);
/* The UID of the object's VEVENTs, or "" when there is none. */
const char *cst_object_uid(const cst_object *o);

/*
 * Resolves an owner as written ("Li Si", "lisi@example.com", "@lisi",
 * "主持人") to a participant of ev.  Returns its index in ev->people, or
 * -1 when no participant fits.
 */
int cst_event_resolve_owner(const cst_event *ev, const char *owner);

/*
 * Returns 1 when user (a login name or an address) is ev's organizer:
 * it equals the ORGANIZER's address, with or without "mailto:", or that
 * address's local part, compared without case.
 */
int cst_event_organized_by(const cst_event *ev, const char *user);

/* Returns the meeting's date (in its zone) of an occurrence start. */
cst_date cst_event_local_date(const cst_event *ev, time_t start);

#endif /* CST_MEETING_H */
