/*
 * C test of libaidmatch: every entry point and error path, as a platform engineer would
 * call them. Built by tests/run.sh with gcc -std=c99 -Wall -Wextra -Werror -pedantic and
 * run under valgrind (zero errors, zero leaks). Prints "N passed, N failed" at the end and
 * exits non-zero when anything failed.
 *
 * Usage: test_aidmatch DATA_DIR [fork]   (DATA_DIR = bindings/c/tests/data)
 *
 * With `fork`: a match, then a match in a forked child (run without valgrind: a child
 * forked from a threaded process holds its parent's thread records, which valgrind would
 * count as lost in the child).
 */
#define _XOPEN_SOURCE 700 /* mkdtemp, rmdir, fork, waitpid, alarm */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "aidmatch.h"

static int passed = 0;
static int failed = 0;

#define CHECK(cond)                                                                   \
    do {                                                                              \
        if (cond) {                                                                   \
            passed++;                                                                 \
        } else {                                                                      \
            failed++;                                                                 \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                             \
    } while (0)

#define CHECK_STATUS(call, expected)                                                    \
    do {                                                                                \
        aidmatch_status got_ = (call);                                                  \
        if (got_ == (expected)) {                                                       \
            passed++;                                                                   \
        } else {                                                                        \
            failed++;                                                                   \
            fprintf(stderr, "%s:%d: %s returned %s, expected %s (message: %s)\n",       \
                    __FILE__, __LINE__, #call, aidmatch_status_name(got_),              \
                    aidmatch_status_name(expected),                                     \
                    err ? aidmatch_error_message(err) : "(no error object)");           \
        }                                                                               \
    } while (0)

static int streq(const char *a, const char *b) { return a != NULL && b != NULL && strcmp(a, b) == 0; }

static void test_version(void) {
    char expected[64];
    snprintf(expected, sizeof expected, "%d.%d.%d", AIDMATCH_VERSION_MAJOR,
             AIDMATCH_VERSION_MINOR, AIDMATCH_VERSION_PATCH);
    CHECK(streq(aidmatch_version(), expected));
    CHECK(streq(aidmatch_status_name(AIDMATCH_STATUS_OK), "AIDMATCH_STATUS_OK"));
    CHECK(streq(aidmatch_status_name(AIDMATCH_STATUS_PANIC), "AIDMATCH_STATUS_PANIC"));
    CHECK(streq(aidmatch_status_name(12345), "AIDMATCH_STATUS_UNKNOWN"));
    CHECK(AIDMATCH_STATUS_OK == 0 && AIDMATCH_STATUS_INFEASIBLE == 3 && AIDMATCH_STATUS_PANIC == 100);
}

static void test_error_object(void) {
    aidmatch_error *err = aidmatch_error_new();
    CHECK(err != NULL);
    CHECK(streq(aidmatch_error_message(err), ""));
    CHECK(aidmatch_error_row(err) == -1);
    CHECK(aidmatch_error_column(err) == NULL);
    CHECK(aidmatch_error_value(err) == NULL);
    CHECK(aidmatch_error_status(err) == AIDMATCH_STATUS_OK);
    /* NULL is accepted everywhere an error object is taken. */
    CHECK(aidmatch_error_message(NULL) == NULL);
    CHECK(aidmatch_error_row(NULL) == -1);
    CHECK(aidmatch_error_column(NULL) == NULL);
    CHECK(aidmatch_error_value(NULL) == NULL);
    CHECK(aidmatch_error_status(NULL) == AIDMATCH_STATUS_OK);
    aidmatch_error_free(NULL);
    aidmatch_error_free(err);
}

/* The scipy documentation's example: 3 workers x 3 jobs. */
static const double SCIPY[9] = {4, 1, 3, 2, 0, 5, 3, 2, 2};

static void test_lsap_f64(void) {
    aidmatch_error *err = aidmatch_error_new();
    size_t r[4] = {99, 99, 99, 99}, c[4] = {99, 99, 99, 99};

    CHECK_STATUS(aidmatch_lsap_f64(3, 3, SCIPY, 9, false, r, c, 3, err), AIDMATCH_STATUS_OK);
    CHECK(r[0] == 0 && r[1] == 1 && r[2] == 2);
    CHECK(c[0] == 1 && c[1] == 0 && c[2] == 2);
    CHECK(r[3] == 99 && c[3] == 99);
    CHECK_STATUS(aidmatch_lsap_f64(3, 3, SCIPY, 9, true, r, c, 4, err), AIDMATCH_STATUS_OK);
    CHECK(c[0] == 0 && c[1] == 2 && c[2] == 1); /* 4 + 5 + 2 = 11 */
    CHECK(streq(aidmatch_error_message(err), ""));

    /* Rectangular, wide: 2 rows x 3 columns. */
    {
        const double wide[6] = {1, 2, 3, 3, 1, 2};
        CHECK_STATUS(aidmatch_lsap_f64(2, 3, wide, 6, false, r, c, 2, err), AIDMATCH_STATUS_OK);
        CHECK(r[0] == 0 && r[1] == 1 && c[0] == 0 && c[1] == 1);
    }

    /* Zero sizes: NULL buffers of length 0 are fine. */
    CHECK_STATUS(aidmatch_lsap_f64(0, 5, NULL, 0, false, NULL, NULL, 0, err), AIDMATCH_STATUS_OK);

    /* NaN is located. Outputs untouched on failure. */
    {
        double bad[9];
        memcpy(bad, SCIPY, sizeof bad);
        bad[5] = NAN;
        r[0] = 77;
        CHECK_STATUS(aidmatch_lsap_f64(3, 3, bad, 9, false, r, c, 3, err),
                     AIDMATCH_STATUS_INVALID_INPUT);
        CHECK(r[0] == 77);
        CHECK(aidmatch_error_status(err) == AIDMATCH_STATUS_INVALID_INPUT);
        CHECK(aidmatch_error_row(err) == 1);
        CHECK(streq(aidmatch_error_column(err), "2"));
        CHECK(streq(aidmatch_error_value(err), "NaN"));
        CHECK(strstr(aidmatch_error_message(err), "row 1") != NULL);
    }

    /* NULL, shape, overflow, short outputs. */
    CHECK_STATUS(aidmatch_lsap_f64(3, 3, NULL, 9, false, r, c, 3, err), AIDMATCH_STATUS_NULL_PARAMETER);
    CHECK(streq(aidmatch_error_message(err), "argument `costs` is NULL"));
    CHECK_STATUS(aidmatch_lsap_f64(3, 3, SCIPY, 9, false, NULL, c, 3, err), AIDMATCH_STATUS_NULL_PARAMETER);
    CHECK_STATUS(aidmatch_lsap_f64(3, 3, SCIPY, 8, false, r, c, 3, err), AIDMATCH_STATUS_INVALID_INPUT);
    CHECK_STATUS(aidmatch_lsap_f64((size_t)-1, 2, SCIPY, 9, false, r, c, 3, err), AIDMATCH_STATUS_INVALID_INPUT);
    CHECK(strstr(aidmatch_error_message(err), "overflows") != NULL);
    CHECK_STATUS(aidmatch_lsap_f64(3, 3, SCIPY, (size_t)-1, false, r, c, 3, err), AIDMATCH_STATUS_INVALID_INPUT);
    CHECK_STATUS(aidmatch_lsap_f64(3, 3, SCIPY, 9, false, r, c, 2, err), AIDMATCH_STATUS_INVALID_INPUT);
    /* Without an error object the status alone reports. */
    CHECK(aidmatch_lsap_f64(3, 3, NULL, 9, false, r, c, 3, NULL) == AIDMATCH_STATUS_NULL_PARAMETER);

    /* Forbidden entries (+inf when minimising) can make it infeasible. */
    {
        const double forbidden[4] = {1, INFINITY, 2, INFINITY};
        CHECK_STATUS(aidmatch_lsap_f64(2, 2, forbidden, 4, false, r, c, 2, err), AIDMATCH_STATUS_INFEASIBLE);
        CHECK(streq(aidmatch_error_message(err), "cost matrix is infeasible"));
    }
    aidmatch_error_free(err);
}

static void test_lsap_i64(void) {
    aidmatch_error *err = aidmatch_error_new();
    size_t r[3], c[3];
    const int64_t costs[9] = {4, 1, 3, 2, 0, 5, 3, 2, 2};
    const int64_t two[4] = {1, 2, 3, 4};

    CHECK_STATUS(aidmatch_lsap_i64(3, 3, costs, 9, NULL, 0, false, r, c, 3, err), AIDMATCH_STATUS_OK);
    CHECK(c[0] == 1 && c[1] == 0 && c[2] == 2);
    {
        const uint8_t diagonal_only[4] = {1, 0, 0, 255};
        const uint8_t column0_only[4] = {1, 0, 1, 0};
        CHECK_STATUS(aidmatch_lsap_i64(2, 2, two, 4, diagonal_only, 4, true, r, c, 2, err), AIDMATCH_STATUS_OK);
        CHECK(c[0] == 0 && c[1] == 1);
        CHECK_STATUS(aidmatch_lsap_i64(2, 2, two, 4, column0_only, 4, false, r, c, 2, err),
                     AIDMATCH_STATUS_INFEASIBLE);
        CHECK_STATUS(aidmatch_lsap_i64(2, 2, two, 4, column0_only, 3, false, r, c, 2, err),
                     AIDMATCH_STATUS_INVALID_INPUT);
        CHECK_STATUS(aidmatch_lsap_i64(2, 2, two, 4, NULL, 4, false, r, c, 2, err), AIDMATCH_STATUS_INVALID_INPUT);
    }
    {
        const int64_t huge[2] = {0, INT64_MAX};
        CHECK_STATUS(aidmatch_lsap_i64(1, 2, huge, 2, NULL, 0, false, r, c, 1, err), AIDMATCH_STATUS_INVALID_INPUT);
        CHECK(aidmatch_error_row(err) == 0);
        CHECK(streq(aidmatch_error_column(err), "1"));
        CHECK(streq(aidmatch_error_value(err), "9223372036854775807"));
    }
    CHECK_STATUS(aidmatch_lsap_i64(5, 0, NULL, 0, NULL, 0, false, NULL, NULL, 0, err), AIDMATCH_STATUS_OK);
    aidmatch_error_free(err);
}

/* Three households, two resources:
 * row 0 -> col 0 (5), col 1 (3); row 1 -> col 0 (4); row 2 -> col 1 (1). */
static const size_t INDPTR[4] = {0, 2, 3, 4};
static const size_t INDICES[4] = {0, 1, 0, 1};
static const int64_t WEIGHTS[4] = {5, 3, 4, 1};
static const uint32_t CAPACITY[2] = {1, 1};

static void test_matching(void) {
    aidmatch_error *err = aidmatch_error_new();
    aidmatch_matching *m = NULL;
    int64_t weight = 0;

    CHECK_STATUS(aidmatch_max_weight_matching(3, 2, INDPTR, 4, INDICES, 4, WEIGHTS, 4, CAPACITY, 2,
                                              NULL, 0, NULL, 0, NULL, &m, err),
                 AIDMATCH_STATUS_OK);
    CHECK(m != NULL);
    CHECK(aidmatch_matching_len(m) == 2);
    if (m != NULL && aidmatch_matching_len(m) == 2) {
        const size_t *rows = aidmatch_matching_rows(m);
        const size_t *cols = aidmatch_matching_cols(m);
        const uint32_t *units = aidmatch_matching_units(m);
        CHECK(rows[0] == 0 && cols[0] == 1 && units[0] == 1);
        CHECK(rows[1] == 1 && cols[1] == 0 && units[1] == 1);
    }
    CHECK_STATUS(aidmatch_matching_weight(m, &weight, err), AIDMATCH_STATUS_OK);
    CHECK(weight == 7);
    CHECK_STATUS(aidmatch_matching_weight(m, NULL, err), AIDMATCH_STATUS_NULL_PARAMETER);
    aidmatch_matching_free(m);
    m = NULL;

    /* Tiers first: row 2 is urgent; row capacity given explicitly. */
    {
        const uint32_t tiers[3] = {2, 2, 1};
        const uint32_t row_capacity[3] = {1, 1, 1};
        CHECK_STATUS(aidmatch_max_weight_matching(3, 2, INDPTR, 4, INDICES, 4, WEIGHTS, 4, CAPACITY, 2,
                                                  row_capacity, 3, tiers, 3, NULL, &m, err),
                     AIDMATCH_STATUS_OK);
        CHECK(aidmatch_matching_len(m) == 2);
        if (m != NULL && aidmatch_matching_len(m) == 2) {
            CHECK(aidmatch_matching_rows(m)[1] == 2 && aidmatch_matching_cols(m)[1] == 1);
        }
        CHECK_STATUS(aidmatch_matching_weight(m, &weight, err), AIDMATCH_STATUS_OK);
        CHECK(weight == 6);
        aidmatch_matching_free(m);
        m = NULL;
    }

    /* Errors: out is untouched. */
    {
        const size_t bad_indices[4] = {0, 1, 0, 2};
        const uint32_t bad_tiers[3] = {1, 0, 1};
        CHECK_STATUS(aidmatch_max_weight_matching(3, 2, INDPTR, 3, INDICES, 4, WEIGHTS, 4, CAPACITY, 2,
                                                  NULL, 0, NULL, 0, NULL, &m, err),
                     AIDMATCH_STATUS_INVALID_INPUT);
        CHECK(m == NULL);
        CHECK_STATUS(aidmatch_max_weight_matching(3, 2, INDPTR, 4, bad_indices, 4, WEIGHTS, 4, CAPACITY, 2,
                                                  NULL, 0, NULL, 0, NULL, &m, err),
                     AIDMATCH_STATUS_INVALID_INPUT);
        CHECK(streq(aidmatch_error_value(err), "2"));
        CHECK_STATUS(aidmatch_max_weight_matching(3, 2, INDPTR, 4, INDICES, 4, WEIGHTS, 4, CAPACITY, 2,
                                                  NULL, 0, bad_tiers, 3, NULL, &m, err),
                     AIDMATCH_STATUS_INVALID_INPUT);
        CHECK(aidmatch_error_row(err) == 1);
        CHECK_STATUS(aidmatch_max_weight_matching(3, 2, INDPTR, 4, NULL, 4, WEIGHTS, 4, CAPACITY, 2,
                                                  NULL, 0, NULL, 0, NULL, &m, err),
                     AIDMATCH_STATUS_NULL_PARAMETER);
        CHECK_STATUS(aidmatch_max_weight_matching(3, 2, INDPTR, 4, INDICES, 4, WEIGHTS, 4, CAPACITY, 2,
                                                  NULL, 0, NULL, 0, NULL, NULL, err),
                     AIDMATCH_STATUS_NULL_PARAMETER);
        CHECK_STATUS(aidmatch_max_weight_matching((size_t)-1, 2, INDPTR, 4, INDICES, 4, WEIGHTS, 4, CAPACITY,
                                                  2, NULL, 0, NULL, 0, NULL, &m, err),
                     AIDMATCH_STATUS_INVALID_INPUT);
        CHECK(m == NULL);
    }

    /* An interrupt triggered before the call stops it; reset, the handle works again. */
    {
        aidmatch_interrupt *stop = aidmatch_interrupt_new();
        CHECK(stop != NULL);
        aidmatch_interrupt_trigger(stop);
        CHECK_STATUS(aidmatch_max_weight_matching(3, 2, INDPTR, 4, INDICES, 4, WEIGHTS, 4, CAPACITY, 2,
                                                  NULL, 0, NULL, 0, stop, &m, err),
                     AIDMATCH_STATUS_INTERRUPTED);
        CHECK(m == NULL);
        aidmatch_interrupt_reset(stop);
        CHECK_STATUS(aidmatch_max_weight_matching(3, 2, INDPTR, 4, INDICES, 4, WEIGHTS, 4, CAPACITY, 2,
                                                  NULL, 0, NULL, 0, stop, &m, err),
                     AIDMATCH_STATUS_OK);
        aidmatch_matching_free(m);
        m = NULL;
        aidmatch_interrupt_free(stop);
    }

    /* NULL handles everywhere. */
    CHECK(aidmatch_matching_len(NULL) == 0);
    CHECK(aidmatch_matching_rows(NULL) == NULL);
    CHECK(aidmatch_matching_cols(NULL) == NULL);
    CHECK(aidmatch_matching_units(NULL) == NULL);
    CHECK_STATUS(aidmatch_matching_weight(NULL, &weight, err), AIDMATCH_STATUS_NULL_PARAMETER);
    aidmatch_matching_free(NULL);
    aidmatch_interrupt_trigger(NULL);
    aidmatch_interrupt_reset(NULL);
    aidmatch_interrupt_free(NULL);
    aidmatch_error_free(err);
}

/* The whole file as a NUL-terminated string (caller frees), or NULL. */
static char *read_file(const char *dir, const char *name) {
    char path[4096];
    FILE *f;
    long n;
    char *text;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "cannot open %s\n", path);
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return NULL;
    }
    text = malloc((size_t)n + 1);
    if (text != NULL && fread(text, 1, (size_t)n, f) != (size_t)n) {
        free(text);
        text = NULL;
    }
    if (text != NULL) {
        text[n] = '\0';
    }
    fclose(f);
    return text;
}

