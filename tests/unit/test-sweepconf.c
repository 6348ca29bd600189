/*
 * test-sweepconf.c -- the sweep's configuration file and secret files
 * (cli/sweepconf.c; spec section 7, calsteward.conf(5)).
 *
 * Every file is written into a fresh folder under $TMPDIR; the secret
 * files are made here with the modes under test (no secret is committed).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <libical/ical.h>

#include "cli/sweepconf.h"
#include "tests/unit/tap.h"

#define SECRET "S3cr3t-Zebra-42"

static char dir[256];
static char conf[300];

static void write_file(const char *path, const char *text, mode_t mode)
{
    FILE *f;

    unlink(path);
    f = fopen(path, "wb");
    if (f == NULL) {
        printf("Bail out! cannot write %s: %s\n", path, strerror(errno));
        exit(99);
    }
    fputs(text, f);
    fclose(f);
    chmod(path, mode);
}

/* Writes text as the configuration and loads it. */
static cst_status load(const char *text, cst_sweep_conf *c, cst_error *e)
{
    write_file(conf, text, 0644);
    memset(e, 0, sizeof(*e));
    return cst_sweep_conf_load(conf, c, e);
}

static void clear_env(void)
{
    unsetenv("STATE_DIRECTORY");
    unsetenv("CREDENTIALS_DIRECTORY");
    setenv("TZ", "Asia/Shanghai", 1);
}

/* ---- a full, valid file ------------------------------------------------ */

static const char full[] =
    "# the sweep of two accounts\n"
    "[account team]\n"
    "url = https://cal.example.com/dav/   ; where discovery starts\n"
    "user = steward@example.com\n"
    "password-file = team.secret\n"
    "calendars = https://cal.example.com/dav/steward/team/,\n"
    "    steward/board/ # relative to url\n"
    "tasks = /dav/steward/tasks/\n"
    "owner-tasks = /dav/{user}/tasks/\n"
    "policy = /etc/calsteward/policy.conf\n"
    "organizer = self\n"
    "ca-file = ca.pem\n"
    "timeout = 45\n"
    "\n"
    "[Account home]\n"
    "URL: http://127.0.0.1:5232/\n"
    "token-file = /run/secrets/home.token\n"
    "calendars = discover\n"
    "\n"
    "[state]\n"
    "dir = /srv/calsteward\n"
    "[sweep]\n"
    "window-back-days = 0\n"
    "window-ahead-days = 366\n"
    "digest = Daily\n"
    "time-zone = Europe/Berlin\n";

