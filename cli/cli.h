/*
 * cli.h -- what the calsteward command's subcommands share.
 */
#ifndef CST_CLI_CLI_H
#define CST_CLI_CLI_H

#include <stddef.h>
#include <time.h>

#include "core/policy.h"

#define EXIT_FINDINGS 1
#define EXIT_USAGE 2

#define DEFAULT_POLICY SYSCONFDIR "/calsteward/policy.conf"
#define DEFAULT_CONFIG SYSCONFDIR "/calsteward/calsteward.conf"

extern const char *cli_progname;

/* Reads --now; prints the error and returns 0 when it is no instant. */
int cli_now_option(const char *arg, time_t *now);
/* Reads a whole file (or stdin for "-") up to max bytes.  Returns 0 and
 * sets *buf / *len, or an errno value (EFBIG when it is larger). */
int cli_read_all(const char *path, size_t max, char **buf, size_t *len);
/* Makes gettext speak lang. */
void cli_set_language(cst_lang lang);
/* Loads the policy file (path NULL: the default one if it exists).
 * Returns 0 or EXIT_USAGE after printing the error. */
int cli_load_policy(const char *path, cst_policy *p);
/* gettext as a cst_translate_fn. */
const char *cli_translate(const char *msgid, void *ctx);

/* calsteward sweep (cli/sweep.c). */
int cli_cmd_sweep(int argc, char **argv);
/* calsteward report (cli/report.c). */
int cli_cmd_report(int argc, char **argv);
/* Parses --lang (en, zh_CN and their variants); returns 1 on success. */
int cli_parse_lang(const char *s, cst_lang *out);
/* Returns 1 when the environment's language is Chinese. */
int cli_env_is_chinese(void);

#endif /* CST_CLI_CLI_H */