static void test_match_json(const char *data) {
    aidmatch_error *err = aidmatch_error_new();
    char *needs = read_file(data, "needs.json");
    char *supply = read_file(data, "supply.json");
    char *exclusions = read_file(data, "exclusions.json");
    char *policy = read_file(data, "policy.toml");
    char *result = NULL;
    CHECK(needs != NULL && supply != NULL && exclusions != NULL && policy != NULL);
    if (needs == NULL || supply == NULL || exclusions == NULL || policy == NULL) {
        goto done;
    }

    CHECK_STATUS(aidmatch_match_json(needs, supply, exclusions, policy, "2024-10-01", NULL, &result, err),
                 AIDMATCH_STATUS_OK);
    CHECK(result != NULL);
    if (result != NULL) {
        CHECK(strncmp(result, "{\"assignments\":[", 16) == 0);
        CHECK(strstr(result, "{\"need_id\":\"N1\",\"household_id\":\"H1\",\"resource_id\":\"R1\"") != NULL);
        CHECK(strstr(result, "{\"need_id\":\"N2\",\"household_id\":\"H2\",\"resource_id\":\"R2\"") != NULL);
        CHECK(strstr(result, "\"need_id\":\"N3\",\"household_id\":\"H3\",\"reason\":\"excluded_conflict\"") != NULL);
        CHECK(strstr(result, "\"policy_version\":\"capi-test-1\"") != NULL);
        CHECK(strstr(result, "\"run_date\":\"2024-10-01\"") != NULL);
        CHECK(strstr(result, "\"verified\":true") != NULL);
    }
    aidmatch_string_free(result);
    result = NULL;

    /* Why N3 went unmatched: the explanation document; an unknown need is named. */
    CHECK_STATUS(aidmatch_explain_json(needs, supply, exclusions, policy, "2024-10-01", "N3", NULL, &result, err),
                 AIDMATCH_STATUS_OK);
    CHECK(result != NULL && strncmp(result, "{\"need_id\":\"N3\",\"household_id\":\"H3\"", 34) == 0);
    CHECK(result != NULL && strstr(result, "\"reason\":\"excluded_conflict\"") != NULL);
    aidmatch_string_free(result);
    result = NULL;
    CHECK_STATUS(aidmatch_explain_json(needs, supply, exclusions, policy, "2024-10-01", "N404", NULL, &result, err),
                 AIDMATCH_STATUS_INVALID_INPUT);
    CHECK(result == NULL && streq(aidmatch_error_column(err), "need_id") && streq(aidmatch_error_value(err), "N404"));

    /* Optional arguments absent: no exclusions, default policy, today. */
    CHECK_STATUS(aidmatch_match_json(needs, supply, NULL, NULL, NULL, NULL, &result, err), AIDMATCH_STATUS_OK);
    CHECK(result != NULL && strstr(result, "\"policy_version\":\"capi-test-1\"") == NULL);
    aidmatch_string_free(result);
    result = NULL;
    aidmatch_string_free(NULL);

    /* Hostile strings; *result_json untouched on failure. */
    CHECK_STATUS(aidmatch_match_json(NULL, supply, NULL, NULL, NULL, NULL, &result, err),
                 AIDMATCH_STATUS_NULL_PARAMETER);
    CHECK(streq(aidmatch_error_message(err), "argument `needs_json` is NULL"));
    CHECK(result == NULL);
    CHECK_STATUS(aidmatch_match_json(needs, supply, NULL, NULL, NULL, NULL, NULL, err),
                 AIDMATCH_STATUS_NULL_PARAMETER);
    CHECK_STATUS(aidmatch_match_json("[{\"need_id\": \"N\xff\"}]", supply, NULL, NULL, NULL, NULL, &result, err),
                 AIDMATCH_STATUS_INVALID_UTF8);
    CHECK(streq(aidmatch_error_value(err), "0xff"));
    CHECK_STATUS(aidmatch_match_json("[{", supply, NULL, NULL, NULL, NULL, &result, err),
                 AIDMATCH_STATUS_MALFORMED_JSON);
    CHECK_STATUS(aidmatch_match_json(needs, "{}", NULL, NULL, NULL, NULL, &result, err),
                 AIDMATCH_STATUS_MALFORMED_JSON);
    {
        const char *bad =
            "[{\"need_id\": \"N1\", \"household_id\": \"H1\", \"region\": \"610103001002\","
            " \"category\": \"space_travel\", \"consent\": true}]";
        CHECK_STATUS(aidmatch_match_json(bad, supply, NULL, NULL, NULL, NULL, &result, err),
                     AIDMATCH_STATUS_INVALID_INPUT);
        CHECK(aidmatch_error_row(err) == 1);
        CHECK(streq(aidmatch_error_column(err), "category"));
        CHECK(streq(aidmatch_error_value(err), "space_travel"));
    }
    CHECK_STATUS(aidmatch_match_json(needs, supply, NULL, "versoin = \"x\"", NULL, NULL, &result, err),
                 AIDMATCH_STATUS_INVALID_INPUT);
    CHECK(streq(aidmatch_error_column(err), "versoin"));
    CHECK_STATUS(aidmatch_match_json(needs, supply, NULL, "[[[", NULL, NULL, &result, err),
                 AIDMATCH_STATUS_MALFORMED_JSON);
    CHECK_STATUS(aidmatch_match_json(needs, supply, NULL, NULL, "2024-13-01", NULL, &result, err),
                 AIDMATCH_STATUS_INVALID_INPUT);
    CHECK(streq(aidmatch_error_column(err), "as_of"));
    {
        aidmatch_interrupt *stop = aidmatch_interrupt_new();
        aidmatch_interrupt_trigger(stop);
        CHECK_STATUS(aidmatch_match_json(needs, supply, NULL, NULL, NULL, stop, &result, err),
                     AIDMATCH_STATUS_INTERRUPTED);
        aidmatch_interrupt_free(stop);
    }
    CHECK(result == NULL);

done:
    free(needs);
    free(supply);
    free(exclusions);
    free(policy);
    aidmatch_error_free(err);
}