static void test_full(void)
{
    cst_sweep_conf c;
    cst_error e;
    cst_status st;
    char want[400];

    clear_env();
    st = load(full, &c, &e);
    if (!tap_ok(st == CST_OK, "full: loads"))
        printf("#   %s\n", e.msg);
    if (st != CST_OK) {
        cst_sweep_conf_fini(&c);
        return;
    }
    tap_str(c.path, conf, "full: path");
    tap_int(c.n_acc, 2, "full: two accounts");
    tap_str(c.acc[0].name, "team", "full: name 0");
    tap_int(c.acc[0].line, 2, "full: header line 0");
    tap_str(c.acc[0].url, "https://cal.example.com/dav/", "full: url 0");
    tap_str(c.acc[0].user, "steward@example.com", "full: user 0");
    snprintf(want, sizeof(want), "%s/team.secret", dir);
    tap_str(c.acc[0].password_file, want,
            "full: relative password-file joins the folder of the file");
    tap_str(c.acc[0].token_file, NULL, "full: no token-file 0");
    tap_int(c.acc[0].discover, 0, "full: a list is no discovery");
    tap_int(c.acc[0].n_calendars, 2, "full: two calendars (continued)");
    if (c.acc[0].n_calendars == 2) {
        tap_str(c.acc[0].calendars[0],
                "https://cal.example.com/dav/steward/team/", "full: cal 0");
        tap_str(c.acc[0].calendars[1],
                "https://cal.example.com/dav/steward/board/",
                "full: cal 1 resolved against url, comment cut");
    }
    tap_str(c.acc[0].tasks, "https://cal.example.com/dav/steward/tasks/",
            "full: tasks resolved");
    tap_str(c.acc[0].owner_tasks, "https://cal.example.com/dav/{user}/tasks/",
            "full: owner-tasks resolved, {user} kept");
    tap_str(c.acc[0].policy, "/etc/calsteward/policy.conf", "full: policy");
    tap_int(c.acc[0].organizer_self, 1, "full: organizer self");
    snprintf(want, sizeof(want), "%s/ca.pem", dir);
    tap_str(c.acc[0].ca_file, want, "full: ca-file relative");
    tap_int(c.acc[0].timeout_ms, 45000, "full: timeout");

    tap_str(c.acc[1].name, "home", "full: name 1 ([Account] any case)");
    tap_int(c.acc[1].line, 15, "full: header line 1");
    tap_str(c.acc[1].url, "http://127.0.0.1:5232/", "full: url 1 (key: value)");
    tap_str(c.acc[1].user, NULL, "full: no user 1");
    tap_str(c.acc[1].token_file, "/run/secrets/home.token", "full: token-file");
    tap_int(c.acc[1].discover, 1, "full: discover");
    tap_int(c.acc[1].n_calendars, 0, "full: no list");
    tap_str(c.acc[1].tasks, NULL, "full: no tasks 1");
    tap_str(c.acc[1].owner_tasks, NULL, "full: no owner-tasks 1");
    tap_int(c.acc[1].organizer_self, 0, "full: organizer any 1");

    tap_str(c.state_dir, "/srv/calsteward", "full: state dir");
    tap_int(c.window_back_days, 0, "full: window back");
    tap_int(c.window_ahead_days, 366, "full: window ahead");
    tap_int(c.digest, CST_DIGEST_DAILY, "full: digest daily (any case)");
    tap_str(c.local_tz, "Europe/Berlin", "full: time-zone");
    cst_sweep_conf_fini(&c);
    tap_int(c.n_acc, 0, "fini zeroes");
    cst_sweep_conf_fini(&c);
    cst_sweep_conf_fini(NULL);
}

/* The example in the tree must load. */
static void test_example(void)
{
    const char *top = getenv("top_srcdir");
    char path[1024];
    cst_sweep_conf c;
    cst_error e = {0, ""};
    cst_status st;

    clear_env();
    snprintf(path, sizeof(path), "%s/examples/calsteward.conf",
             top && *top ? top : ".");
    st = cst_sweep_conf_load(path, &c, &e);
    if (!tap_ok(st == CST_OK, "examples/calsteward.conf loads"))
        printf("#   %s\n", e.msg);
    tap_int(c.n_acc, 2, "example: two accounts");
    if (c.n_acc == 2) {
        tap_int(c.acc[0].discover, 1, "example: team discovers");
        tap_int(c.acc[1].n_calendars, 2, "example: board lists two");
    }
    cst_sweep_conf_fini(&c);
}

/* ---- defaults and the environment --------------------------------------- */

