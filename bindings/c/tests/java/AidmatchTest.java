// Java 17 test of libaidmatch through JNA, as the provincial platform would call it.
// Run by bindings/c/tests/run.sh:
//   javac -cp /usr/share/java/jna.jar -d OUT AidmatchTest.java
//   java -cp /usr/share/java/jna.jar:OUT -Djna.library.path=TARGET/release AidmatchTest
// size_t maps to long (64-bit platforms only); bool to boolean; handles to Pointer.
// Strings cross as UTF-8 bytes whatever the JVM's locale: arguments as NUL-terminated
// byte[] (utf8z), results as Pointer decoded with getString(0, "UTF-8").
// Prints "N passed, N failed" and exits 1 when anything failed.

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

public final class AidmatchTest {
    /** The part of include/aidmatch.h this test uses, in JNA's terms. */
    public interface Aidmatch extends Library {
        Aidmatch LIB = Native.load("aidmatch", Aidmatch.class);

        int AIDMATCH_STATUS_OK = 0;
        int AIDMATCH_STATUS_INVALID_INPUT = 1;
        int AIDMATCH_STATUS_NULL_PARAMETER = 2;
        int AIDMATCH_STATUS_INFEASIBLE = 3;
        int AIDMATCH_STATUS_MALFORMED_JSON = 6;

        String aidmatch_version();

        String aidmatch_status_name(int status);

        Pointer aidmatch_error_new();

        void aidmatch_error_free(Pointer err);

        Pointer aidmatch_error_message(Pointer err);

        long aidmatch_error_row(Pointer err);

        Pointer aidmatch_error_column(Pointer err);

        Pointer aidmatch_error_value(Pointer err);

        int aidmatch_lsap_f64(long rows, long cols, double[] costs, long costsLen, boolean maximize,
                long[] rowInd, long[] colInd, long indLen, Pointer err);

        int aidmatch_match_json(byte[] needsJson, byte[] supplyJson, byte[] exclusionsJson, byte[] policy,
                byte[] asOf, Pointer interrupt, PointerByReference resultJson, Pointer err);

        void aidmatch_string_free(Pointer s);
    }

    /** A Java string as a NUL-terminated UTF-8 C string (null stays null). */
    static byte[] utf8z(String s) {
        if (s == null) {
            return null;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(b, b.length + 1);
    }

    /** A C string owned by the library, decoded as UTF-8 (NULL becomes null). */
    static String utf8(Pointer p) {
        return p == null ? null : p.getString(0, "UTF-8");
    }

    static String message(Pointer err) {
        return utf8(Aidmatch.LIB.aidmatch_error_message(err));
    }

    static String column(Pointer err) {
        return utf8(Aidmatch.LIB.aidmatch_error_column(err));
    }

    static String value(Pointer err) {
        return utf8(Aidmatch.LIB.aidmatch_error_value(err));
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
                + message(err) + ")");
    }

    /** Runs aidmatch_match_json; returns the result (freed natively) or null on failure. */
    private static String matchJson(String needs, String supply, String exclusions, String policy, Pointer err,
            int expected, String what) {
        PointerByReference out = new PointerByReference();
        int status = Aidmatch.LIB.aidmatch_match_json(utf8z(needs), utf8z(supply), utf8z(exclusions),
                utf8z(policy), utf8z("2024-10-01"), null, out, err);
        checkStatus(status, expected, err, what);
        Pointer p = out.getValue();
        if (p == null) {
            return null;
        }
        try {
            return utf8(p);
        } finally {
            Aidmatch.LIB.aidmatch_string_free(p);
        }
    }

