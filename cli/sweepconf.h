/*
 * sweepconf.h -- the configuration of `calsteward sweep` (spec section 7,
 * calsteward.conf(5)) and the secret files it names.
 *
 * Paths in the file that are not absolute (password-file, token-file,
 * policy, ca-file, [state] dir) are joined to a folder when the file is
 * read: password-file and token-file to $CREDENTIALS_DIRECTORY when systemd
 * sets it (LoadCredential=), everything else -- and the secrets when that
 * variable is unset -- to the folder of the configuration file (as the
 * path of the file was given).
 */
#ifndef CST_CLI_SWEEPCONF_H
#define CST_CLI_SWEEPCONF_H

#include <stddef.h>

#include "core/cst.h"
#include "core/digest.h"

/* Limits of the file (past them: CST_ERR_TOO_LARGE / CST_ERR_INVALID). */
#define CST_SWEEP_MAX_CONF_BYTES (256u * 1024u)
#define CST_SWEEP_MAX_ACCOUNTS 256u
#define CST_SWEEP_MAX_CALENDARS 256u /* per account */
#define CST_SWEEP_MAX_NAME 40u       /* bytes of an account name */
#define CST_SWEEP_MAX_SECRET 4096u   /* bytes of a secret file */

#define CST_SWEEP_DEFAULT_STATE_DIR "/var/lib/calsteward"
/* The system user of calsteward-sweep.service (packaging/systemd). */
#define CST_SERVICE_USER "calsteward"

typedef struct cst_sweep_account {
    char *name;          /* [account NAME] */
    char *url;           /* where discovery starts (required); absolute
                            http or https, as curl normalised it */
    char *user;          /* optional (no auth without) */
    char *password_file; /* Basic; optional; path */
    char *token_file;    /* bearer token instead of a password; at most
                            one of the two */
    int discover;        /* calendars = discover (the default) */
    char **calendars;    /* else the list of collection URLs, resolved
                            against url (absolute) */
    size_t n_calendars;
    char *tasks;        /* where new tasks go (absolute URL), or NULL: the
                           first VTODO calendar in the home, else a new
                           "Action items" one */
    char *owner_tasks;  /* owner-tasks: a URL template with {user} (the
                           owner's address up to the '@') and/or {addr}
                           (the whole address) where an action item goes
                           -- the owner's own task list -- or NULL: with
                           the other tasks */
    char *policy;       /* policy file or NULL (built-in
                           defaults) */
    int organizer_self; /* organizer = self | any (default any): self =
                           only meetings whose ORGANIZER is `user` */
    char *ca_file;      /* optional CA bundle */
    long timeout_ms;    /* timeout = seconds (1..600, default 30) */
    unsigned line;      /* line of the [account] header, for messages */
} cst_sweep_account;

typedef struct cst_sweep_conf {
    char *path; /* the file read */
    cst_sweep_account *acc;
    size_t n_acc;
    char *state_dir;       /* [state] dir, default /var/lib/calsteward
                              ($STATE_DIRECTORY from systemd wins when
                              the file does not set it) */
    int window_back_days;  /* [sweep] window-back-days 0..366, 14 */
    int window_ahead_days; /* [sweep] window-ahead-days 0..366, 30 */
    char *local_tz;        /* [sweep] time-zone: Olson name for
                              all-day due dates; default: $TZ, else
                              /etc/timezone, else /etc/localtime's
                              link, else "UTC".  Never NULL after a
                              successful load. */
    cst_digest_period digest; /* [sweep] digest = weekly (the default),
                                 daily or off */
} cst_sweep_conf;