static void test_defaults(void)
{
    static const struct {
        const char *tz;
        const char *want;
    } tzs[] = {
        {"Asia/Shanghai", "Asia/Shanghai"},
        {":Europe/Berlin", "Europe/Berlin"},
        {"/usr/share/zoneinfo/America/New_York", "America/New_York"},
        {":/usr/share/zoneinfo/Asia/Tokyo", "Asia/Tokyo"},
    };
    cst_sweep_conf c;
    cst_error e;
    cst_status st;
    size_t i;

    clear_env();
    st = load("[account a]\nurl = https://h.example/\n", &c, &e);
    tap_int(st, CST_OK, "defaults: loads");
    if (st == CST_OK) {
        tap_int(c.n_acc, 1, "defaults: one account");
        tap_int(c.acc[0].discover, 1, "defaults: discover");
        tap_int(c.acc[0].n_calendars, 0, "defaults: no calendars");
        tap_str(c.acc[0].user, NULL, "defaults: no user");
        tap_str(c.acc[0].password_file, NULL, "defaults: no password");
        tap_str(c.acc[0].token_file, NULL, "defaults: no token");
        tap_str(c.acc[0].tasks, NULL, "defaults: no tasks");
        tap_str(c.acc[0].policy, NULL, "defaults: no policy");
        tap_str(c.acc[0].ca_file, NULL, "defaults: no ca-file");
        tap_int(c.acc[0].organizer_self, 0, "defaults: organizer any");
        tap_int(c.acc[0].timeout_ms, 30000, "defaults: timeout 30 s");
        tap_str(c.state_dir, "/var/lib/calsteward", "defaults: state dir");
        tap_int(c.window_back_days, 14, "defaults: back 14");
        tap_int(c.window_ahead_days, 30, "defaults: ahead 30");
        tap_int(c.digest, CST_DIGEST_WEEKLY, "defaults: digest weekly");
        tap_str(c.local_tz, "Asia/Shanghai", "defaults: time zone from TZ");
    }
    cst_sweep_conf_fini(&c);

    for (i = 0; i < sizeof(tzs) / sizeof(tzs[0]); i++) {
        setenv("TZ", tzs[i].tz, 1);
        st = load("[account a]\nurl = https://h.example/\n", &c, &e);
        tap_str(st == CST_OK ? c.local_tz : e.msg, tzs[i].want,
                "defaults: TZ=%s", tzs[i].tz);
        cst_sweep_conf_fini(&c);
    }
    /* a TZ that names no zone is passed over; UTC or the system's zone */
    setenv("TZ", "CET-1CEST", 1);
    st = load("[account a]\nurl = https://h.example/\n", &c, &e);
    tap_ok(st == CST_OK && c.local_tz != NULL && c.local_tz[0] != '\0' &&
               strcmp(c.local_tz, "CET-1CEST") != 0,
           "defaults: POSIX TZ string is not taken for a zone name (%s)",
           st == CST_OK ? c.local_tz : e.msg);
    cst_sweep_conf_fini(&c);
    clear_env();
}

static void test_state_directory(void)
{
    cst_sweep_conf c;
    cst_error e;
    cst_status st;

    clear_env();
    setenv("STATE_DIRECTORY", "/var/lib/calsteward-s", 1);
    st = load("[account a]\nurl = https://h.example/\n", &c, &e);
    tap_str(st == CST_OK ? c.state_dir : e.msg, "/var/lib/calsteward-s",
            "STATE_DIRECTORY wins over the default");
    cst_sweep_conf_fini(&c);

    setenv("STATE_DIRECTORY", "/var/lib/one:/var/lib/two", 1);
    st = load("[account a]\nurl = https://h.example/\n", &c, &e);
    tap_str(st == CST_OK ? c.state_dir : e.msg, "/var/lib/one",
            "STATE_DIRECTORY: the first of a list");
    cst_sweep_conf_fini(&c);

    setenv("STATE_DIRECTORY", "/var/lib/calsteward-s", 1);
    st = load("[account a]\nurl = https://h.example/\n[state]\n"
              "dir = /srv/mine\n",
              &c, &e);
    tap_str(st == CST_OK ? c.state_dir : e.msg, "/srv/mine",
            "[state] dir in the file wins over STATE_DIRECTORY");
    cst_sweep_conf_fini(&c);

    setenv("STATE_DIRECTORY", "", 1);
    st = load("[account a]\nurl = https://h.example/\n", &c, &e);
    tap_str(st == CST_OK ? c.state_dir : e.msg, "/var/lib/calsteward",
            "empty STATE_DIRECTORY: the default");
    cst_sweep_conf_fini(&c);
    clear_env();
}

static void test_credentials_directory(void)
{
    cst_sweep_conf c;
    cst_error e;
    cst_status st;
    char want[400];

    clear_env();
    setenv("CREDENTIALS_DIRECTORY", "/run/credentials/calsteward-sweep.service",
           1);
    st = load("[account a]\nurl = https://h.example/\nuser = u\n"
              "password-file = a.secret\npolicy = p.conf\n"
              "[account b]\nurl = https://h.example/\n"
              "token-file = /etc/calsteward/b.token\n",
              &c, &e);
    tap_int(st, CST_OK, "credentials: loads");
    if (st == CST_OK) {
        tap_str(c.acc[0].password_file,
                "/run/credentials/calsteward-sweep.service/a.secret",
                "credentials: relative secret in $CREDENTIALS_DIRECTORY");
        snprintf(want, sizeof(want), "%s/p.conf", dir);
        tap_str(c.acc[0].policy, want,
                "credentials: other relative paths stay by the file");
        tap_str(c.acc[1].token_file, "/etc/calsteward/b.token",
                "credentials: an absolute secret stays");
    }
    cst_sweep_conf_fini(&c);
    clear_env();
}

