/*
 * test-url.c -- the follow-up engine's URLs (steward/url.c): the one
 * {user}/{addr} expander of CalStewardTasks and owner-tasks, its escaping
 * and its dot-segment / prefix check, member and parent URLs.  Cases in
 * tables, the index in every message.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tests/unit/tap.h"
#include "steward/url.h"

static const struct {
    const char *tpl, *user, *addr;
    cst_stw_tpl_why why;
    const char *want; /* the URL (for OUTSIDE: the one refused) */
} tpl_cases[] = {
    /* the module: {user} is the authenticated user */
    {"/{user}/tasks/", "alice", NULL, CST_STW_TPL_OK, "/alice/tasks/"},
    {"/{user}/tasks/", "alice@example.com", NULL, CST_STW_TPL_OK,
     "/alice%40example.com/tasks/"},
    {"/{user}/tasks/", "li si", NULL, CST_STW_TPL_OK, "/li%20si/tasks/"},
    {"/{user}/tasks/", "..", NULL, CST_STW_TPL_NOT_SEGMENT, NULL},
    {"/{user}/tasks/", ".", NULL, CST_STW_TPL_NOT_SEGMENT, NULL},
    {"/{user}/tasks/", "", NULL, CST_STW_TPL_NOT_SEGMENT, NULL},
    {"/{user}/tasks/", "a/b", NULL, CST_STW_TPL_NOT_SEGMENT, NULL},
    {"/{user}/tasks/", "a\\b", NULL, CST_STW_TPL_NOT_SEGMENT, NULL},
    {"/dav/tasks/", "alice", NULL, CST_STW_TPL_OK, "/dav/tasks/"},
    {"/{addr}/", "alice", NULL, CST_STW_TPL_NO_ADDR, NULL},
    /* the sweep: {user} the part of the address before "@" */
    {"https://c.example/dav/{user}/tasks/", NULL, "bob@example.com",
     CST_STW_TPL_OK, "https://c.example/dav/bob/tasks/"},
    {"https://c.example/dav/{addr}/", NULL, "bob@example.com",
     CST_STW_TPL_OK, "https://c.example/dav/bob%40example.com/"},
    {"https://c.example/dav/{user}/", NULL, "..@example.com",
     CST_STW_TPL_NOT_SEGMENT, NULL},
    {"https://c.example/dav/{user}/%2E%2E/%2E%2E/x/", NULL, "bob@x",
     CST_STW_TPL_OUTSIDE, "https://c.example/dav/bob/%2E%2E/%2E%2E/x/"},
    {"https://c.example/dav/{user}/../", NULL, "bob@x", CST_STW_TPL_OK,
     "https://c.example/dav/bob/../"},
};

static const struct {
    const char *col, *name, *suffix, *want;
} member_cases[] = {
    {"/a/b/", "x", ".ics", "/a/b/x.ics"},
    {"/a/b", "x", ".ics", "/a/b/x.ics"},
    {"http://h/a/", "u id@1", ".ics", "http://h/a/u%20id%401.ics"},
    {"http://h/home/", "", "action-items/", "http://h/home/action-items/"},
};

static const struct {
    const char *in, *want;
} norm_cases[] = {
    {"http://h/a/./b/../c", "http://h/a/c"},
    {"http://h/a/%2e%2E/b/", "http://h/b/"},
    {"/a/b/..", "/a/"},
    {"http://h/a/b?x=/../", "http://h/a/b?x=/../"},
};

int main(void)
{
    size_t i;

    for (i = 0; i < sizeof(tpl_cases) / sizeof(tpl_cases[0]); i++) {
        char *out = NULL;
        cst_stw_tpl_why why = CST_STW_TPL_OK;
        cst_status st = cst_stw_template_expand(
            tpl_cases[i].tpl, tpl_cases[i].user, tpl_cases[i].addr, &out,
            &why);

        tap_int(why, tpl_cases[i].why, "template %zu: why", i);
        tap_int(st, tpl_cases[i].why == CST_STW_TPL_OK ? CST_OK
                                                       : CST_ERR_INVALID,
                "template %zu: status", i);
        tap_str(out, tpl_cases[i].want, "template %zu: URL", i);
        free(out);
    }
    for (i = 0; i < sizeof(member_cases) / sizeof(member_cases[0]); i++) {
        char *u = cst_stw_member_url(member_cases[i].col, member_cases[i].name,
                                     member_cases[i].suffix);

        tap_str(u, member_cases[i].want, "member %zu", i);
        free(u);
    }
    for (i = 0; i < sizeof(norm_cases) / sizeof(norm_cases[0]); i++) {
        char *u = cst_stw_normalize_url(norm_cases[i].in);

        tap_str(u, norm_cases[i].want, "normalize %zu", i);
        free(u);
    }
    {
        char *p = cst_stw_parent_url("/a/b/c.ics");

        tap_str(p, "/a/b/", "parent of a member");
        free(p);
        p = cst_stw_parent_url("c.ics");
        tap_str(p, "/", "parent of a bare name");
        free(p);
    }
    return tap_done();
}
