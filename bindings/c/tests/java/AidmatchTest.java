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

        int aidmatch_explain_json(byte[] needsJson, byte[] supplyJson, byte[] exclusionsJson, byte[] policy,
                byte[] asOf, byte[] needId, Pointer interrupt, PointerByReference explanationJson, Pointer err);

        int aidmatch_match_json_with_state(byte[] needsJson, byte[] supplyJson, byte[] exclusionsJson,
                byte[] policy, byte[] asOf, Pointer interrupt, PointerByReference resultJson,
                PointerByReference stateJson, Pointer err);

        int AIDMATCH_REMATCH_COLD = 1;

        int aidmatch_rematch_explain_json(byte[] stateJson, byte[] outcomesJson, byte[] needsJson,
                byte[] supplyJson, byte[] policy, byte[] asOf, int flags, byte[] needId, Pointer interrupt,
                PointerByReference explanationJson, Pointer err);

        int aidmatch_rematch_json(byte[] stateJson, byte[] outcomesJson, byte[] needsJson, byte[] supplyJson,
                byte[] policy, byte[] asOf, int flags, Pointer interrupt, PointerByReference resultJson,
                PointerByReference nextStateJson, Pointer err);

        int aidmatch_urgent_json(byte[] stateJson, byte[] needJson, byte[] asOf, PointerByReference resultJson,
                PointerByReference nextStateJson, Pointer err);

        int aidmatch_match_files_with_state(byte[] needsPath, byte[] supplyPath, byte[] exclusionsPath,
                byte[] policyPath, byte[] asOf, Pointer interrupt, byte[] outDir, Pointer err);

        int aidmatch_rematch_files(byte[] previousDir, byte[] outcomesPath, byte[] needsPath, byte[] supplyPath,
                byte[] policyPath, byte[] asOf, int flags, Pointer interrupt, byte[] outDir, Pointer err);

        int aidmatch_urgent_files(byte[] previousDir, byte[] needPath, byte[] asOf, byte[] outDir, Pointer err);

        int aidmatch_desk_open(byte[] stateJson, byte[] asOf, PointerByReference out, Pointer err);

        int aidmatch_desk_insert(Pointer desk, byte[] needJson, PointerByReference resultJson, Pointer err);

        int aidmatch_desk_state(Pointer desk, PointerByReference stateJson, Pointer err);

        void aidmatch_desk_free(Pointer desk);

        int aidmatch_round_match_json(byte[] needsJson, byte[] supplyJson, byte[] exclusionsJson, byte[] policy,
                byte[] asOf, Pointer interrupt, PointerByReference out, Pointer err);

        int aidmatch_round_rematch_json(Pointer round, byte[] outcomesJson, byte[] needsJson, byte[] supplyJson,
                byte[] policy, byte[] asOf, int flags, Pointer interrupt, PointerByReference next, Pointer err);

        int aidmatch_round_explain_json(Pointer round, byte[] needId, PointerByReference explanationJson,
                Pointer err);

        int aidmatch_round_state_json(Pointer round, PointerByReference stateJson, Pointer err);

        void aidmatch_round_free(Pointer round);

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

        // Why N3 went unmatched, as a county officer's screen would ask; an unknown need is named.
        PointerByReference out = new PointerByReference();
        checkStatus(Aidmatch.LIB.aidmatch_explain_json(utf8z(needs), utf8z(supply), utf8z(exclusions), utf8z(policy),
                utf8z("2024-10-01"), utf8z("N3"), null, out, err), Aidmatch.AIDMATCH_STATUS_OK, err, "explain N3");
        String why = take(out);
        check(why != null && why.startsWith("{\"need_id\":\"N3\""), "explanation of N3");
        check(why != null && why.contains("\"reason\":\"excluded_conflict\""), "N3's unmatched row in it");
        PointerByReference none = new PointerByReference();
        checkStatus(Aidmatch.LIB.aidmatch_explain_json(utf8z(needs), utf8z(supply), null, null, utf8z("2024-10-01"),
                utf8z("N404"), null, none, err), Aidmatch.AIDMATCH_STATUS_INVALID_INPUT, err, "unknown need");
        check(none.getValue() == null, "no explanation on failure");
        check("need_id".equals(column(err)) && "N404".equals(value(err)), "unknown need named");
    }

    /** Takes a string the library returned (decoded, then freed natively); null for NULL. */
    private static String take(PointerByReference ref) {
        Pointer p = ref.getValue();
        if (p == null) {
            return null;
        }
        try {
            return utf8(p);
        } finally {
            Aidmatch.LIB.aidmatch_string_free(p);
        }
    }

    /** The closed loop as a platform runs it, keeping the state as a string (a database column). */
    private static void testClosedLoopJson(Path data, Pointer err) throws IOException {
        Aidmatch lib = Aidmatch.LIB;
        String needs = Files.readString(data.resolve("needs.json"), StandardCharsets.UTF_8);
        String supply = Files.readString(data.resolve("supply.json"), StandardCharsets.UTF_8);
        String exclusions = Files.readString(data.resolve("exclusions.json"), StandardCharsets.UTF_8);
        String outcomes = Files.readString(data.resolve("outcomes.json"), StandardCharsets.UTF_8);
        String newNeeds = Files.readString(data.resolve("new_needs.json"), StandardCharsets.UTF_8);
        String urgent = Files.readString(data.resolve("urgent_need.json"), StandardCharsets.UTF_8);

        PointerByReference result = new PointerByReference();
        PointerByReference state = new PointerByReference();
        checkStatus(lib.aidmatch_match_json_with_state(utf8z(needs), utf8z(supply), utf8z(exclusions), null,
                utf8z("2024-10-01"), null, result, state, err), Aidmatch.AIDMATCH_STATUS_OK, err, "first round");
        String first = take(result);
        String stored = take(state);
        check(first != null && first.contains("\"resource_id\":\"R1\""), "first round result");
        check(stored != null && stored.startsWith("{\"format\":\"aidmatch-state-v1\""), "state document");
        if (stored == null) {
            return;
        }

        checkStatus(lib.aidmatch_rematch_json(utf8z(stored), utf8z(outcomes), utf8z(newNeeds), null, null,
                utf8z("2024-10-08"), 0, null, result, state, err), Aidmatch.AIDMATCH_STATUS_OK, err, "rematch");
        String second = take(result);
        String stored2 = take(state);
        check(second != null && second.contains("{\"need_id\":\"N1\",\"change\":\"kept\""), "N1 kept");
        check(second != null && second.contains("{\"need_id\":\"N5\",\"change\":\"new\",\"previous_resource_id\":null,\"resource_id\":\"R3\"}"),
                "N5 new on R3");
        check(second != null && !second.contains("\"need_id\":\"N2\",\"household_id\":\"H2\",\"resource_id\":\"R2\""),
                "declined N2-R2 does not return");

        // Why N2 went without help this round: the declined R2 is a near miss.
        PointerByReference why = new PointerByReference();
        checkStatus(lib.aidmatch_rematch_explain_json(utf8z(stored), utf8z(outcomes), utf8z(newNeeds), null, null,
                utf8z("2024-10-08"), 0, utf8z("N2"), null, why, err), Aidmatch.AIDMATCH_STATUS_OK, err,
                "rematch explain");
        String explanation = take(why);
        check(explanation != null && explanation.contains("{\"resource_id\":\"R2\",\"failed\":[\"declined\"]}"),
                "R2 declined: " + explanation);

        // A Chinese value in the feedback comes back intact in the error.
        String bad = outcomes.replace("\"accepted\"", "\"已接受吗\"");
        PointerByReference none = new PointerByReference();
        checkStatus(lib.aidmatch_rematch_json(utf8z(stored), utf8z(bad), null, null, null, utf8z("2024-10-08"), 0,
                null, none, state, err), Aidmatch.AIDMATCH_STATUS_INVALID_INPUT, err, "bad outcome");
        check(none.getValue() == null, "no result on failure");
        check("status".equals(column(err)) && "已接受吗".equals(value(err)), "outcome column/value " + value(err));
        checkStatus(lib.aidmatch_rematch_json(utf8z(stored), utf8z("[]"), null, null, null, null, 2, null, none,
                state, err), Aidmatch.AIDMATCH_STATUS_INVALID_INPUT, err, "unknown flag");

        checkStatus(lib.aidmatch_urgent_json(utf8z(stored2), utf8z(urgent), utf8z("2024-10-09"), result, state, err),
                Aidmatch.AIDMATCH_STATUS_OK, err, "urgent");
        String third = take(result);
        String stored3 = take(state);
        check(third != null && third.contains("\"need_id\":\"U1\",\"mode\":\"free_place\",\"resource_id\":\"R3\""),
                "U1 placed: " + third);
        check(stored3 != null && stored3.contains("\"U1\""), "U1 in the next state");
        checkStatus(lib.aidmatch_urgent_json(null, utf8z(urgent), null, none, state, err),
                Aidmatch.AIDMATCH_STATUS_NULL_PARAMETER, err, "NULL state");
    }

    /** The emergency desk: what aidmatch_urgent_json gives, then inserts from several threads. */
    private static void testDesk(Path data, Pointer err) throws Exception {
        Aidmatch lib = Aidmatch.LIB;
        String needs = Files.readString(data.resolve("needs.json"), StandardCharsets.UTF_8);
        String supply = Files.readString(data.resolve("supply.json"), StandardCharsets.UTF_8);
        String urgent = Files.readString(data.resolve("urgent_need.json"), StandardCharsets.UTF_8);
        PointerByReference result = new PointerByReference();
        PointerByReference state = new PointerByReference();
        checkStatus(lib.aidmatch_match_json_with_state(utf8z(needs), utf8z(supply), null, null,
                utf8z("2024-10-01"), null, result, state, err), Aidmatch.AIDMATCH_STATUS_OK, err, "desk round");
        take(result);
        String stored = take(state);
        PointerByReference handle = new PointerByReference();
        checkStatus(lib.aidmatch_desk_open(utf8z(stored), utf8z("2024-10-09"), handle, err),
                Aidmatch.AIDMATCH_STATUS_OK, err, "desk open");
        Pointer desk = handle.getValue();
        check(desk != null, "desk handle");
        if (desk == null) {
            return;
        }
        try {
            checkStatus(lib.aidmatch_desk_insert(desk, utf8z(urgent), result, err), Aidmatch.AIDMATCH_STATUS_OK,
                    err, "desk insert");
            String byDesk = take(result);
            checkStatus(lib.aidmatch_urgent_json(utf8z(stored), utf8z(urgent), utf8z("2024-10-09"), result, state,
                    err), Aidmatch.AIDMATCH_STATUS_OK, err, "urgent for the desk");
            String byCall = take(result);
            String next = take(state);
            check(byDesk != null && byCall != null
                    && byDesk.substring(0, byDesk.indexOf("\"insert_ms\""))
                            .equals(byCall.substring(0, byCall.indexOf("\"insert_ms\""))),
                    "desk result " + byDesk + " vs " + byCall);
            checkStatus(lib.aidmatch_desk_state(desk, state, err), Aidmatch.AIDMATCH_STATUS_OK, err, "desk state");
            check(next != null && next.equals(take(state)), "desk state equals urgent_json's");
            checkStatus(lib.aidmatch_desk_insert(desk, utf8z(urgent), result, err),
                    Aidmatch.AIDMATCH_STATUS_INVALID_INPUT, err, "desk duplicate");
            check("need_id".equals(column(err)) && "U1".equals(value(err)), "duplicate located");
            // Four threads insert at once; every insertion is recorded.
            Thread[] workers = new Thread[4];
            int[] statuses = new int[4];
            for (int t = 0; t < 4; t++) {
                final int k = t;
                workers[t] = new Thread(() -> {
                    String need = urgent.replace("\"U1\"", "\"T" + k + "\"").replace("\"H9\"", "\"HT" + k + "\"");
                    PointerByReference out = new PointerByReference();
                    statuses[k] = lib.aidmatch_desk_insert(desk, utf8z(need), out, null);
                    take(out);
                });
                workers[t].start();
            }
            for (Thread w : workers) {
                w.join();
            }
            check(Arrays.stream(statuses).allMatch(s -> s == Aidmatch.AIDMATCH_STATUS_OK),
                    "threaded inserts " + Arrays.toString(statuses));
            checkStatus(lib.aidmatch_desk_state(desk, state, err), Aidmatch.AIDMATCH_STATUS_OK, err, "desk state 2");
            String last = take(state);
            check(last != null && last.contains("\"T0\"") && last.contains("\"T3\""), "threaded needs recorded");
            checkStatus(lib.aidmatch_desk_insert(null, utf8z(urgent), result, err),
                    Aidmatch.AIDMATCH_STATUS_NULL_PARAMETER, err, "NULL desk");
        } finally {
            lib.aidmatch_desk_free(desk);
        }
    }

    /**
     * A round kept in memory: re-matched without reading the state back, its needs explained from
     * several threads without a re-run, its state what aidmatch_rematch_json returns.
     */
    private static void testRound(Path data, Pointer err) throws Exception {
        Aidmatch lib = Aidmatch.LIB;
        String needs = Files.readString(data.resolve("needs.json"), StandardCharsets.UTF_8);
        String supply = Files.readString(data.resolve("supply.json"), StandardCharsets.UTF_8);
        String outcomes = Files.readString(data.resolve("outcomes.json"), StandardCharsets.UTF_8);
        String newNeeds = Files.readString(data.resolve("new_needs.json"), StandardCharsets.UTF_8);
        PointerByReference result = new PointerByReference();
        PointerByReference state = new PointerByReference();
        checkStatus(lib.aidmatch_match_json_with_state(utf8z(needs), utf8z(supply), null, null,
                utf8z("2024-10-01"), null, result, state, err), Aidmatch.AIDMATCH_STATUS_OK, err, "round's state");
        take(result);
        String stored = take(state);
        checkStatus(lib.aidmatch_rematch_json(utf8z(stored), utf8z(outcomes), utf8z(newNeeds), null, null,
                utf8z("2024-10-08"), 0, null, result, state, err), Aidmatch.AIDMATCH_STATUS_OK, err, "rematch");
        take(result);
        String expected = take(state);

        PointerByReference handle = new PointerByReference();
        checkStatus(lib.aidmatch_round_match_json(utf8z(needs), utf8z(supply), null, null, utf8z("2024-10-01"),
                null, handle, err), Aidmatch.AIDMATCH_STATUS_OK, err, "round match");
        Pointer first = handle.getValue();
        checkStatus(lib.aidmatch_round_rematch_json(first, utf8z(outcomes), utf8z(newNeeds), null, null,
                utf8z("2024-10-08"), 0, null, handle, err), Aidmatch.AIDMATCH_STATUS_OK, err, "round rematch");
        lib.aidmatch_round_free(first);
        Pointer round = handle.getValue();
        check(round != null, "next round");
        if (round == null) {
            return;
        }
        try {
            checkStatus(lib.aidmatch_round_state_json(round, state, err), Aidmatch.AIDMATCH_STATUS_OK, err,
                    "round state");
            check(expected != null && expected.equals(take(state)), "round state equals rematch_json's");
            String[] why = new String[4];
            Thread[] workers = new Thread[4];
            for (int t = 0; t < 4; t++) {
                final int k = t;
                workers[t] = new Thread(() -> {
                    PointerByReference out = new PointerByReference();
                    if (lib.aidmatch_round_explain_json(round, utf8z("N2"), out, null) == 0) {
                        why[k] = take(out);
                    }
                });
                workers[t].start();
            }
            for (Thread w : workers) {
                w.join();
            }
            check(why[0] != null && why[0].contains("{\"resource_id\":\"R2\",\"failed\":[\"declined\"]}"),
                    "N2's declined R2: " + why[0]);
            check(Arrays.stream(why).allMatch(w -> w != null && w.equals(why[0])), "the same explanation");
            checkStatus(lib.aidmatch_round_explain_json(round, utf8z("N1"), result, err),
                    Aidmatch.AIDMATCH_STATUS_INVALID_INPUT, err, "kept need");
            check("need_id".equals(column(err)) && "N1".equals(value(err)), "kept need located");
        } finally {
            lib.aidmatch_round_free(round);
        }
    }

    /** The closed loop with the state as a folder. */
    private static void testClosedLoopFiles(Path data, Pointer err) throws IOException {
        Aidmatch lib = Aidmatch.LIB;
        Path tmp = Files.createTempDirectory("aidmatch-java-loop");
        Path r1 = tmp.resolve("round1");
        Path r2 = tmp.resolve("round2");
        Path r3 = tmp.resolve("round2b");
        try {
            checkStatus(lib.aidmatch_match_files_with_state(utf8z(data.resolve("needs.json").toString()),
                    utf8z(data.resolve("supply.json").toString()), utf8z(data.resolve("exclusions.json").toString()),
                    null, utf8z("2024-10-01"), null, utf8z(r1.toString()), err),
                    Aidmatch.AIDMATCH_STATUS_OK, err, "first round files");
            check(Files.exists(r1.resolve("snapshot.json")), "snapshot.json written");
            checkStatus(lib.aidmatch_rematch_files(utf8z(r1.toString()), utf8z(data.resolve("outcomes.json").toString()),
                    utf8z(data.resolve("new_needs.json").toString()), null, null, utf8z("2024-10-08"),
                    Aidmatch.AIDMATCH_REMATCH_COLD, null, utf8z(r2.toString()), err),
                    Aidmatch.AIDMATCH_STATUS_OK, err, "rematch files");
            String changes = Files.readString(r2.resolve("changes.csv"), StandardCharsets.UTF_8);
            check(changes.contains("N1,kept,R1,R1\n") && changes.contains("N5,new,,R3\n"), "changes.csv " + changes);
            checkStatus(lib.aidmatch_urgent_files(utf8z(r2.toString()), utf8z(data.resolve("urgent_need.json").toString()),
                    utf8z("2024-10-09"), utf8z(r3.toString()), err), Aidmatch.AIDMATCH_STATUS_OK, err, "urgent files");
            check(Files.readString(r3.resolve("urgent.json"), StandardCharsets.UTF_8).contains("\"mode\": \"free_place\""),
                    "urgent.json");
            checkStatus(lib.aidmatch_rematch_files(utf8z(tmp.resolve("nowhere").toString()),
                    utf8z(data.resolve("outcomes.json").toString()), null, null, null, null, 0, null,
                    utf8z(tmp.resolve("out").toString()), err), 7, err, "missing state folder is IO");
        } finally {
            for (Path dir : new Path[] {r1, r2, r3}) {
                if (Files.isDirectory(dir)) {
                    try (var files = Files.list(dir)) {
                        for (Path f : (Iterable<Path>) files::iterator) {
                            Files.delete(f);
                        }
                    }
                    Files.delete(dir);
                }
            }
            Files.delete(tmp);
        }
    }

    public static void main(String[] args) throws Exception {
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
            testClosedLoopJson(Path.of(args[0]), err);
            testClosedLoopFiles(Path.of(args[0]), err);
            testDesk(Path.of(args[0]), err);
            testRound(Path.of(args[0]), err);
        } finally {
            lib.aidmatch_error_free(err);
        }
        System.out.println(passed + " passed, " + failed + " failed");
        System.exit(failed == 0 ? 0 : 1);
    }
}