/* ---- errors ------------------------------------------------------------- */

static const struct {
    const char *text;
    cst_status st;
    int line;
    const char *msg; /* after "FILE:" */
} errors[] = {
    /* 0 */
    {"[account a]\nurl = https://h/\n[foo]\n", CST_ERR_INVALID, 3,
     "3: [foo]: unknown section ([account NAME], [state], [sweep])"},
    {"[account a]\nurl = https://h/\npassword = x\n", CST_ERR_INVALID, 3,
     "3: password: unknown key (url, user, password-file, token-file, "
     "calendars, tasks, owner-tasks, policy, organizer, ca-file, timeout)"},
    {"[account a]\nurl = https://h/\nowner-tasks = /dav/tasks/\n",
     CST_ERR_INVALID, 3, "3: owner-tasks: needs {user} or {addr} in it"},
    {"[account a]\nurl = https://h/\n[sweep]\nwindow = 3\n", CST_ERR_INVALID, 4,
     "4: window: unknown key in [sweep] (window-back-days, "
     "window-ahead-days, time-zone, digest)"},
    {"url = https://h/\n[account a]\n", CST_ERR_INVALID, 1,
     "1: url: key outside a section"},
    {"; comment\n[account a]\nuser = u\n\n[account b]\nurl = https://h/\n",
     CST_ERR_INVALID, 2, "2: url: missing in [account a]"},
    /* 5 */
    {"[account a]\nurl = https://h/\ntimeout = abc\n", CST_ERR_INVALID, 3,
     "3: timeout: \"abc\" is not a whole number of seconds in 1..600"},
    {"[account a]\nurl = https://h/\ntimeout = 0\n", CST_ERR_INVALID, 3,
     "3: timeout: \"0\" is not a whole number of seconds in 1..600"},
    {"[account a]\nurl = https://h/\ntimeout = 601\n", CST_ERR_INVALID, 3,
     "3: timeout: \"601\" is not a whole number of seconds in 1..600"},
    {"[account a]\nurl = https://h/\n[sweep]\nwindow-back-days = 367\n",
     CST_ERR_INVALID, 4,
     "4: window-back-days: \"367\" is not a whole number of days in 0..366"},
    {"[account a]\nurl = https://h/\n[sweep]\nwindow-ahead-days = -1\n",
     CST_ERR_INVALID, 4,
     "4: window-ahead-days: \"-1\" is not a whole number of days in 0..366"},
    /* 10 */
    {"[account a]\nurl = https://h/\nuser = u\npassword-file = /p\n"
     "token-file = /t\n",
     CST_ERR_INVALID, 5,
     "5: token-file: password-file is set too (line 4): give one of "
     "password-file and token-file"},
    {"[account a]\nurl = https://h/\npassword-file = /p\n", CST_ERR_INVALID, 3,
     "3: password-file: needs user"},
    {"[account a]\nurl = https://h/\norganizer = self\n", CST_ERR_INVALID, 3,
     "3: organizer: self needs user"},
    {"[account a]\nurl = https://h/\norganizer = me\n", CST_ERR_INVALID, 3,
     "3: organizer: \"me\" is neither self nor any"},
    {"[account a]\nurl = https://h/\n\n[account a]\nurl = https://g/\n",
     CST_ERR_INVALID, 4, "4: [account a]: this account is named on line 1 too"},
    /* 15 */
    {"# nothing\n[state]\ndir = /x\n", CST_ERR_INVALID, 0,
     " no [account NAME] section"},
    {"[account a]\nurl = https://h/\ncalendars = a/, http://exa mple/\n",
     CST_ERR_INVALID, 3, "3: calendars: \"http://exa mple/\" is no URL"},
    {"[account a]\nurl = https://h/\ncalendars = a/,\n  ftp://h/c/\n",
     CST_ERR_INVALID, 4,
     "4: calendars: \"ftp://h/c/\" is not an http or https URL"},
    {"[account a]\nurl = https://h/\ncalendars = http://[::1/\n",
     CST_ERR_INVALID, 3, "3: calendars: \"http://[::1/\" is no URL"},
    {"[account a]\nurl = https://h/\ntasks = https://h:99999/t/\n",
     CST_ERR_INVALID, 3, "3: tasks: \"https://h:99999/t/\" is no URL"},
    /* 20 */
    {"[account a]\nurl = cal.example.com/dav/\n", CST_ERR_INVALID, 2,
     "2: url: \"cal.example.com/dav/\" is no URL"},
    {"[account a]\nurl = https://me:" SECRET "@h/\n", CST_ERR_INVALID, 2,
     "2: url: no user name or password in the URL: use user and "
     "password-file"},
    {"[account a]\nurl = https://h/\nuser = u\nUser = v\n", CST_ERR_INVALID, 4,
     "4: user: given twice (first on line 3)"},
    {"[account a]\nurl = https://h/\n  https://g/\n", CST_ERR_INVALID, 3,
     "3: url: indented line: only calendars continues on the next line "
     "(remove the leading blanks)"},
    {"[account a]\nurl = https://h/\ncalendars = https://h/"
     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx/\n",
     CST_ERR_PARSE, 3,
     "3: line longer than 198 bytes (continue a long calendars list on "
     "indented lines)"},
    /* 25 */
    {"[account a]\nurl = https://h/\njust some words\n", CST_ERR_PARSE, 3,
     "3: expected [section] or key = value"},
    {"[account a]\nurl = https://h/\nuser = \xff\xfe\n", CST_ERR_PARSE, 3,
     "3: not valid UTF-8"},
    {"[account a b]\nurl = https://h/\n", CST_ERR_INVALID, 1,
     "1: [account a b]: a name is 1 to 40 letters, digits and . _ - @"},
    {"[account a]\nurl = https://h/\ncalendars = discover, https://h/c/\n",
     CST_ERR_INVALID, 3, "3: calendars: discover stands alone, without URLs"},
    {"[account a]\nurl = https://h/\n[sweep]\ntime-zone = Mars/Olympus\n",
     CST_ERR_INVALID, 4,
     "4: time-zone: \"Mars/Olympus\" is no time zone name such as "
     "Asia/Shanghai"},
    /* 30 */
    {"[account a]\nurl = https://h/\nuser =\n", CST_ERR_INVALID, 3,
     "3: user: empty value (leave the key out for the default)"},
    {"[account a]\nurl = https://h/\ncalendars = ; none\n", CST_ERR_INVALID, 3,
     "3: calendars: empty: discover or a comma-separated list of URLs"},
    /* inih's error on line 2 comes before the handler's on line 4 */
    {"[account a]\nno equals sign\nurl = https://h/\ntimeout = x\n",
     CST_ERR_PARSE, 2, "2: expected [section] or key = value"},
    /* the handler's error on line 2 comes before inih's on line 3 */
    {"[account a]\ntimeout = x\nno equals sign\n", CST_ERR_INVALID, 2,
     "2: timeout: \"x\" is not a whole number of seconds in 1..600"},
    {"[account a]\nurl = https://h/\n[state\n", CST_ERR_PARSE, 3,
     "3: expected [section] or key = value"},
    /* 35 */
    {"[account a]\nurl = https://h/\nuser = u\n[account b]\nurl = "
     "https://h/\ntoken-file = /t\npassword-file = /p\nuser = u\n",
     CST_ERR_INVALID, 7,
     "7: password-file: token-file is set too (line 6): give one of "
     "password-file and token-file"},
    {"[account a]\nurl = https://h/\ncalendars = x/\n  discover\n",
     CST_ERR_INVALID, 4, "4: calendars: discover stands alone, without URLs"},
    {"[account a]\nurl = https://h/\ncalendars = discover\n"
     "calendars = discover\n",
     CST_ERR_INVALID, 4, "4: calendars: given twice (first on line 3)"},
    {"[account a]\nurl = https://u:" SECRET "@h/\ncalendars = x y\n",
     CST_ERR_INVALID, 2,
     "2: url: no user name or password in the URL: use user and "
     "password-file"},
    {"[account a]\nurl = https://h/\ntasks = https://u:" SECRET "@h:x/\n",
     CST_ERR_INVALID, 3, "3: tasks: \"https://***@h:x/\" is no URL"},
    {"[account a]\nurl = https://h/\n[sweep]\ndigest = monthly\n",
     CST_ERR_INVALID, 4,
     "4: digest: \"monthly\" is none of weekly, daily, off"},
    /* 41: credentials go to the account's own origin only */
    {"[account a]\nurl = https://h/dav/\ncalendars = a/, https://g/dav/c/\n",
     CST_ERR_INVALID, 3,
     "3: calendars: \"https://g/dav/c/\" is on another server than url: "
     "the account's credentials go to its own scheme, host and port only"},
    {"[account a]\nurl = https://h/dav/\ntasks = http://h/dav/t/\n",
     CST_ERR_INVALID, 3,
     "3: tasks: \"http://h/dav/t/\" is on another server than url: "
     "the account's credentials go to its own scheme, host and port only"},
    {"[account a]\nurl = https://h/dav/\nowner-tasks = https://h:8443/{user}/t/\n",
     CST_ERR_INVALID, 3,
     "3: owner-tasks: \"https://h:8443/{user}/t/\" is on another server than "
     "url: the account's credentials go to its own scheme, host and port only"},
};

