/*
 * catalog.h -- a gettext message catalog (.mo) read into memory, for
 * programs that serve several languages at once (the Apache module):
 * gettext's language is process-wide, a catalog is a value.
 */
#ifndef CST_CATALOG_H
#define CST_CATALOG_H

#include <stddef.h>

#include "cst.h"

typedef struct cst_catalog cst_catalog;

/*
 * Parses the bytes of a .mo file (GNU gettext format, either byte
 * order).  Returns CST_OK and *out; CST_ERR_PARSE for a file that is no
 * catalog; CST_ERR_NOMEM.
 * @par Ownership: *out holds its own copy; free it with
 * cst_catalog_free().  Lookups on one catalog are safe from many threads.
 */
cst_status cst_catalog_parse(const char *data, size_t len, cst_catalog **out);
void cst_catalog_free(cst_catalog **c);

/* Returns the translation of msgid, or msgid itself; a cst_translate_fn
 * when ctx is the catalog (NULL ctx: msgid). */
const char *cst_catalog_translate(const char *msgid, void *ctx);

#endif /* CST_CATALOG_H */
