/*
 * tz.h -- time zones of an iCalendar object: its own VTIMEZONEs, Olson
 * names, Windows names as Outlook writes them, and prefixed names.
 */
#ifndef CST_TZ_H
#define CST_TZ_H

#include <time.h>
#include <libical/ical.h>

#include "cst.h"

/*
 * Resolves tzid for an object: a VTIMEZONE of that TZID in vcal first,
 * then libical's built-in (system) zone of that name, then a Windows zone
 * name ("W. Europe Standard Time", "China Standard Time", also with
 * Outlook's quoting or "(UTC+08:00) Beijing, ..." display names), then
 * a known prefix stripped ("/mozilla.org/20050126_1/Europe/Berlin",
 * "/citadel.org/.../Europe/Berlin": the last three, then two components
 * are tried).  Only Olson-shaped names (letters, digits, _ - +, single
 * slashes, at most 64 bytes) reach libical's table, which reads files
 * under /usr/share/zoneinfo.  Returns NULL when none fits.
 * @par Ownership: the zone belongs to vcal or to libical; never free it.
 */
icaltimezone *cst_tz_resolve(icalcomponent *vcal, const char *tzid);

/*
 * Returns the Olson name for a Windows time zone name (CLDR windowsZones,
 * territory 001; ASCII case-insensitive; surrounding blanks and double
 * quotes ignored) or for an Outlook display name ("(UTC+08:00) Beijing,
 * Chongqing, Hong Kong, Urumqi", also "(GMT+08:00) ...").  An unknown
 * display name with a whole-hour offset gives a fixed zone ("Etc/GMT-8");
 * other offsets give NULL.  Returns NULL when nothing fits.
 * @par Ownership: a static string.
 */
const char *cst_tz_windows_to_olson(const char *name);

/*
 * Reads a DATE-TIME property (DTSTART, DTEND, RECURRENCE-ID, ...) of a
 * component inside vcal as a UTC instant.  A TZID is resolved with
 * cst_tz_resolve(); an unknown TZID and a floating time count as UTC.
 * Sets *zone (may be NULL) to the property's zone, NULL for UTC/floating.
 * A PERIOD (RDATE) gives its start; an X- property's text value
 * ("20230620T020000Z", as X-CALSTEWARD-AGENDA-SENT) is parsed.
 * Returns CST_OK, or CST_ERR_PARSE when the value is no DATE-TIME
 * (a DATE, a null or an invalid time).
 */
cst_status cst_tz_prop_time(icalcomponent *vcal, icalproperty *prop,
                            time_t *out, icaltimezone **zone);

/* Converts an icaltimetype (with its zone, or `zone` when it is floating
 * and zone is not NULL, else UTC) to a UTC instant. */
time_t cst_tz_to_utc(struct icaltimetype t, icaltimezone *zone);

/*
 * Formats a UTC instant as ISO 8601 in zone (UTC when NULL):
 * "2023-06-23T10:00:00+08:00" (or "...Z" for NULL and for libical's UTC
 * zone; "+00:00" for a zone such as Europe/London in winter).  Offsets
 * with seconds (local mean time before ~1900) lose the seconds.  buf
 * needs 32 bytes; the result is truncated to n - 1 bytes.
 */
void cst_tz_format_iso(time_t t, icaltimezone *zone, char *buf, size_t n);

/*
 * icaltime_from_timet_with_zone(t, is_date, zone) -- the local time of the
 * UTC instant t in zone, field for field as libical 3.0 gives it (also
 * its quirks: is_daylight set, the zone left as UTC for a zone) -- without
 * libical's expansion of an object's own VTIMEZONE (core/tzfast.h).  Call
 * this instead of libical's function wherever the zone may be an
 * object's.
 */
struct icaltimetype cst_tz_from_utc(time_t t, int is_date,
                                    icaltimezone *zone);

/* icaltime_as_timet_with_zone(t, zone): t's fields as a local time of
 * zone (t.zone is ignored, as libical ignores it), the same way.  Use it
 * to convert back what cst_tz_from_utc() gave, whose zone is UTC. */
time_t cst_tz_local_to_utc(struct icaltimetype t, icaltimezone *zone);

/* Returns the offset of zone from UTC at instant t, in seconds (0 for
 * NULL). */
int cst_tz_offset_at(icaltimezone *zone, time_t t);

/*
 * Checks every VTIMEZONE of root (a VCALENDAR, an XROOT of several, or a
 * VTIMEZONE) before any time is converted with it: libical expands a
 * zone's rules instant by instant from their DTSTART on, so a rule that
 * repeats every minute costs minutes of CPU and gigabytes.  Refused: an
 * RRULE that is not FREQ=YEARLY; one that names more than
 * CST_MAX_TZ_PER_YEAR instants a year; more than CST_MAX_TZ_OBSERVANCES
 * STANDARD/DAYLIGHT parts; rules and RDATEs that add up to more than
 * CST_MAX_TZ_CHANGES offset changes up to CST_TZ_LAST_YEAR.  Real zones
 * (tzdata, Outlook, Apple, Thunderbird) are far inside these limits.
 * Returns CST_OK, or CST_ERR_TOO_LARGE with err naming the TZID.
 */
cst_status cst_tz_check_zones(icalcomponent *root, cst_error *err);

#endif /* CST_TZ_H */