static void test_errors(void)
{
    cst_sweep_conf c;
    cst_error e;
    cst_status st;
    char want[600];
    size_t i;

    clear_env();
    for (i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
        st = load(errors[i].text, &c, &e);
        snprintf(want, sizeof(want), "%s:%s", conf, errors[i].msg);
        tap_int(st, errors[i].st, "error %zu: status", i);
        tap_int(e.line, errors[i].line, "error %zu: line", i);
        tap_str(e.msg, want, "error %zu: message", i);
        tap_ok(strstr(e.msg, SECRET) == NULL, "error %zu: no secret", i);
        cst_sweep_conf_fini(&c);
    }

    /* the file cannot be read */
    {
        char missing[400];

        snprintf(missing, sizeof(missing), "%s/no-such.conf", dir);
        st = cst_sweep_conf_load(missing, &c, &e);
        snprintf(want, sizeof(want), "%s: %s", missing, strerror(ENOENT));
        tap_int(st, CST_ERR_IO, "missing file: CST_ERR_IO");
        tap_str(e.msg, want, "missing file: FILE: strerror");
        cst_sweep_conf_fini(&c);
    }
    /* err may be NULL */
    write_file(conf, "[foo]\n", 0644);
    tap_int(cst_sweep_conf_load(conf, &c, NULL), CST_ERR_INVALID,
            "err NULL: status still returned");
    cst_sweep_conf_fini(&c);
}

