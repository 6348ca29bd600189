/*
 * structured.h -- the agenda as XML for RFC 9073 STRUCTURED-DATA
 * (schema urn:calsteward:agenda:1, doc/agenda-schema.md and
 * doc/agenda.rng) and the timetable both it and the DESCRIPTION block show.
 */
#ifndef CST_STRUCTURED_H
#define CST_STRUCTURED_H

#include <time.h>

#include "cst.h"
#include "meeting.h"
#include "policy.h"

#define CST_AGENDA_NS "urn:calsteward:agenda:1"
/* The property that carries the same XML where STRUCTURED-DATA does not
 * survive the server (policy agenda-property = x-property). */
#define CST_AGENDA_XPROP "X-CALSTEWARD-AGENDA"

/*
 * Start of agenda item i of ev when the occurrence starts at start: the
 * items run one after the other; an item without a duration takes none.
 * i == ev->agenda.n gives the start of the buffer.
 */
time_t cst_agenda_item_start(const cst_event *ev, time_t start, size_t i);

/*
 * Builds the agenda XML of ev for the occurrence start..end, on one line,
 * without an XML declaration.  Returns CST_OK and a heap string in *out
 * (length in *len) that the caller frees; CST_ERR_NOMEM.
 */
cst_status cst_agenda_xml(const cst_event *ev, time_t start, time_t end,
                          const cst_policy *p, char **out, size_t *len);

#endif /* CST_STRUCTURED_H */
