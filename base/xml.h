/*
 * xml.h -- the one XML escaper of calsteward (the base every part
 * shares, as curl's lib/curlx/): the CalDAV client's request bodies and
 * the module's DAV:error bodies.  No I/O, no globals.
 */
#ifndef CST_BASE_XML_H
#define CST_BASE_XML_H

#include <stddef.h>

/* cst_xml_escape() flags */
#define CST_XML_QUOTES 1u /* also " and ' (for attribute values) */
#define CST_XML_DROP   2u /* drop what XML 1.0 cannot carry, else refuse */
#define CST_XML_NO_EOL 4u /* LF and CR count as such too (one-line text) */

/*
 * s[0..n) as XML 1.0 character data: "&", "<", ">" escaped (and '"',
 * "'" with CST_XML_QUOTES).  A character XML 1.0 cannot carry -- a C0
 * control other than TAB, LF and CR, U+FFFE, U+FFFF -- is dropped with
 * CST_XML_DROP, else the call is refused.
 * Returns a NUL-terminated heap string (the caller frees it), or NULL
 * when refused or out of memory.
 */
char *cst_xml_escape(const char *s, size_t n, unsigned flags);

#endif /* CST_BASE_XML_H */