/* Gives path an access ACL "user::rw-, user:UID:r--, group::---,
 * mask::r--, other::---" (so that ls shows 0640).  Returns 0, or -1 when
 * the file system has no ACLs. */
static int set_acl(const char *path, unsigned uid)
{
    unsigned char a[4 + 5 * 8];
    static const unsigned tags[5] = {0x01, 0x02, 0x04, 0x10, 0x20};
    static const unsigned perms[5] = {6, 4, 0, 4, 0};
    unsigned i, id;

    memset(a, 0, sizeof(a));
    a[0] = 2;
    for (i = 0; i < 5; i++) {
        unsigned char *e = a + 4 + 8 * i;

        id = tags[i] == 0x02 ? uid : 0xffffffffu;
        e[0] = (unsigned char)tags[i];
        e[2] = (unsigned char)perms[i];
        e[4] = (unsigned char)(id & 0xff);
        e[5] = (unsigned char)(id >> 8 & 0xff);
        e[6] = (unsigned char)(id >> 16 & 0xff);
        e[7] = (unsigned char)(id >> 24 & 0xff);
    }
    return setxattr(path, "system.posix_acl_access", a, sizeof(a), 0);
}

static void test_secret_acl(const char *path)
{
    struct stat sb;
    char *secret = NULL, want[900];
    cst_error e;
    cst_status st;

    /* systemd's credentials for a User= service: 0400 + user:SERVICE:r */
    write_file(path, SECRET "\n", 0600);
    if (set_acl(path, (unsigned)geteuid()) != 0) {
        printf("ok %d # SKIP no ACLs here: %s\n", ++tap_n, strerror(errno));
        return;
    }
    stat(path, &sb);
    tap_int(sb.st_mode & 0777, 0640, "ACL: the mask shows as group bits");
    st = cst_secret_read(path, &secret, &e);
    tap_int(st, CST_OK, "ACL for the user running us: read");
    tap_str(secret, SECRET, "ACL for the user running us: secret");
    free(secret);
    secret = NULL;

    write_file(path, SECRET "\n", 0600);
    set_acl(path, 12345u);
    st = cst_secret_read(path, &secret, &e);
    snprintf(want, sizeof(want), "%s: mode 0640 is too open; chmod 600 %s",
             path, path);
    tap_int(st, CST_ERR_INVALID, "ACL for another user: refused");
    tap_str(e.msg, want, "ACL for another user: message");
    tap_ok(secret == NULL, "ACL for another user: nothing returned");
}

