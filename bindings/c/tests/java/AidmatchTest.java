// Java 17 test of libaidmatch through JNA, as the provincial platform would call it.
// Run by bindings/c/tests/run.sh:
//   javac -cp /usr/share/java/jna.jar -d OUT AidmatchTest.java
//   java -cp /usr/share/java/jna.jar:OUT -Djna.library.path=TARGET/release AidmatchTest
// size_t maps to long (64-bit platforms only); bool to boolean; handles to Pointer.
// Prints "N passed, N failed" and exits 1 when anything failed.

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.util.Arrays;

public final class AidmatchTest {
    /** The part of include/aidmatch.h this test uses, in JNA's terms. */
    public interface Aidmatch extends Library {
        Aidmatch LIB = Native.load("aidmatch", Aidmatch.class);

        int AIDMATCH_STATUS_OK = 0;
        int AIDMATCH_STATUS_INVALID_INPUT = 1;
        int AIDMATCH_STATUS_NULL_PARAMETER = 2;
        int AIDMATCH_STATUS_INFEASIBLE = 3;

        String aidmatch_version();

        String aidmatch_status_name(int status);

        Pointer aidmatch_error_new();

        void aidmatch_error_free(Pointer err);

        String aidmatch_error_message(Pointer err);

        long aidmatch_error_row(Pointer err);

        String aidmatch_error_column(Pointer err);

        String aidmatch_error_value(Pointer err);

        int aidmatch_lsap_f64(long rows, long cols, double[] costs, long costsLen, boolean maximize,
                long[] rowInd, long[] colInd, long indLen, Pointer err);
    }

    private static int passed = 0;
    private static int failed = 0;

    private static void check(boolean condition, String what) {
        if (condition) {
            passed++;
        } else {
            failed++;
            System.err.println("CHECK failed: " + what);
        }
    }

    private static void checkStatus(int got, int expected, Pointer err, String what) {
        check(got == expected, what + ": got " + Aidmatch.LIB.aidmatch_status_name(got) + ", expected "
                + Aidmatch.LIB.aidmatch_status_name(expected) + " ("
                + Aidmatch.LIB.aidmatch_error_message(err) + ")");
    }

    public static void main(String[] args) {
        Aidmatch lib = Aidmatch.LIB;
        check(lib.aidmatch_version().matches("\\d+\\.\\d+\\.\\d+"), "version " + lib.aidmatch_version());

        Pointer err = lib.aidmatch_error_new();
        check(err != null, "error object");
        try {
            // The scipy documentation's example, minimised and maximised.
            double[] costs = {4, 1, 3, 2, 0, 5, 3, 2, 2};
            long[] rows = new long[3];
            long[] cols = new long[3];
            checkStatus(lib.aidmatch_lsap_f64(3, 3, costs, 9, false, rows, cols, 3, err),
                    Aidmatch.AIDMATCH_STATUS_OK, err, "minimise");
            check(Arrays.equals(rows, new long[] {0, 1, 2}), "rows " + Arrays.toString(rows));
            check(Arrays.equals(cols, new long[] {1, 0, 2}), "cols " + Arrays.toString(cols));
            checkStatus(lib.aidmatch_lsap_f64(3, 3, costs, 9, true, rows, cols, 3, err),
                    Aidmatch.AIDMATCH_STATUS_OK, err, "maximise");
            check(Arrays.equals(cols, new long[] {0, 2, 1}), "max cols " + Arrays.toString(cols));
            check(lib.aidmatch_error_message(err).isEmpty(), "message empty after success");

            // A NaN is located by row, column and value; outputs untouched.
            double[] bad = costs.clone();
            bad[5] = Double.NaN;
            long[] untouched = {7, 7, 7};
            checkStatus(lib.aidmatch_lsap_f64(3, 3, bad, 9, false, untouched, cols, 3, err),
                    Aidmatch.AIDMATCH_STATUS_INVALID_INPUT, err, "NaN");
            check(lib.aidmatch_error_row(err) == 1, "row " + lib.aidmatch_error_row(err));
            check("2".equals(lib.aidmatch_error_column(err)), "column " + lib.aidmatch_error_column(err));
            check("NaN".equals(lib.aidmatch_error_value(err)), "value " + lib.aidmatch_error_value(err));
            check(Arrays.equals(untouched, new long[] {7, 7, 7}), "outputs untouched");

            // Wrong shape, too-short outputs, NULL costs, infeasible.
            checkStatus(lib.aidmatch_lsap_f64(3, 3, costs, 8, false, rows, cols, 3, err),
                    Aidmatch.AIDMATCH_STATUS_INVALID_INPUT, err, "shape");
            checkStatus(lib.aidmatch_lsap_f64(3, 3, costs, 9, false, rows, cols, 2, err),
                    Aidmatch.AIDMATCH_STATUS_INVALID_INPUT, err, "short outputs");
            checkStatus(lib.aidmatch_lsap_f64(3, 3, null, 9, false, rows, cols, 3, err),
                    Aidmatch.AIDMATCH_STATUS_NULL_PARAMETER, err, "NULL costs");
            check("argument `costs` is NULL".equals(lib.aidmatch_error_message(err)),
                    "NULL message " + lib.aidmatch_error_message(err));
            double inf = Double.POSITIVE_INFINITY;
            checkStatus(lib.aidmatch_lsap_f64(2, 2, new double[] {1, inf, 2, inf}, 4, false, rows, cols, 2, err),
                    Aidmatch.AIDMATCH_STATUS_INFEASIBLE, err, "infeasible");
            check("cost matrix is infeasible".equals(lib.aidmatch_error_message(err)), "infeasible message");

            // A NULL error object is allowed.
            check(lib.aidmatch_lsap_f64(3, 3, costs, 9, false, rows, cols, 3, null) == 0, "no error object");
        } finally {
            lib.aidmatch_error_free(err);
        }
        System.out.println(passed + " passed, " + failed + " failed");
        System.exit(failed == 0 ? 0 : 1);
    }
}
