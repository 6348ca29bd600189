/*
 * bench-process.c -- what do `process` and `tasks` cost per invite,
 * compared with what any libical program pays for the same bytes: a
 * bare parse and serialise?  (doc/performance.md)
 *
 *   bench-process TYPICAL.ics [CORPUS-DIR]
 *
 * Three ways through the same bytes, interleaved in every round so that
 * frequency scaling and noisy neighbours hit all of them alike:
 *   process  cst_process (built-in policy, no previous copy) + free, as
 *            `calsteward process` does per file;
 *   tasks    cst_tasks_build + cst_task_list_fini, as `calsteward tasks`;
 *   bare     icalparser_parse_string + icalcomponent_as_ical_string_r +
 *            free + icalcomponent_free.
 * The order of the three rotates from round to round; time is the
 * thread's CPU time.  Reported: the median over rounds of the time per
 * invite (per corpus pass for the corpus) and the median of the
 * per-round ratios process / bare and tasks / bare; then the same per
 * corpus file (fewer, shorter rounds): the median file's ratios and the
 * files with the highest ones.
 *
 * The corpus is every *.ics file below CORPUS-DIR, except those that
 * process or tasks reject (exit 2 in `calsteward process` / `tasks`) or
 * libical cannot parse.
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

#include "core/policy.h"
#include "core/process.h"
#include "core/tasks.h"

/* Short measurements in many rounds pair A and B better on a busy
 * machine than long ones in few: a burst of load then spoils one round,
 * not the median. */
#define ROUNDS 101             /* odd: the median is one round */
#define MIN_ROUND_NS 5000000L  /* each measurement lasts >= 5 ms */
#define CORPUS_ROUNDS 15       /* a pass over the corpus takes ~1 s */
#define FILE_ROUNDS 9          /* per corpus file */
#define FILE_ROUND_NS 2000000L /* >= 2 ms each */
#define WORST_SHOWN 5
#define TARGET 2.0 /* the ratio we aim at */
#define MAX_FILES 4096
#define NOW_UTC ((time_t)1687226400) /* 2023-06-20T02:00:00Z */

enum way { WAY_PROCESS = 0, WAY_TASKS, WAY_BARE, WAY__COUNT };