/* ---- secret files ------------------------------------------------------- */

static void test_secrets(void)
{
    static const struct {
        const char *text;
        mode_t mode;
        cst_status st;
        const char *secret; /* on CST_OK */
        const char *msg;    /* after "FILE", FILE for %s */
    } cases[] = {
        /* 0 */
        {SECRET "\n", 0600, CST_OK, SECRET, NULL},
        {SECRET, 0400, CST_OK, SECRET, NULL},
        {SECRET "\r\nsecond line\n", 0600, CST_OK, SECRET, NULL},
        {" " SECRET " \n", 0600, CST_OK, " " SECRET " ", NULL},
        {SECRET "\n", 0640, CST_ERR_INVALID, NULL,
         ": mode 0640 is too open; chmod 600 %s"},
        /* 5 */
        {SECRET "\n", 0644, CST_ERR_INVALID, NULL,
         ": mode 0644 is too open; chmod 600 %s"},
        {SECRET "\n", 0604, CST_ERR_INVALID, NULL,
         ": mode 0604 is too open; chmod 600 %s"},
        {"", 0600, CST_ERR_INVALID, NULL,
         ": empty; the secret is the first line"},
        {"\n" SECRET "\n", 0600, CST_ERR_INVALID, NULL,
         ": empty; the secret is the first line"},
        {"\r\n", 0600, CST_ERR_INVALID, NULL,
         ": empty; the secret is the first line"},
    };
    char path[400], link[400], want[900], big[CST_SWEEP_MAX_SECRET + 2];
    char *secret;
    cst_error e;
    cst_status st;
    size_t i;

    snprintf(path, sizeof(path), "%s/team.secret", dir);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        write_file(path, cases[i].text, cases[i].mode);
        secret = NULL;
        memset(&e, 0, sizeof(e));
        st = cst_secret_read(path, &secret, &e);
        tap_int(st, cases[i].st, "secret %zu: status", i);
        if (cases[i].st == CST_OK) {
            tap_str(secret, cases[i].secret, "secret %zu: the first line", i);
        } else {
            char fmt[200];

            tap_ok(secret == NULL, "secret %zu: nothing returned", i);
            snprintf(fmt, sizeof(fmt), "%%s%s", cases[i].msg);
            snprintf(want, sizeof(want), fmt, path, path);
            tap_str(e.msg, want, "secret %zu: message", i);
            tap_ok(strstr(e.msg, SECRET) == NULL &&
                       strstr(e.msg, "second") == NULL,
                   "secret %zu: the secret is not in the message", i);
        }
        if (secret != NULL) {
            explicit_bzero(secret, strlen(secret));
            free(secret);
        }
    }

    /* a symbolic link to a good file is refused */
    write_file(path, SECRET "\n", 0600);
    snprintf(link, sizeof(link), "%s/link.secret", dir);
    unlink(link);
    if (symlink(path, link) != 0) {
        tap_ok(0, "symlink: %s", strerror(errno));
    } else {
        secret = NULL;
        st = cst_secret_read(link, &secret, &e);
        snprintf(want, sizeof(want),
                 "%s: is a symbolic link; name the file itself", link);
        tap_int(st, CST_ERR_INVALID, "symlink: refused");
        tap_str(e.msg, want, "symlink: message");
        tap_ok(secret == NULL && strstr(e.msg, SECRET) == NULL,
               "symlink: no secret");
        unlink(link);
    }
    /* ... but a link among the folders on the way is followed */
    snprintf(link, sizeof(link), "%s/linkdir", dir);
    unlink(link);
    if (symlink(dir, link) == 0) {
        char via[500];

        snprintf(via, sizeof(via), "%s/team.secret", link);
        secret = NULL;
        st = cst_secret_read(via, &secret, &e);
        tap_int(st, CST_OK, "linked folder: read");
        tap_str(secret, SECRET, "linked folder: secret");
        free(secret);
        unlink(link);
    } else {
        tap_ok(0, "symlink to folder: %s", strerror(errno));
    }

    /* not a regular file */
    secret = NULL;
    st = cst_secret_read(dir, &secret, &e);
    tap_int(st, CST_ERR_INVALID, "folder: refused");
    snprintf(want, sizeof(want), "%s: not a regular file", dir);
    tap_str(e.msg, want, "folder: message");
    snprintf(link, sizeof(link), "%s/fifo", dir);
    unlink(link);
    if (mkfifo(link, 0600) == 0) {
        st = cst_secret_read(link, &secret, &e);
        tap_int(st, CST_ERR_INVALID, "FIFO: refused without blocking");
        unlink(link);
    }

    /* size: 4096 bytes pass, 4097 do not */
    memset(big, 'k', sizeof(big));
    big[CST_SWEEP_MAX_SECRET] = '\0';
    write_file(path, big, 0600);
    secret = NULL;
    st = cst_secret_read(path, &secret, &e);
    tap_int(st, CST_OK, "4096 bytes: read");
    tap_int(secret ? strlen(secret) : 0, CST_SWEEP_MAX_SECRET,
            "4096 bytes: all of them");
    free(secret);
    big[CST_SWEEP_MAX_SECRET] = '\n';
    big[CST_SWEEP_MAX_SECRET + 1] = '\0';
    write_file(path, big, 0600);
    secret = NULL;
    st = cst_secret_read(path, &secret, &e);
    tap_int(st, CST_ERR_TOO_LARGE, "4097 bytes: refused");
    snprintf(want, sizeof(want), "%s: larger than 4096 bytes", path);
    tap_str(e.msg, want, "4097 bytes: message");
    tap_ok(secret == NULL && strstr(e.msg, "kkkk") == NULL,
           "4097 bytes: no secret");

    /* a NUL byte in the secret */
    {
        FILE *f = fopen(path, "wb");

        fwrite("ab\0cd\n", 1, 6, f);
        fclose(f);
        chmod(path, 0600);
        st = cst_secret_read(path, &secret, &e);
        tap_int(st, CST_ERR_INVALID, "NUL byte: refused");
    }

    test_secret_acl(path);

    /* cannot be opened */
    snprintf(link, sizeof(link), "%s/none.secret", dir);
    st = cst_secret_read(link, &secret, &e);
    snprintf(want, sizeof(want), "%s: %s", link, strerror(ENOENT));
    tap_int(st, CST_ERR_IO, "missing secret: CST_ERR_IO");
    tap_str(e.msg, want, "missing secret: FILE: strerror");
    tap_int(cst_secret_read(link, &secret, NULL), CST_ERR_IO,
            "missing secret: err NULL");
    unlink(path);
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");

    icalerror_set_errors_are_fatal(0);
    snprintf(dir, sizeof(dir), "%s/cst-sweepconf.XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL) {
        printf("Bail out! mkdtemp: %s\n", strerror(errno));
        return 99;
    }
    snprintf(conf, sizeof(conf), "%s/calsteward.conf", dir);

    test_full();
    test_example();
    test_defaults();
    test_state_directory();
    test_credentials_directory();
    test_errors();
    test_secrets();

    unlink(conf);
    rmdir(dir);
    return tap_done();
}
