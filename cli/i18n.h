/*
 * i18n.h -- gettext for the calsteward command.
 */
#ifndef CST_CLI_I18N_H
#define CST_CLI_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#ifndef N_
#define N_(s) (s)
#endif

#endif /* CST_CLI_I18N_H */
