/*
 * bench-check.c -- what does the full check of an invite cost, compared
 * with the bare libical parse of the same bytes?  (doc/performance.md)
 *
 *   bench-check TYPICAL.ics [CORPUS-DIR]
 *
 * Three ways through the same bytes, interleaved in every round so that
 * frequency scaling and noisy neighbours hit all of them alike:
 *   check  cst_object_parse + cst_check + cst_findings_fini +
 *          cst_object_free (with the built-in policy), as `calsteward
 *          check` does per file;
 *   model  cst_object_parse + cst_object_free only (where check's time
 *          goes: the model or the rules);
 *   bare   icalparser_parse_string + icalcomponent_free.
 * The order of the three rotates from round to round.  Reported: the
 * median over rounds of the time per invite (per corpus pass for the
 * corpus) and the median of the per-round ratios check / bare.
 *
 * The corpus is every *.ics file below CORPUS-DIR, except those that the
 * check rejects (exit 2 in `calsteward check`) or libical cannot parse.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <libical/ical.h>

#include "core/meeting.h"
#include "core/policy.h"
#include "core/rules.h"

#define ROUNDS 31              /* odd: the median is one round */
#define MIN_ROUND_NS 20000000L /* each measurement lasts >= 20 ms */
#define MAX_FILES 4096
#define NOW_UTC ((time_t)1687226400) /* 2023-06-20T02:00:00Z */
#define TOP_FILES 8                  /* corpus files listed by extra cost */
#define FILE_ROUNDS 7

enum way { WAY_CHECK = 0, WAY_MODEL, WAY_BARE, WAY__COUNT };

typedef struct input {
    char *path;
    char *data; /* NUL-terminated */
    size_t len;
} input;

typedef struct input_set {
    input *v;
    size_t n;
    size_t bytes;
} input_set;

static cst_policy policy;

/* ---- input ------------------------------------------------------------ */

/* Reads a whole file.  Returns 0, or an errno value. */
static int read_file(const char *path, char **buf, size_t *len)
{
    FILE *f = NULL;
    char *b = NULL;
    long size;
    int err = 0;

    f = fopen(path, "rb");
    if (f == NULL)
        return errno;
    if (fseek(f, 0, SEEK_END) != 0) {
        err = errno;
        goto done;
    }
    size = ftell(f);
    if (size < 0 || fseek(f, 0, SEEK_SET) != 0) {
        err = errno ? errno : EIO;
        goto done;
    }
    if ((unsigned long)size > CST_MAX_OBJECT_BYTES) {
        err = EFBIG;
        goto done;
    }
    b = malloc((size_t)size + 1);
    if (b == NULL) {
        err = ENOMEM;
        goto done;
    }
    if (fread(b, 1, (size_t)size, f) != (size_t)size) {
        err = ferror(f) ? EIO : EAGAIN;
        goto done;
    }
    b[size] = '\0';
    *buf = b;
    *len = (size_t)size;
    b = NULL;
done:
    free(b);
    if (f != NULL)
        fclose(f);
    return err;
}

/* Runs the check once; returns 1 when it accepts the bytes and libical
 * parses them too (else the file is left out, as `check` exits 2). */
static int usable(const input *in)
{
    cst_object *o = NULL;
    cst_findings f = {NULL, 0, 0};
    cst_error err = {0, ""};
    icalcomponent *c;
    int ok;

    ok = cst_object_parse(in->data, in->len, &policy, &o, &err) == CST_OK &&
         cst_check(o, &policy, NOW_UTC, &f) == CST_OK;
    cst_findings_fini(&f);
    cst_object_free(&o);
    if (!ok)
        return 0;
    c = icalparser_parse_string(in->data);
    if (c == NULL)
        return 0;
    icalcomponent_free(c);
    return 1;
}

static int add_input(input_set *set, const char *path, size_t *n_rejected)
{
    input in = {NULL, NULL, 0};
    int err;

    if (set->n == MAX_FILES)
        return 0;
    err = read_file(path, &in.data, &in.len);
    if (err != 0) {
        fprintf(stderr, "bench-check: %s: %s\n", path, strerror(err));
        (*n_rejected)++;
        return 0;
    }
    if (!usable(&in)) {
        free(in.data);
        (*n_rejected)++;
        return 0;
    }
    in.path = strdup(path);
    if (in.path == NULL) {
        free(in.data);
        return -1;
    }
    set->v[set->n++] = in;
    set->bytes += in.len;
    return 0;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Adds every *.ics file below dir (depth-first, in readdir order). */
static int add_dir(input_set *set, const char *dir, int depth,
                   size_t *n_rejected)
{
    DIR *d = NULL;
    struct dirent *e;
    struct stat st;
    char path[4096];
    int rc = 0;

    if (depth > 16)
        return 0;
    d = opendir(dir);
    if (d == NULL) {
        fprintf(stderr, "bench-check: %s: %s\n", dir, strerror(errno));
        return 0;
    }
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >=
            sizeof(path))
            continue;
        if (stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode))
            rc = add_dir(set, path, depth + 1, n_rejected);
        else if (S_ISREG(st.st_mode) && ends_with(e->d_name, ".ics"))
            rc = add_input(set, path, n_rejected);
        if (rc != 0)
            break;
    }
    closedir(d);
    return rc;
}