static int file_exists(const char *dir, const char *name) {
    char path[4096];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "rb");
    if (f == NULL) {
        return 0;
    }
    fclose(f);
    return 1;
}

static void remove_file(const char *dir, const char *name) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    remove(path);
}

static void test_match_files(const char *data) {
    static const char *outputs[4] = {"assignments.csv", "unmatched.csv", "referrals.csv", "summary.json"};
    aidmatch_error *err = aidmatch_error_new();
    char tmp[] = "/tmp/aidmatch-c-test-XXXXXX";
    char needs[4096], supply[4096], exclusions[4096], policy[4096], out[4096];
    int k;
    snprintf(needs, sizeof needs, "%s/needs.json", data);
    snprintf(supply, sizeof supply, "%s/supply.json", data);
    snprintf(exclusions, sizeof exclusions, "%s/exclusions.json", data);
    snprintf(policy, sizeof policy, "%s/policy.toml", data);
    CHECK(mkdtemp(tmp) != NULL);
    snprintf(out, sizeof out, "%s/out", tmp);

    CHECK_STATUS(aidmatch_match_files(needs, supply, exclusions, policy, "2024-10-01", NULL, out, err),
                 AIDMATCH_STATUS_OK);
    for (k = 0; k < 4; k++) {
        CHECK(file_exists(out, outputs[k]));
    }
    {
        char *summary = read_file(out, "summary.json");
        CHECK(summary != NULL && strstr(summary, "\"policy_version\": \"capi-test-1\"") != NULL);
        free(summary);
    }
    for (k = 0; k < 4; k++) {
        remove_file(out, outputs[k]);
    }
    CHECK(rmdir(out) == 0);

    CHECK_STATUS(aidmatch_match_files("/nonexistent/needs.json", supply, NULL, NULL, NULL, NULL, out, err),
                 AIDMATCH_STATUS_IO);
    CHECK(strstr(aidmatch_error_message(err), "/nonexistent/needs.json") != NULL);
    CHECK_STATUS(aidmatch_match_files(needs, supply, NULL, "/nonexistent/policy.toml", NULL, NULL, out, err),
                 AIDMATCH_STATUS_IO);
    CHECK_STATUS(aidmatch_match_files(needs, supply, NULL, NULL, NULL, NULL, NULL, err),
                 AIDMATCH_STATUS_NULL_PARAMETER);
    /* An empty out_dir is a missing setting, not the current directory. */
    CHECK_STATUS(aidmatch_match_files(needs, supply, NULL, NULL, "2024-10-01", NULL, "", err),
                 AIDMATCH_STATUS_INVALID_INPUT);
    CHECK(streq(aidmatch_error_column(err), "out_dir"));
    CHECK(aidmatch_error_value(err) == NULL);
    CHECK(!file_exists(".", "summary.json"));
    CHECK(!file_exists(out, "summary.json"));
    CHECK(rmdir(tmp) == 0);
    aidmatch_error_free(err);
}

