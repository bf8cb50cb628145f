/* The platform's closed loop through the C ABI, timed: a first round, a re-match after
 * feedback and an explanation of one need, either through the JSON calls (the state as
 * text, every explanation a re-run) or through a round kept in memory (aidmatch_round).
 * The figures of bindings/c/README.md ("a round kept in memory") come from it; tests/run.sh
 * runs it on tests/data so that it keeps compiling and working.
 *
 *   loop_timing DIR OUTCOMES_JSON NEED_ID AS_OF NEXT json|round
 *
 * DIR holds needs.json, supply.json, exclusions.json and policy.toml (a state folder as
 * `aidmatch match --snapshot` writes it has them). At province scale:
 *
 *   aidmatch generate --scale province --seed 1 --out lists
 *   aidmatch match --needs lists/needs.csv --supply lists/supply.csv \
 *       --exclusions lists/exclusions.csv --as-of 2024-10-01 --snapshot --out r1
 *   python3 -c 'import csv, json, random; rows = list(csv.DictReader(open("r1/assignments.csv")));
 *     random.seed(1); json.dump([{"need_id": r["need_id"], "resource_id": r["resource_id"],
 *     "status": "declined", "at": "2024-10-05", "declined_by": "recipient", "reason": "other"}
 *     for r in random.sample(rows, len(rows) // 100)], open("outcomes.json", "w"))'
 *   loop_timing r1 outcomes.json N0000001 2024-10-01 2024-10-08 json
 *   loop_timing r1 outcomes.json N0000001 2024-10-01 2024-10-08 round
 *
 * Each mode in its own process (the first solve of a process pays for fresh memory);
 * run them alternately and quote medians.
 */
#define _POSIX_C_SOURCE 199309L /* clock_gettime */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aidmatch.h"

static char *read_text(const char *dir, const char *name) {
    char path[4096];
    FILE *f;
    long n;
    char *text;
    snprintf(path, sizeof path, "%s%s%s", dir, *dir ? "/" : "", name);
    f = fopen(path, "rb");
    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        perror(path);
        exit(2);
    }
    text = malloc((size_t)n + 1);
    if (text == NULL || fread(text, 1, (size_t)n, f) != (size_t)n) {
        perror(path);
        exit(2);
    }
    text[n] = '\0';
    fclose(f);
    return text;
}

static double seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static aidmatch_error *err;

static void ok(aidmatch_status status, const char *what) {
    if (status != AIDMATCH_STATUS_OK) {
        fprintf(stderr, "%s: %s: %s\n", what, aidmatch_status_name(status), aidmatch_error_message(err));
        exit(1);
    }
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    const char *dir, *need, *as_of, *next;
    char *needs, *supply, *exclusions, *policy, *outcomes;
    double t;
    if (argc != 7 || (strcmp(argv[6], "json") != 0 && strcmp(argv[6], "round") != 0)) {
        fprintf(stderr, "usage: %s DIR OUTCOMES_JSON NEED_ID AS_OF NEXT json|round\n", argv[0]);
        return 2;
    }
    dir = argv[1];
    need = argv[3];
    as_of = argv[4];
    next = argv[5];
    needs = read_text(dir, "needs.json");
    supply = read_text(dir, "supply.json");
    exclusions = read_text(dir, "exclusions.json");
    policy = read_text(dir, "policy.toml");
    outcomes = read_text("", argv[2]);
    err = aidmatch_error_new();

    if (strcmp(argv[6], "json") == 0) {
        char *result = NULL, *state = NULL, *result2 = NULL, *state2 = NULL, *why = NULL;
        t = seconds();
        ok(aidmatch_match_json_with_state(needs, supply, exclusions, policy, as_of, NULL, &result, &state, err),
           "aidmatch_match_json_with_state");
        printf("json: first round %.3f s\n", seconds() - t);
        t = seconds();
        ok(aidmatch_rematch_json(state, outcomes, NULL, NULL, NULL, next, 0, NULL, &result2, &state2, err),
           "aidmatch_rematch_json");
        printf("json: re-match %.3f s (state read, result and next state written: %lu + %lu bytes)\n",
               seconds() - t, (unsigned long)strlen(result2), (unsigned long)strlen(state2));
        t = seconds();
        ok(aidmatch_rematch_explain_json(state, outcomes, NULL, NULL, NULL, next, 0, need, NULL, &why, err),
           "aidmatch_rematch_explain_json");
        printf("json: explanation of %s %.3f s (the re-match run again)\n", need, seconds() - t);
        aidmatch_string_free(result);
        aidmatch_string_free(state);
        aidmatch_string_free(result2);
        aidmatch_string_free(state2);
        aidmatch_string_free(why);
    } else {
        aidmatch_round *round = NULL, *round2 = NULL;
        char *text = NULL;
        double took[20];
        int k;
        t = seconds();
        ok(aidmatch_round_match_json(needs, supply, exclusions, policy, as_of, NULL, &round, err),
           "aidmatch_round_match_json");
        printf("round: first round %.3f s\n", seconds() - t);
        t = seconds();
        ok(aidmatch_round_rematch_json(round, outcomes, NULL, NULL, NULL, next, 0, NULL, &round2, err),
           "aidmatch_round_rematch_json");
        printf("round: re-match %.3f s\n", seconds() - t);
        t = seconds();
        ok(aidmatch_round_result_json(round2, &text, err), "aidmatch_round_result_json");
        printf("round: result document %.3f s (%lu bytes)\n", seconds() - t, (unsigned long)strlen(text));
        aidmatch_string_free(text);
        t = seconds();
        ok(aidmatch_round_state_json(round2, &text, err), "aidmatch_round_state_json");
        printf("round: state document %.3f s (%lu bytes)\n", seconds() - t, (unsigned long)strlen(text));
        aidmatch_string_free(text);
        for (k = 0; k < 20; k++) {
            t = seconds();
            ok(aidmatch_round_explain_json(round2, need, &text, err), "aidmatch_round_explain_json");
            took[k] = seconds() - t;
            aidmatch_string_free(text);
        }
        qsort(took, 20, sizeof took[0], by_value);
        printf("round: explanation of %s median %.3f ms (min %.3f, max %.3f; 20 calls)\n", need,
               took[10] * 1e3, took[0] * 1e3, took[19] * 1e3);
        aidmatch_round_free(round);
        aidmatch_round_free(round2);
    }
    free(needs);
    free(supply);
    free(exclusions);
    free(policy);
    free(outcomes);
    aidmatch_error_free(err);
    return 0;
}