static void free_inputs(input_set *set)
{
    size_t i;

    for (i = 0; i < set->n; i++) {
        free(set->v[i].path);
        free(set->v[i].data);
    }
    free(set->v);
    set->v = NULL;
    set->n = 0;
}

/* ---- the three ways --------------------------------------------------- */

static void run_check(const input *in)
{
    cst_object *o = NULL;
    cst_findings f = {NULL, 0, 0};
    cst_error err = {0, ""};

    if (cst_object_parse(in->data, in->len, &policy, &o, &err) == CST_OK)
        (void)cst_check(o, &policy, NOW_UTC, &f);
    cst_findings_fini(&f);
    cst_object_free(&o);
}

static void run_model(const input *in)
{
    cst_object *o = NULL;
    cst_error err = {0, ""};

    (void)cst_object_parse(in->data, in->len, &policy, &o, &err);
    cst_object_free(&o);
}

static void run_bare(const input *in)
{
    icalcomponent *c = icalparser_parse_string(in->data);

    if (c != NULL)
        icalcomponent_free(c);
}

static void run_way(enum way w, const input_set *set, long reps)
{
    long r;
    size_t i;

    for (r = 0; r < reps; r++) {
        for (i = 0; i < set->n; i++) {
            switch (w) {
            case WAY_CHECK:
                run_check(&set->v[i]);
                break;
            case WAY_MODEL:
                run_model(&set->v[i]);
                break;
            default:
                run_bare(&set->v[i]);
                break;
            }
        }
    }
}

/* ---- timing ----------------------------------------------------------- */