/* Removes the files a state folder may hold, then the folder. */
static void remove_folder(const char *dir) {
    static const char *names[12] = {"assignments.csv", "unmatched.csv", "referrals.csv", "summary.json",
                                    "snapshot.json", "needs.json", "supply.json", "exclusions.json",
                                    "policy.toml", "changes.csv", "rematch.json", "urgent.json"};
    int k;
    for (k = 0; k < 12; k++) {
        remove_file(dir, names[k]);
    }
    CHECK(rmdir(dir) == 0);
}

/* The closed loop with the state as a JSON document: first round, feedback, an emergency. */
static void test_closed_loop_json(const char *data) {
    aidmatch_error *err = aidmatch_error_new();
    char *needs = read_file(data, "needs.json");
    char *supply = read_file(data, "supply.json");
    char *exclusions = read_file(data, "exclusions.json");
    char *policy = read_file(data, "policy.toml");
    char *outcomes = read_file(data, "outcomes.json");
    char *new_needs = read_file(data, "new_needs.json");
    char *urgent = read_file(data, "urgent_need.json");
    char *result = NULL, *state = NULL, *result2 = NULL, *state2 = NULL, *result3 = NULL, *state3 = NULL;
    CHECK(needs && supply && exclusions && policy && outcomes && new_needs && urgent);
    if (!(needs && supply && exclusions && policy && outcomes && new_needs && urgent)) {
        goto done;
    }

    CHECK_STATUS(aidmatch_match_json_with_state(needs, supply, exclusions, policy, "2024-10-01", NULL,
                                                &result, &state, err),
                 AIDMATCH_STATUS_OK);
    CHECK(result != NULL && strncmp(result, "{\"assignments\":[", 16) == 0);
    CHECK(state != NULL && strncmp(state, "{\"format\":\"aidmatch-state-v1\"", 29) == 0);
    if (state == NULL) {
        goto done;
    }

    /* Feedback: N1 accepted (kept), N2 declined by its provider (never offered R2 again);
     * a new need N5 gets the cadre's visits. */
    CHECK_STATUS(aidmatch_rematch_json(state, outcomes, new_needs, NULL, NULL, "2024-10-08", 0, NULL,
                                       &result2, &state2, err),
                 AIDMATCH_STATUS_OK);
    CHECK(result2 != NULL && state2 != NULL);
    if (result2 != NULL) {
        CHECK(strstr(result2, "{\"need_id\":\"N1\",\"change\":\"kept\",\"previous_resource_id\":\"R1\",\"resource_id\":\"R1\"}") != NULL);
        CHECK(strstr(result2, "{\"need_id\":\"N2\",\"change\":\"unmatched\"") != NULL);
        CHECK(strstr(result2, "{\"need_id\":\"N5\",\"change\":\"new\",\"previous_resource_id\":null,\"resource_id\":\"R3\"}") != NULL);
        CHECK(strstr(result2, "\"kept_pairs\":1") != NULL);
        CHECK(strstr(result2, "\"verified\":true") != NULL);
    }
    /* Cold: the same changes. */
    {
        char *cold = NULL, *cold_state = NULL;
        CHECK_STATUS(aidmatch_rematch_json(state, outcomes, new_needs, NULL, NULL, "2024-10-08",
                                           AIDMATCH_REMATCH_COLD, NULL, &cold, &cold_state, err),
                     AIDMATCH_STATUS_OK);
        CHECK(cold != NULL && strstr(cold, "\"mode\":\"cold\"") != NULL);
        CHECK(cold_state != NULL && state2 != NULL && strcmp(cold_state, state2) == 0);
        aidmatch_string_free(cold);
        aidmatch_string_free(cold_state);
    }
    /* Why N2 went unmatched this round: R2, declined, is a near miss failing "declined". */
    {
        char *why = NULL;
        CHECK_STATUS(aidmatch_rematch_explain_json(state, outcomes, new_needs, NULL, NULL, "2024-10-08", 0, "N2",
                                                   NULL, &why, err),
                     AIDMATCH_STATUS_OK);
        CHECK(why != NULL && strncmp(why, "{\"need_id\":\"N2\"", 15) == 0);
        CHECK(why != NULL && strstr(why, "{\"resource_id\":\"R2\",\"failed\":[\"declined\"]}") != NULL);
        aidmatch_string_free(why);
    }

    /* An emergency between rounds, into the state the re-match returned. */
    if (state2 != NULL) {
        CHECK_STATUS(aidmatch_urgent_json(state2, urgent, "2024-10-09", &result3, &state3, err),
                     AIDMATCH_STATUS_OK);
        CHECK(result3 != NULL && strstr(result3, "\"need_id\":\"U1\",\"mode\":\"free_place\",\"resource_id\":\"R3\"") != NULL);
        CHECK(state3 != NULL && strstr(state3, "\"U1\"") != NULL);
        /* The same need again: its id is in the state now. */
        if (state3 != NULL) {
            char *r = NULL, *st = NULL;
            CHECK_STATUS(aidmatch_urgent_json(state3, urgent, "2024-10-09", &r, &st, err),
                         AIDMATCH_STATUS_INVALID_INPUT);
            CHECK(streq(aidmatch_error_column(err), "need_id"));
            CHECK(streq(aidmatch_error_value(err), "U1"));
            CHECK(r == NULL && st == NULL);
        }
    }

    /* Hostile arguments; outputs untouched on failure. */
    {
        char *r = NULL, *st = NULL;
        CHECK_STATUS(aidmatch_rematch_json(NULL, outcomes, NULL, NULL, NULL, NULL, 0, NULL, &r, &st, err),
                     AIDMATCH_STATUS_NULL_PARAMETER);
        CHECK(streq(aidmatch_error_message(err), "argument `state_json` is NULL"));
        CHECK_STATUS(aidmatch_rematch_json(state, outcomes, NULL, NULL, NULL, NULL, 0, NULL, &r, NULL, err),
                     AIDMATCH_STATUS_NULL_PARAMETER);
        CHECK_STATUS(aidmatch_rematch_json("{\"format\":", outcomes, NULL, NULL, NULL, NULL, 0, NULL, &r, &st, err),
                     AIDMATCH_STATUS_MALFORMED_JSON);
        CHECK_STATUS(aidmatch_rematch_json("{}", outcomes, NULL, NULL, NULL, NULL, 0, NULL, &r, &st, err),
                     AIDMATCH_STATUS_INVALID_INPUT);
        CHECK_STATUS(aidmatch_rematch_json(state, "[{\"need_id\": \"N1\", \"resource_id\": \"R1\", \"status\": \"accepted\"},"
                                                  " {\"need_id\": \"N1\", \"resource_id\": \"R1\", \"status\": \"declined\"}]",
                                           NULL, NULL, NULL, "2024-10-08", 0, NULL, &r, &st, err),
                     AIDMATCH_STATUS_INVALID_INPUT);
        CHECK(aidmatch_error_row(err) == 2);
        CHECK(streq(aidmatch_error_column(err), "status"));
        CHECK(strstr(aidmatch_error_message(err), "\"N1\"") != NULL);
        CHECK_STATUS(aidmatch_rematch_json(state, "[]", NULL, NULL, NULL, NULL, 0x80, NULL, &r, &st, err),
                     AIDMATCH_STATUS_INVALID_INPUT);
        CHECK(streq(aidmatch_error_column(err), "flags"));
        CHECK_STATUS(aidmatch_rematch_json(state, "[]", "[{\"need_id\": \"N\xff\"}]", NULL, NULL, NULL, 0, NULL, &r, &st, err),
                     AIDMATCH_STATUS_INVALID_UTF8);
        {
            aidmatch_interrupt *stop = aidmatch_interrupt_new();
            aidmatch_interrupt_trigger(stop);
            CHECK_STATUS(aidmatch_rematch_json(state, "[]", NULL, NULL, NULL, "2024-10-08", 0, stop, &r, &st, err),
                         AIDMATCH_STATUS_INTERRUPTED);
            aidmatch_interrupt_free(stop);
        }
        CHECK_STATUS(aidmatch_urgent_json(state, NULL, NULL, &r, &st, err), AIDMATCH_STATUS_NULL_PARAMETER);
        CHECK_STATUS(aidmatch_urgent_json(state, "[]", NULL, &r, &st, err), AIDMATCH_STATUS_INVALID_INPUT);
        CHECK(streq(aidmatch_error_value(err), "0"));
        CHECK_STATUS(aidmatch_urgent_json(state, needs, NULL, &r, &st, err), AIDMATCH_STATUS_INVALID_INPUT);
        CHECK(r == NULL && st == NULL);
    }

done:
    aidmatch_string_free(result);
    aidmatch_string_free(state);
    aidmatch_string_free(result2);
    aidmatch_string_free(state2);
    aidmatch_string_free(result3);
    aidmatch_string_free(state3);
    free(needs);
    free(supply);
    free(exclusions);
    free(policy);
    free(outcomes);
    free(new_needs);
    free(urgent);
    aidmatch_error_free(err);
}