    private static void testMatchJson(Path data, Pointer err) throws IOException {
        String needs = Files.readString(data.resolve("needs.json"), StandardCharsets.UTF_8);
        String supply = Files.readString(data.resolve("supply.json"), StandardCharsets.UTF_8);
        String exclusions = Files.readString(data.resolve("exclusions.json"), StandardCharsets.UTF_8);
        String policy = Files.readString(data.resolve("policy.toml"), StandardCharsets.UTF_8);

        String result = matchJson(needs, supply, exclusions, policy, err, Aidmatch.AIDMATCH_STATUS_OK, "match");
        check(result != null && result.startsWith("{\"assignments\":["), "result document");
        check(result != null && result.contains("{\"need_id\":\"N1\",\"household_id\":\"H1\",\"resource_id\":\"R1\""),
                "N1 gets R1");
        check(result != null && result.contains("\"reason\":\"excluded_conflict\""), "N3 excluded");
        check(result != null && result.contains("\"policy_version\":\"capi-test-1\""), "policy used");

        // Chinese aliases are accepted, and a Chinese value comes back intact in the error.
        String chinese = needs.replace("\"education\"", "\"助学\"").replace("\"orphan\"", "\"孤儿\"");
        String same = matchJson(chinese, supply, exclusions, policy, err, Aidmatch.AIDMATCH_STATUS_OK, "aliases");
        check(result != null && result.equals(same), "Chinese aliases give the same result");
        String bad = needs.replace("\"rehabilitation\"", "\"太空旅行\"");
        check(matchJson(bad, supply, null, null, err, Aidmatch.AIDMATCH_STATUS_INVALID_INPUT, "bad value") == null,
                "no result on failure");
        check(Aidmatch.LIB.aidmatch_error_row(err) == 2, "row " + Aidmatch.LIB.aidmatch_error_row(err));
        check("category".equals(column(err)), "column");
        check("太空旅行".equals(value(err)), "value " + value(err));
        matchJson("[{", supply, null, null, err, Aidmatch.AIDMATCH_STATUS_MALFORMED_JSON, "malformed");
        matchJson(null, supply, null, null, err, Aidmatch.AIDMATCH_STATUS_NULL_PARAMETER, "NULL needs");
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: AidmatchTest DATA_DIR");
            System.exit(2);
        }
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
            check(message(err).isEmpty(), "message empty after success");

            // A NaN is located by row, column and value; outputs untouched.
            double[] bad = costs.clone();
            bad[5] = Double.NaN;
            long[] untouched = {7, 7, 7};
            checkStatus(lib.aidmatch_lsap_f64(3, 3, bad, 9, false, untouched, cols, 3, err),
                    Aidmatch.AIDMATCH_STATUS_INVALID_INPUT, err, "NaN");
            check(lib.aidmatch_error_row(err) == 1, "row " + lib.aidmatch_error_row(err));
            check("2".equals(column(err)), "column " + column(err));
            check("NaN".equals(value(err)), "value " + value(err));
            check(Arrays.equals(untouched, new long[] {7, 7, 7}), "outputs untouched");

            // Wrong shape, too-short outputs, NULL costs, infeasible.
            checkStatus(lib.aidmatch_lsap_f64(3, 3, costs, 8, false, rows, cols, 3, err),
                    Aidmatch.AIDMATCH_STATUS_INVALID_INPUT, err, "shape");
            checkStatus(lib.aidmatch_lsap_f64(3, 3, costs, 9, false, rows, cols, 2, err),
                    Aidmatch.AIDMATCH_STATUS_INVALID_INPUT, err, "short outputs");
            checkStatus(lib.aidmatch_lsap_f64(3, 3, null, 9, false, rows, cols, 3, err),
                    Aidmatch.AIDMATCH_STATUS_NULL_PARAMETER, err, "NULL costs");
            check("argument `costs` is NULL".equals(message(err)),
                    "NULL message " + message(err));
            double inf = Double.POSITIVE_INFINITY;
            checkStatus(lib.aidmatch_lsap_f64(2, 2, new double[] {1, inf, 2, inf}, 4, false, rows, cols, 2, err),
                    Aidmatch.AIDMATCH_STATUS_INFEASIBLE, err, "infeasible");
            check("cost matrix is infeasible".equals(message(err)), "infeasible message");

            // A NULL error object is allowed.
            check(lib.aidmatch_lsap_f64(3, 3, costs, 9, false, rows, cols, 3, null) == 0, "no error object");

            testMatchJson(Path.of(args[0]), err);
        } finally {
            lib.aidmatch_error_free(err);
        }
        System.out.println(passed + " passed, " + failed + " failed");
        System.exit(failed == 0 ? 0 : 1);
    }
}