static long long now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Returns the time of one pass over set in ns (reps passes measured). */
static double time_way(enum way w, const input_set *set, long reps)
{
    long long t0 = now_ns();

    run_way(w, set, reps);
    return (double)(now_ns() - t0) / (double)reps;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

typedef struct result {
    double ns[WAY__COUNT];     /* median time of one pass */
    double ratio;              /* median of the per-round check / bare */
    double ratio_lo, ratio_hi; /* min and max of the per-round ratios */
    long reps;
} result;

/* Measures the three ways over set, interleaved round by round. */
static void measure(const input_set *set, result *res)
{
    double t[WAY__COUNT][ROUNDS], ratio[ROUNDS], one;
    long reps = 1;
    int r, k;

    /* warm up (libical's time-zone caches, the allocator) and calibrate
     * the repetitions so that the slowest way lasts MIN_ROUND_NS */
    run_way(WAY_CHECK, set, 1);
    run_way(WAY_BARE, set, 1);
    one = time_way(WAY_CHECK, set, 1);
    if (one < MIN_ROUND_NS)
        reps = (long)(MIN_ROUND_NS / (one > 1 ? one : 1)) + 1;
    for (r = 0; r < ROUNDS; r++) {
        for (k = 0; k < WAY__COUNT; k++) {
            enum way w = (enum way)((r + k) % WAY__COUNT);

            t[w][r] = time_way(w, set, reps);
        }
        ratio[r] = t[WAY_CHECK][r] / t[WAY_BARE][r];
    }
    for (k = 0; k < WAY__COUNT; k++)
        res->ns[k] = median(t[k], ROUNDS);
    res->ratio = median(ratio, ROUNDS); /* sorts ratio */
    res->ratio_lo = ratio[0];
    res->ratio_hi = ratio[ROUNDS - 1];
    res->reps = reps;
}

/* The corpus files where the check costs most over the bare parse. */
typedef struct file_cost {
    const input *in;
    double check_ns, bare_ns;
} file_cost;

static int cmp_extra(const void *a, const void *b)
{
    const file_cost *x = a, *y = b;
    double ex = x->check_ns - x->bare_ns, ey = y->check_ns - y->bare_ns;

    return (ex < ey) - (ex > ey);
}

static int print_top_files(const input_set *set, const char *dir)
{
    file_cost *fc;
    double t[2][FILE_ROUNDS]; /* [0] check, [1] bare */
    input_set one;
    size_t i, dl = strlen(dir);
    int r;

    fc = calloc(set->n, sizeof(*fc));
    if (fc == NULL)
        return -1;
    for (i = 0; i < set->n; i++) {
        one.v = &set->v[i];
        one.n = 1;
        one.bytes = set->v[i].len;
        for (r = 0; r < FILE_ROUNDS; r++) {
            /* alternate which way goes first */
            if (r % 2 == 0) {
                t[0][r] = time_way(WAY_CHECK, &one, 3);
                t[1][r] = time_way(WAY_BARE, &one, 3);
            } else {
                t[1][r] = time_way(WAY_BARE, &one, 3);
                t[0][r] = time_way(WAY_CHECK, &one, 3);
            }
        }
        fc[i].in = &set->v[i];
        fc[i].check_ns = median(t[0], FILE_ROUNDS);
        fc[i].bare_ns = median(t[1], FILE_ROUNDS);
    }
    qsort(fc, set->n, sizeof(*fc), cmp_extra);
    printf("\ncorpus files where the check costs most over the bare "
           "parse:\n");
    printf("%10s %10s %7s  %s\n", "check us", "bare us", "ratio", "file");
    for (i = 0; i < set->n && i < TOP_FILES; i++) {
        const char *name = fc[i].in->path;

        if (strncmp(name, dir, dl) == 0 && name[dl] == '/')
            name += dl + 1;
        printf("%10.1f %10.1f %7.1f  %s\n", fc[i].check_ns / 1000.0,
               fc[i].bare_ns / 1000.0, fc[i].check_ns / fc[i].bare_ns, name);
    }
    free(fc);
    return 0;
}

static void print_row(const char *label, const input_set *set,
                      const result *res)
{
    printf("%-28s %5zu %9zu %10.1f %10.1f %10.1f %6.2f  [%.2f-%.2f]\n", label,
           set->n, set->bytes, res->ns[WAY_CHECK] / 1000.0,
           res->ns[WAY_MODEL] / 1000.0, res->ns[WAY_BARE] / 1000.0, res->ratio,
           res->ratio_lo, res->ratio_hi);
}

int main(int argc, char **argv)
{
    input_set typical = {NULL, 0, 0}, corpus = {NULL, 0, 0};
    size_t rejected = 0, corpus_rejected = 0;
    result res;
    char label[64];
    const char *base;
    int rc = 1;

    if (argc < 2 || argc > 3) {
        fprintf(stderr, "Usage: %s TYPICAL.ics [CORPUS-DIR]\n", argv[0]);
        return 2;
    }
    icalerror_set_errors_are_fatal(0);
    cst_policy_init(&policy);
    typical.v = calloc(1, sizeof(*typical.v));
    corpus.v = calloc(MAX_FILES, sizeof(*corpus.v));
    if (typical.v == NULL || corpus.v == NULL) {
        fprintf(stderr, "bench-check: %s\n", strerror(ENOMEM));
        goto done;
    }
    if (add_input(&typical, argv[1], &rejected) != 0 || typical.n == 0) {
        fprintf(stderr, "bench-check: %s: the check rejects it\n", argv[1]);
        goto done;
    }
    if (argc == 3 && add_dir(&corpus, argv[2], 0, &corpus_rejected) != 0) {
        fprintf(stderr, "bench-check: %s\n", strerror(ENOMEM));
        goto done;
    }

    printf("calsteward check vs bare libical parse, same bytes, %d rounds "
           "interleaved\n",
           ROUNDS);
    printf("(microseconds per invite, or per pass over the corpus; median "
           "over rounds)\n\n");
    printf("%-28s %5s %9s %10s %10s %10s %6s  %s\n", "input", "files", "bytes",
           "check us", "model us", "bare us", "ratio", "[min-max]");
    base = strrchr(argv[1], '/');
    base = base != NULL ? base + 1 : argv[1];
    snprintf(label, sizeof(label), "%s", base);
    measure(&typical, &res);
    print_row(label, &typical, &res);
    if (corpus.n > 0) {
        measure(&corpus, &res);
        snprintf(label, sizeof(label), "corpus (sum, %zu skipped)",
                 corpus_rejected);
        print_row(label, &corpus, &res);
    } else if (argc == 3) {
        printf("%-28s (no usable .ics file in %s)\n", "corpus", argv[2]);
    }
    printf("\ncheck = cst_object_parse + cst_check + cst_findings_fini + "
           "cst_object_free\nmodel = cst_object_parse + cst_object_free\n"
           "bare  = icalparser_parse_string + icalcomponent_free\n"
           "ratio = check / bare (target <= 1.5)\n");
    if (corpus.n > 0 && print_top_files(&corpus, argv[2]) != 0) {
        fprintf(stderr, "bench-check: %s\n", strerror(ENOMEM));
        goto done;
    }
    rc = 0;
done:
    free_inputs(&typical);
    free_inputs(&corpus);
    return rc;
}