/* The closed loop with the state as a folder, as the command line keeps it. */
static void test_closed_loop_files(const char *data) {
    aidmatch_error *err = aidmatch_error_new();
    char tmp[] = "/tmp/aidmatch-c-loop-XXXXXX";
    char needs[4096], supply[4096], exclusions[4096], policy[4096], outcomes[4096], new_needs[4096],
        urgent[4096], r1[4096], r2[4096], r3[4096], nowhere[4096];
    snprintf(needs, sizeof needs, "%s/needs.json", data);
    snprintf(supply, sizeof supply, "%s/supply.json", data);
    snprintf(exclusions, sizeof exclusions, "%s/exclusions.json", data);
    snprintf(policy, sizeof policy, "%s/policy.toml", data);
    snprintf(outcomes, sizeof outcomes, "%s/outcomes.json", data);
    snprintf(new_needs, sizeof new_needs, "%s/new_needs.json", data);
    snprintf(urgent, sizeof urgent, "%s/urgent_need.json", data);
    CHECK(mkdtemp(tmp) != NULL);
    snprintf(r1, sizeof r1, "%s/round1", tmp);
    snprintf(r2, sizeof r2, "%s/round2", tmp);
    snprintf(r3, sizeof r3, "%s/round2b", tmp);
    snprintf(nowhere, sizeof nowhere, "%s/nowhere", tmp);

    CHECK_STATUS(aidmatch_match_files_with_state(needs, supply, exclusions, policy, "2024-10-01", NULL, r1, err),
                 AIDMATCH_STATUS_OK);
    CHECK(file_exists(r1, "assignments.csv") && file_exists(r1, "snapshot.json") && file_exists(r1, "policy.toml"));
    CHECK_STATUS(aidmatch_rematch_files(r1, outcomes, new_needs, NULL, NULL, "2024-10-08", 0, NULL, r2, err),
                 AIDMATCH_STATUS_OK);
    {
        char *changes = read_file(r2, "changes.csv");
        CHECK(changes != NULL && strstr(changes, "N1,kept,R1,R1\n") != NULL &&
              strstr(changes, "N5,new,,R3\n") != NULL);
        free(changes);
    }
    CHECK(file_exists(r2, "rematch.json") && file_exists(r2, "snapshot.json"));
    CHECK_STATUS(aidmatch_urgent_files(r2, urgent, "2024-10-09", r3, err), AIDMATCH_STATUS_OK);
    {
        char *report = read_file(r3, "urgent.json");
        CHECK(report != NULL && strstr(report, "\"mode\": \"free_place\"") != NULL);
        free(report);
    }

    CHECK_STATUS(aidmatch_rematch_files(nowhere, outcomes, NULL, NULL, NULL, NULL, 0, NULL, nowhere, err),
                 AIDMATCH_STATUS_IO);
    CHECK(strstr(aidmatch_error_message(err), "nowhere") != NULL);
    CHECK_STATUS(aidmatch_urgent_files(r2, needs, NULL, nowhere, err), AIDMATCH_STATUS_INVALID_INPUT);
    CHECK_STATUS(aidmatch_urgent_files(NULL, urgent, NULL, nowhere, err), AIDMATCH_STATUS_NULL_PARAMETER);
    CHECK_STATUS(aidmatch_match_files_with_state(needs, supply, NULL, NULL, NULL, NULL, NULL, err),
                 AIDMATCH_STATUS_NULL_PARAMETER);
    CHECK(!file_exists(nowhere, "snapshot.json"));

    remove_folder(r1);
    remove_folder(r2);
    remove_folder(r3);
    CHECK(rmdir(tmp) == 0);
    aidmatch_error_free(err);
}