/*
 * Reads and checks the file at path into c (which need not be
 * initialised; it is zeroed first).
 *
 * The file is opened with O_NONBLOCK and checked with fstat() on the
 * opened descriptor: a FIFO, a device or a folder is refused at once
 * (CST_ERR_INVALID, "FILE: not a regular file") instead of hanging the
 * sweep, a file larger than CST_SWEEP_MAX_CONF_BYTES before it is read.
 * A symbolic link to a regular file is followed.
 *
 * Returns CST_OK; CST_ERR_IO when the file cannot be read (err->msg
 * "FILE: strerror"); CST_ERR_PARSE for a line that is no INI, longer than
 * 198 bytes (inih's limit), with a NUL byte or invalid UTF-8;
 * CST_ERR_INVALID for an unknown section or key, a key given twice, a
 * missing url, a bad number or value, both password-file and token-file,
 * password-file or organizer = self without user, an account named
 * twice, no account at all, a url, calendars or tasks URL that does not
 * parse or is not http(s), an owner-tasks template whose {user} or
 * {addr} is not in the path; CST_ERR_TOO_LARGE past
 * CST_SWEEP_MAX_CONF_BYTES, CST_SWEEP_MAX_ACCOUNTS or
 * CST_SWEEP_MAX_CALENDARS; CST_ERR_NOMEM.  On an error err->line is the
 * line (0 when none applies) and err->msg reads "FILE:LINE: KEY: what is
 * wrong" (translated with gettext); it never holds a password from a URL.
 * err may be NULL.
 *
 * Comments are lines starting with ';' or '#', and ';' or '#' after a
 * blank.  Section and key names are ASCII case-insensitive; account names
 * are not.
 *
 * @par Ownership  c owns every string; cst_sweep_conf_fini() frees them,
 * also after a failure.
 */
cst_status cst_sweep_conf_load(const char *path, cst_sweep_conf *c,
                               cst_error *err);

/* Frees what c owns and zeroes it; NULL allowed. */
void cst_sweep_conf_fini(cst_sweep_conf *c);

/*
 * Reads a secret (password or bearer token) from path.
 *
 * The file is opened with O_NOFOLLOW and checked with fstat() on the
 * opened descriptor, so what is checked is what is read: it must be a
 * regular file -- not a symbolic link (folders on the way may be links),
 * not a FIFO or device -- with no permission bit for group or others
 * (mode 0600 or 0400), of at most CST_SWEEP_MAX_SECRET bytes.  When we
 * run as root it must belong to root or to CST_SERVICE_USER ("FILE: owned
 * by USER (uid N), not by root or calsteward; chown root: FILE").  Under a
 * POSIX ACL the group bits are the ACL's mask: the file passes when the
 * ACL lets no one in but the owner and the user running us (systemd's
 * credentials for a User= service are 0400 plus "user:SERVICE:r").  The secret
 * is the first line without its line end (LF or CRLF); blanks are kept.
 *
 * Returns CST_OK and sets *secret; CST_ERR_IO when it cannot be opened or
 * read ("FILE: strerror"); CST_ERR_INVALID for a symbolic link, a file
 * that is not regular, a mode that is too open ("FILE: mode 0644 is too
 * open; chmod 600 FILE"), an empty first line or a NUL byte in it;
 * CST_ERR_TOO_LARGE past the limit; CST_ERR_NOMEM.  No message holds any
 * byte of the file.  err may be NULL.
 *
 * @par Ownership  *secret is heap memory of the caller, who should
 * explicit_bzero() it before free().  Every buffer used here is wiped.
 */
cst_status cst_secret_read(const char *path, char **secret, cst_error *err);

/*
 * A CalDAV handle for account a, as the sweep and the report use it:
 * bound to the origin of a's url, its timeout and CA file, at most
 * max_body bytes per answer, and its secret (password-file with user, or
 * token-file as a bearer token; user alone sends an empty password) read
 * with cst_secret_read() and wiped once the handle holds it.  Returns the
 * handle, or NULL with err saying why (the secret's errors, or the
 * client's).
 */
struct cst_dav *cst_sweep_account_open(const cst_sweep_account *a,
                                       size_t max_body, cst_error *err);

#endif /* CST_CLI_SWEEPCONF_H */