typedef struct input {
    char *path;
    char *data; /* NUL-terminated */
    size_t len;
    double ratio[2]; /* per-file median process / bare, tasks / bare */
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

static cst_status do_process(const input *in)
{
    cst_process_in pin;
    cst_error err = {0, ""};
    char *out = NULL;
    size_t out_len = 0;
    cst_status st;

    memset(&pin, 0, sizeof(pin));
    pin.policy = &policy;
    pin.now = NOW_UTC;
    st = cst_process(in->data, in->len, &pin, &out, &out_len, &err);
    free(out);
    return st;
}

static cst_status do_tasks(const input *in)
{
    cst_tasks_in tin;
    cst_task_list l = {NULL, 0, 0};
    cst_error err = {0, ""};
    cst_status st;

    memset(&tin, 0, sizeof(tin));
    tin.policy = &policy;
    tin.now = NOW_UTC;
    st = cst_tasks_build(in->data, in->len, &tin, &l, &err);
    cst_task_list_fini(&l);
    return st;
}

static void do_bare(const input *in)
{
    icalcomponent *c = icalparser_parse_string(in->data);
    char *s;

    if (c == NULL)
        return;
    s = icalcomponent_as_ical_string_r(c);
    free(s);
    icalcomponent_free(c);
}

/* Returns 1 when process and tasks accept the bytes and libical parses
 * them too (else the file is left out, as the commands exit 2). */
static int usable(const input *in)
{
    icalcomponent *c;

    if (do_process(in) != CST_OK || do_tasks(in) != CST_OK)
        return 0;
    c = icalparser_parse_string(in->data);
    if (c == NULL)
        return 0;
    icalcomponent_free(c);
    return 1;
}

static int add_input(input_set *set, const char *path, size_t *n_rejected)
{
    input in;
    int err;

    memset(&in, 0, sizeof(in));
    if (set->n == MAX_FILES)
        return 0;
    err = read_file(path, &in.data, &in.len);
    if (err != 0) {
        fprintf(stderr, "bench-process: %s: %s\n", path, strerror(err));
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
        fprintf(stderr, "bench-process: %s: %s\n", dir, strerror(errno));
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

/* ---- timing ----------------------------------------------------------- */

static void run_way(enum way w, const input *v, size_t n, long reps)
{
    long r;
    size_t i;

    for (r = 0; r < reps; r++) {
        for (i = 0; i < n; i++) {
            switch (w) {
            case WAY_PROCESS:
                (void)do_process(&v[i]);
                break;
            case WAY_TASKS:
                (void)do_tasks(&v[i]);
                break;
            default:
                do_bare(&v[i]);
                break;
            }
        }
    }
}

/* The thread's CPU time, not the wall clock: on a shared machine the
 * time the thread waits for a CPU is no cost of the code measured. */
static long long now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Returns the time of one pass over v[0..n) in ns (reps passes). */
static double time_way(enum way w, const input *v, size_t n, long reps)
{
    long long t0 = now_ns();

    run_way(w, v, n, reps);
    return (double)(now_ns() - t0) / (double)reps;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* Sorts v and returns its median. */
static double median(double *v, size_t n)
{
    qsort(v, n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

typedef struct result {
    double ns[WAY__COUNT]; /* median time of one pass */
    double ratio[2];       /* median of the per-round process|tasks / bare */
    double lo[2], hi[2];   /* min and max of the per-round ratios */
    long reps;
} result;

/* Measures the three ways over v[0..n), interleaved round by round:
 * rounds rounds, each measurement at least min_ns long. */
static void measure(const input *v, size_t n, int rounds, long min_ns,
                    result *res)
{
    double t[WAY__COUNT][ROUNDS], ratio[2][ROUNDS], one, slowest = 0;
    long reps = 1;
    int r, k;

    /* warm up (libical's time-zone caches, the allocator) and calibrate
     * the repetitions so that the slowest way lasts min_ns */
    for (k = 0; k < WAY__COUNT; k++) {
        run_way((enum way)k, v, n, 1);
        one = time_way((enum way)k, v, n, 1);
        if (one > slowest)
            slowest = one;
    }
    if (slowest < (double)min_ns)
        reps = (long)((double)min_ns / (slowest > 1 ? slowest : 1)) + 1;
    for (r = 0; r < rounds; r++) {
        for (k = 0; k < WAY__COUNT; k++) {
            enum way w = (enum way)((r + k) % WAY__COUNT);

            t[w][r] = time_way(w, v, n, reps);
        }
        ratio[0][r] = t[WAY_PROCESS][r] / t[WAY_BARE][r];
        ratio[1][r] = t[WAY_TASKS][r] / t[WAY_BARE][r];
    }
    for (k = 0; k < WAY__COUNT; k++)
        res->ns[k] = median(t[k], (size_t)rounds);
    for (k = 0; k < 2; k++) {
        res->ratio[k] = median(ratio[k], (size_t)rounds); /* sorts it */
        res->lo[k] = ratio[k][0];
        res->hi[k] = ratio[k][rounds - 1];
    }
    res->reps = reps;
}

static void print_row(const char *label, const input_set *set,
                      const result *res)
{
    printf("%-26s %5zu %9zu %10.1f %10.1f %10.1f %6.2f %6.2f  "
           "[%.2f-%.2f] [%.2f-%.2f]\n",
           label, set->n, set->bytes, res->ns[WAY_PROCESS] / 1000.0,
           res->ns[WAY_TASKS] / 1000.0, res->ns[WAY_BARE] / 1000.0,
           res->ratio[0], res->ratio[1], res->lo[0], res->hi[0], res->lo[1],
           res->hi[1]);
}

/* Per file: the median ratios of each corpus file, then the median file
 * and the files with the highest ratios. */
static int per_file(input_set *set)
{
    double *pr = malloc(set->n * sizeof(*pr));
    double *tr = malloc(set->n * sizeof(*tr));
    size_t i, k, *order = malloc(set->n * sizeof(*order)), over[2] = {0, 0};
    result res;
    int rc = -1;

    if (pr == NULL || tr == NULL || order == NULL)
        goto done;
    for (i = 0; i < set->n; i++) {
        measure(&set->v[i], 1, FILE_ROUNDS, FILE_ROUND_NS, &res);
        set->v[i].ratio[0] = pr[i] = res.ratio[0];
        set->v[i].ratio[1] = tr[i] = res.ratio[1];
        over[0] += pr[i] > TARGET;
        over[1] += tr[i] > TARGET;
        order[i] = i;
    }
    printf("\nper corpus file (%d rounds each): median file  process %.2f  "
           "tasks %.2f\n",
           FILE_ROUNDS, median(pr, set->n), median(tr, set->n));
    printf("  p90 file  process %.2f  tasks %.2f;  worst  process %.2f  "
           "tasks %.2f\n",
           pr[(set->n * 9) / 10 < set->n ? (set->n * 9) / 10 : set->n - 1],
           tr[(set->n * 9) / 10 < set->n ? (set->n * 9) / 10 : set->n - 1],
           pr[set->n - 1], tr[set->n - 1]);
    printf("  over %.0fx: process %zu, tasks %zu of %zu files; the highest:\n",
           TARGET, over[0], over[1], set->n);
    /* the highest max(process, tasks) ratios, by selection */
    for (k = 0; k < WORST_SHOWN && k < set->n; k++) {
        size_t best = k;
        const input *b;

        for (i = k + 1; i < set->n; i++) {
            const input *x = &set->v[order[i]], *y = &set->v[order[best]];
            double mx = x->ratio[0] > x->ratio[1] ? x->ratio[0] : x->ratio[1];
            double my = y->ratio[0] > y->ratio[1] ? y->ratio[0] : y->ratio[1];

            if (mx > my)
                best = i;
        }
        i = order[k];
        order[k] = order[best];
        order[best] = i;
        b = &set->v[order[k]];
        printf("  %6.2f %6.2f  %7zu bytes  %s\n", b->ratio[0], b->ratio[1],
               b->len, b->path);
    }
    rc = 0;
done:
    free(pr);
    free(tr);
    free(order);
    return rc;
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
        fprintf(stderr, "bench-process: %s\n", strerror(ENOMEM));
        goto done;
    }
    if (add_input(&typical, argv[1], &rejected) != 0 || typical.n == 0) {
        fprintf(stderr, "bench-process: %s: process or tasks rejects it\n",
                argv[1]);
        goto done;
    }
    if (argc == 3 && add_dir(&corpus, argv[2], 0, &corpus_rejected) != 0) {
        fprintf(stderr, "bench-process: %s\n", strerror(ENOMEM));
        goto done;
    }

    printf("calsteward process and tasks vs bare libical parse + "
           "serialise, same bytes,\ninterleaved in %d rounds (%d over the "
           "corpus); microseconds per invite, or\nper pass over the corpus; "
           "median over rounds\n\n",
           ROUNDS, CORPUS_ROUNDS);
    printf("%-26s %5s %9s %10s %10s %10s %6s %6s  %s\n", "input", "files",
           "bytes", "process us", "tasks us", "bare us", "p/bare", "t/bare",
           "[min-max] p, t");
    base = strrchr(argv[1], '/');
    base = base != NULL ? base + 1 : argv[1];
    snprintf(label, sizeof(label), "%s", base);
    measure(typical.v, typical.n, ROUNDS, MIN_ROUND_NS, &res);
    print_row(label, &typical, &res);
    if (corpus.n > 0) {
        measure(corpus.v, corpus.n, CORPUS_ROUNDS, MIN_ROUND_NS, &res);
        snprintf(label, sizeof(label), "corpus (sum, %zu skipped)",
                 corpus_rejected);
        print_row(label, &corpus, &res);
        if (per_file(&corpus) != 0) {
            fprintf(stderr, "bench-process: %s\n", strerror(ENOMEM));
            goto done;
        }
    } else if (argc == 3) {
        printf("%-26s (no usable .ics file in %s)\n", "corpus", argv[2]);
    }
    printf("\nprocess = cst_process + free\n"
           "tasks   = cst_tasks_build + cst_task_list_fini\n"
           "bare    = icalparser_parse_string + "
           "icalcomponent_as_ical_string_r + free + icalcomponent_free\n"
           "p/bare, t/bare = process / bare, tasks / bare (target <= %.0f)\n",
           TARGET);
    rc = 0;
done:
    free_inputs(&typical);
    free_inputs(&corpus);
    return rc;
}