/* Two result objects equal but for their insert_ms timing (the last key). */
static int same_but_timing(const char *a, const char *b) {
    const char *ta = a ? strstr(a, "\"insert_ms\":") : NULL;
    const char *tb = b ? strstr(b, "\"insert_ms\":") : NULL;
    return ta != NULL && tb != NULL && ta - a == tb - b && strncmp(a, b, (size_t)(ta - a)) == 0;
}

/* The emergency desk: opened once on a state, it gives what successive
 * aidmatch_urgent_json calls give; its state as a document or a folder. */
static void test_desk(const char *data) {
    aidmatch_error *err = aidmatch_error_new();
    char *needs = read_file(data, "needs.json");
    char *supply = read_file(data, "supply.json");
    char *policy = read_file(data, "policy.toml");
    char *urgent = read_file(data, "urgent_need.json");
    char *result = NULL, *state = NULL, *by_call = NULL, *next = NULL, *by_desk = NULL, *desk_state = NULL;
    aidmatch_desk *desk = NULL, *again = NULL;
    char tmp[] = "/tmp/aidmatch-c-desk-XXXXXX", saved[4096];
    CHECK(needs && supply && policy && urgent);
    CHECK(mkdtemp(tmp) != NULL);
    snprintf(saved, sizeof saved, "%s/saved", tmp);
    if (!(needs && supply && policy && urgent)) {
        goto done;
    }
    CHECK_STATUS(aidmatch_match_json_with_state(needs, supply, NULL, policy, "2024-10-01", NULL, &result,
                                                &state, err),
                 AIDMATCH_STATUS_OK);
    if (state == NULL) {
        goto done;
    }
    CHECK_STATUS(aidmatch_desk_open(state, "2024-10-09", &desk, err), AIDMATCH_STATUS_OK);
    CHECK(desk != NULL);
    CHECK_STATUS(aidmatch_desk_insert(desk, urgent, &by_desk, err), AIDMATCH_STATUS_OK);
    CHECK_STATUS(aidmatch_urgent_json(state, urgent, "2024-10-09", &by_call, &next, err), AIDMATCH_STATUS_OK);
    CHECK(by_desk != NULL && strstr(by_desk, "\"need_id\":\"U1\",\"mode\":\"free_place\"") != NULL);
    CHECK(same_but_timing(by_desk, by_call));
    CHECK_STATUS(aidmatch_desk_state(desk, &desk_state, err), AIDMATCH_STATUS_OK);
    CHECK(desk_state != NULL && next != NULL && strcmp(desk_state, next) == 0);
    /* The same need again: refused, the desk unchanged. */
    {
        char *r = NULL;
        CHECK_STATUS(aidmatch_desk_insert(desk, urgent, &r, err), AIDMATCH_STATUS_INVALID_INPUT);
        CHECK(streq(aidmatch_error_column(err), "need_id"));
        CHECK(streq(aidmatch_error_value(err), "U1"));
        CHECK(r == NULL);
        CHECK_STATUS(aidmatch_desk_insert(desk, "[]", &r, err), AIDMATCH_STATUS_INVALID_INPUT);
        CHECK_STATUS(aidmatch_desk_insert(desk, NULL, &r, err), AIDMATCH_STATUS_NULL_PARAMETER);
        CHECK_STATUS(aidmatch_desk_insert(desk, urgent, NULL, err), AIDMATCH_STATUS_NULL_PARAMETER);
        CHECK_STATUS(aidmatch_desk_state(desk, &r, err), AIDMATCH_STATUS_OK);
        CHECK(r != NULL && desk_state != NULL && strcmp(r, desk_state) == 0);
        aidmatch_string_free(r);
    }
    /* The state as a folder, and a desk opened from it. */
    CHECK_STATUS(aidmatch_desk_save(desk, saved, err), AIDMATCH_STATUS_OK);
    CHECK(file_exists(saved, "snapshot.json"));
    CHECK_STATUS(aidmatch_desk_open_dir(saved, "2024-10-09", &again, err), AIDMATCH_STATUS_OK);
    {
        char *r = NULL;
        CHECK_STATUS(aidmatch_desk_state(again, &r, err), AIDMATCH_STATUS_OK);
        CHECK(r != NULL && desk_state != NULL && strcmp(r, desk_state) == 0);
        aidmatch_string_free(r);
    }
    /* Hostile arguments: status codes, outputs untouched. */
    {
        char *r = NULL;
        aidmatch_desk *d = NULL;
        CHECK_STATUS(aidmatch_desk_insert(NULL, urgent, &r, err), AIDMATCH_STATUS_NULL_PARAMETER);
        CHECK(streq(aidmatch_error_message(err), "argument `desk` is NULL"));
        CHECK_STATUS(aidmatch_desk_state(NULL, &r, err), AIDMATCH_STATUS_NULL_PARAMETER);
        CHECK_STATUS(aidmatch_desk_save(NULL, saved, err), AIDMATCH_STATUS_NULL_PARAMETER);
        CHECK_STATUS(aidmatch_desk_open(NULL, NULL, &d, err), AIDMATCH_STATUS_NULL_PARAMETER);
        CHECK_STATUS(aidmatch_desk_open(state, NULL, NULL, err), AIDMATCH_STATUS_NULL_PARAMETER);
        CHECK_STATUS(aidmatch_desk_open("{}", NULL, &d, err), AIDMATCH_STATUS_INVALID_INPUT);
        CHECK_STATUS(aidmatch_desk_open(state, "2024-02-30", &d, err), AIDMATCH_STATUS_INVALID_INPUT);
        CHECK(streq(aidmatch_error_column(err), "as_of"));
        CHECK_STATUS(aidmatch_desk_open_dir(tmp, NULL, &d, err), AIDMATCH_STATUS_IO);
        CHECK(r == NULL && d == NULL);
        aidmatch_desk_free(NULL);
    }
done:
    aidmatch_desk_free(desk);
    aidmatch_desk_free(again);
    remove_file(saved, "snapshot.json");
    remove_file(saved, "needs.json");
    remove_file(saved, "supply.json");
    remove_file(saved, "exclusions.json");
    remove_file(saved, "policy.toml");
    rmdir(saved);
    CHECK(rmdir(tmp) == 0);
    aidmatch_string_free(result);
    aidmatch_string_free(state);
    aidmatch_string_free(by_call);
    aidmatch_string_free(next);
    aidmatch_string_free(by_desk);
    aidmatch_string_free(desk_state);
    free(needs);
    free(supply);
    free(policy);
    free(urgent);
    aidmatch_error_free(err);
}

