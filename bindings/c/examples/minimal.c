/* The minimal example of bindings/c/README.md (compiled and run by tests/run.sh).
 * Three households, three offers of help; each cost is how poorly an offer fits. */
#include <stdio.h>

#include "aidmatch.h"

int main(void) {
    const double costs[9] = {
        /*            tutor  clinic  visit */
        /* H1001 */   4,     1,      3,
        /* H1002 */   2,     0,      5,
        /* H1003 */   3,     2,      2,
    };
    size_t row_ind[3], col_ind[3];
    aidmatch_error *err = aidmatch_error_new();
    aidmatch_status status =
        aidmatch_lsap_f64(3, 3, costs, 9, false, row_ind, col_ind, 3, err);
    if (status != AIDMATCH_STATUS_OK) {
        fprintf(stderr, "aidmatch: %s: %s\n", aidmatch_status_name(status),
                aidmatch_error_message(err));
        aidmatch_error_free(err);
        return 1;
    }
    for (size_t k = 0; k < 3; k++) {
        printf("household %zu -> offer %zu\n", row_ind[k], col_ind[k]);
    }
    aidmatch_error_free(err);
    return 0;
}