/* A round kept in memory: what the JSON calls give, explained without a re-run,
 * re-matched into the next round, saved, taken up again, and given a desk. */
static void test_round(const char *data) {
    aidmatch_error *err = aidmatch_error_new();
    char *needs = read_file(data, "needs.json");
    char *supply = read_file(data, "supply.json");
    char *exclusions = read_file(data, "exclusions.json");
    char *policy = read_file(data, "policy.toml");
    char *outcomes = read_file(data, "outcomes.json");
    char *new_needs = read_file(data, "new_needs.json");
    char *urgent = read_file(data, "urgent_need.json");
    char *result = NULL, *state = NULL, *result2 = NULL, *state2 = NULL, *text = NULL;
    aidmatch_round *round = NULL, *next = NULL, *stored = NULL, *from_dir = NULL;
    aidmatch_desk *desk = NULL;
    char tmp[] = "/tmp/aidmatch-c-round-XXXXXX", saved[4096];
    CHECK(mkdtemp(tmp) != NULL);
    snprintf(saved, sizeof saved, "%s/r2", tmp);
    CHECK(needs && supply && exclusions && policy && outcomes && new_needs && urgent);
    if (!(needs && supply && exclusions && policy && outcomes && new_needs && urgent)) {
        goto done;
    }
    CHECK_STATUS(aidmatch_match_json_with_state(needs, supply, exclusions, policy, "2024-10-01", NULL,
                                                &result, &state, err),
                 AIDMATCH_STATUS_OK);
    CHECK_STATUS(aidmatch_rematch_json(state, outcomes, new_needs, NULL, NULL, "2024-10-08", 0, NULL,
                                       &result2, &state2, err),
                 AIDMATCH_STATUS_OK);
    CHECK_STATUS(aidmatch_round_match_json(needs, supply, exclusions, policy, "2024-10-01", NULL, &round, err),
                 AIDMATCH_STATUS_OK);
    if (round == NULL || state == NULL || state2 == NULL) {
        goto done;
    }
    /* The first round: result and state as the JSON call returns them. */
    CHECK_STATUS(aidmatch_round_result_json(round, &text, err), AIDMATCH_STATUS_OK);
    CHECK(streq(text, result));
    aidmatch_string_free(text);
    text = NULL;
    CHECK_STATUS(aidmatch_round_state_json(round, &text, err), AIDMATCH_STATUS_OK);
    CHECK(streq(text, state));
    aidmatch_string_free(text);
    text = NULL;
    CHECK_STATUS(aidmatch_round_explain_json(round, "N1", &text, err), AIDMATCH_STATUS_OK);
    CHECK(text != NULL && strncmp(text, "{\"need_id\":\"N1\"", 15) == 0);
    aidmatch_string_free(text);
    text = NULL;

    /* Re-matched in memory: the next state the JSON call returns; N2 explained. */
    CHECK_STATUS(aidmatch_round_rematch_json(round, outcomes, new_needs, NULL, NULL, "2024-10-08", 0, NULL,
                                             &next, err),
                 AIDMATCH_STATUS_OK);
    aidmatch_round_free(round); /* the next round does not depend on it */
    round = NULL;
    if (next == NULL) {
        goto done;
    }
    CHECK_STATUS(aidmatch_round_state_json(next, &text, err), AIDMATCH_STATUS_OK);
    CHECK(streq(text, state2));
    aidmatch_string_free(text);
    text = NULL;
    CHECK_STATUS(aidmatch_round_result_json(next, &text, err), AIDMATCH_STATUS_OK);
    CHECK(text != NULL && strstr(text, "{\"need_id\":\"N1\",\"change\":\"kept\"") != NULL);
    aidmatch_string_free(text);
    text = NULL;
    CHECK_STATUS(aidmatch_round_explain_json(next, "N2", &text, err), AIDMATCH_STATUS_OK);
    CHECK(text != NULL && strstr(text, "{\"resource_id\":\"R2\",\"failed\":[\"declined\"]}") != NULL);
    aidmatch_string_free(text);
    text = NULL;
    CHECK_STATUS(aidmatch_round_explain_json(next, "N1", &text, err), AIDMATCH_STATUS_INVALID_INPUT);
    CHECK(streq(aidmatch_error_column(err), "need_id"));
    CHECK(strstr(aidmatch_error_message(err), "kept its agreed pair") != NULL);
    CHECK(text == NULL);

    /* Saved as the command line's rematch writes it, and taken up from the folder. */
    CHECK_STATUS(aidmatch_round_save(next, saved, err), AIDMATCH_STATUS_OK);
    CHECK(file_exists(saved, "changes.csv") && file_exists(saved, "snapshot.json"));
    CHECK_STATUS(aidmatch_round_open_dir(saved, &from_dir, err), AIDMATCH_STATUS_OK);
    CHECK_STATUS(aidmatch_round_state_json(from_dir, &text, err), AIDMATCH_STATUS_OK);
    CHECK(streq(text, state2));
    aidmatch_string_free(text);
    text = NULL;

    /* A stored state document: re-matchable, but no result of its own. */
    CHECK_STATUS(aidmatch_round_open_json(state, &stored, err), AIDMATCH_STATUS_OK);
    CHECK_STATUS(aidmatch_round_result_json(stored, &text, err), AIDMATCH_STATUS_INVALID_INPUT);
    CHECK(streq(aidmatch_error_column(err), "round"));
    CHECK(text == NULL);

    /* An emergency desk on the re-matched round. */
    CHECK_STATUS(aidmatch_round_desk(next, "2024-10-09", &desk, err), AIDMATCH_STATUS_OK);
    CHECK_STATUS(aidmatch_desk_insert(desk, urgent, &text, err), AIDMATCH_STATUS_OK);
    CHECK(text != NULL && strstr(text, "\"need_id\":\"U1\",\"mode\":\"free_place\",\"resource_id\":\"R3\"") != NULL);
    aidmatch_string_free(text);
    text = NULL;

    /* Hostile arguments: status codes, outputs untouched. */
    {
        aidmatch_round *r = NULL;
        aidmatch_desk *d = NULL;
        CHECK_STATUS(aidmatch_round_result_json(NULL, &text, err), AIDMATCH_STATUS_NULL_PARAMETER);
        CHECK(streq(aidmatch_error_message(err), "argument `round` is NULL"));
        CHECK_STATUS(aidmatch_round_explain_json(next, NULL, &text, err), AIDMATCH_STATUS_NULL_PARAMETER);
        CHECK_STATUS(aidmatch_round_state_json(next, NULL, err), AIDMATCH_STATUS_NULL_PARAMETER);
        CHECK_STATUS(aidmatch_round_rematch_json(next, NULL, NULL, NULL, NULL, NULL, 0, NULL, &r, err),
                     AIDMATCH_STATUS_NULL_PARAMETER);
        CHECK_STATUS(aidmatch_round_rematch_json(next, "[]", NULL, NULL, NULL, NULL, 0x80, NULL, &r, err),
                     AIDMATCH_STATUS_INVALID_INPUT);
        CHECK(streq(aidmatch_error_column(err), "flags"));
        CHECK_STATUS(aidmatch_round_match_json(needs, NULL, NULL, NULL, NULL, NULL, &r, err),
                     AIDMATCH_STATUS_NULL_PARAMETER);
        CHECK_STATUS(aidmatch_round_open_json("{}", &r, err), AIDMATCH_STATUS_INVALID_INPUT);
        CHECK_STATUS(aidmatch_round_open_dir(tmp, &r, err), AIDMATCH_STATUS_IO);
        CHECK_STATUS(aidmatch_round_save(NULL, saved, err), AIDMATCH_STATUS_NULL_PARAMETER);
        CHECK_STATUS(aidmatch_round_desk(next, "2024-02-30", &d, err), AIDMATCH_STATUS_INVALID_INPUT);
        CHECK(r == NULL && d == NULL && text == NULL);
        aidmatch_round_free(NULL);
    }
done:
    aidmatch_desk_free(desk);
    aidmatch_round_free(round);
    aidmatch_round_free(next);
    aidmatch_round_free(stored);
    aidmatch_round_free(from_dir);
    remove_folder(saved);
    CHECK(rmdir(tmp) == 0);
    aidmatch_string_free(result);
    aidmatch_string_free(state);
    aidmatch_string_free(result2);
    aidmatch_string_free(state2);
    free(needs);
    free(supply);
    free(exclusions);
    free(policy);
    free(outcomes);
    free(new_needs);
    free(urgent);
    aidmatch_error_free(err);
}

/* A child forked after the library has run in this process (its worker threads exist
 * only here) matches too: the library gives the child threads of its own. A hang is
 * ended by alarm() and counted as a failure. */
static void test_fork(const char *data) {
    char *needs = read_file(data, "needs.json");
    char *supply = read_file(data, "supply.json");
    pid_t pid;
    int status = 0;
    CHECK(needs && supply);
    if (!(needs && supply)) {
        goto done;
    }
    pid = fork();
    if (pid == 0) {
        char *result = NULL;
        aidmatch_status s;
        int ok;
        alarm(60);
        s = aidmatch_match_json(needs, supply, NULL, NULL, "2024-10-01", NULL, &result, NULL);
        ok = s == AIDMATCH_STATUS_OK && result != NULL && strncmp(result, "{\"assignments\":[", 16) == 0;
        aidmatch_string_free(result);
        free(needs);
        free(supply);
        _exit(ok ? 0 : 1);
    }
    CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
done:
    free(needs);
    free(supply);
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[2], "fork") == 0) {
        test_match_json(argv[1]); /* the library's threads start in this process */
        test_fork(argv[1]);
        printf("%d passed, %d failed\n", passed, failed);
        return failed == 0 ? 0 : 1;
    }
    if (argc != 2) {
        fprintf(stderr, "usage: %s DATA_DIR [fork]\n", argv[0]);
        return 2;
    }
    test_version();
    test_error_object();
    test_lsap_f64();
    test_lsap_i64();
    test_matching();
    test_match_json(argv[1]);
    test_match_files(argv[1]);
    test_closed_loop_json(argv[1]);
    test_closed_loop_files(argv[1]);
    test_desk(argv[1]);
    test_round(argv[1]);
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
