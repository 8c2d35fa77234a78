package io.chatkpi.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatkpi.ingest.event.EventCodec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's file paths (--check, --simulate --out) end to end, without Kafka. */
class IngestCliTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env, String... args) {
        IngestCli cli = new IngestCli(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env, dir);
        return cli.run(args);
    }

    private int run(String... args) {
        return run(Map.of(), args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void checkReportsInvalidLinesWithLineNumberAndReasonAndExitsOne() throws Exception {
        Path file = dir.resolve("events.jsonl");
        Files.write(file, List.of(
                "{\"eventId\":\"e1\",\"sessionId\":\"s1\",\"type\":\"SESSION_STARTED\",\"ts\":\"2026-11-25T10:00:00Z\"}",
                "{\"eventId\":\"e2\",\"sessionId\":\"s1\",\"type\":\"QUEUED\",\"ts\":\"2026-11-25T10:00:05Z\"}",
                "",
                "not json",
                "{\"eventId\":\"e4\",\"sessionId\":\"s1\",\"type\":\"ENDED\",\"ts\":\"2026-11-25T10:09:00\"}"));
        assertThat(run("--file", file.toString(), "--check")).isEqualTo(1);
        assertThat(err()).contains("line 2: queueId: missing")
                .contains("line 4: not JSON")
                .contains("line 5: ts: has no zone offset");
        assertThat(out()).contains("checked: lines 5, valid 1, invalid 3, blank 1, sent 0");
    }

    @Test
    void checkOfAValidFileExitsZero() throws Exception {
        Path file = dir.resolve("ok.jsonl");
        Files.writeString(file,
                "{\"eventId\":\"e1\",\"sessionId\":\"s1\",\"type\":\"SESSION_STARTED\",\"ts\":\"2026-11-25T10:00:00Z\"}\n");
        assertThat(run("--check", "--file", file.toString())).isEqualTo(0);
        assertThat(out()).contains("lines 1, valid 1, invalid 0");
        assertThat(err()).isEmpty();
    }

    @Test
    void missingFileFailsWithExitOne() {
        assertThat(run("--check", "--file", dir.resolve("nope.jsonl").toString())).isEqualTo(1);
        assertThat(err()).contains("no such file").contains("nope.jsonl");
    }

    @Test
    void simulateToAFileIsDeterministicValidAndPassesCheck() throws Exception {
        Path a = dir.resolve("a.jsonl");
        Path b = dir.resolve("b.jsonl");
        String[] common = {"--simulate", "--fast", "--seed", "11", "--start", "2026-11-25T09:00:00Z",
                "--duration", "30m", "--rate", "60"};
        assertThat(run(concat(common, "--out", a.toString()))).isEqualTo(0);
        assertThat(run(concat(common, "--out", b.toString()))).isEqualTo(0);
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
        List<String> lines = Files.readAllLines(a);
        assertThat(lines).hasSizeGreaterThan(500).allMatch(l -> EventCodec.decode(l).isValid());
        assertThat(out()).contains("simulated: events " + lines.size() + " (+0 duplicates, +0 invalid lines)");
        assertThat(err()).contains("simulating: seed 11");

        out.reset();
        assertThat(run("--check", "--file", a.toString())).isEqualTo(0);
        assertThat(out()).contains("lines " + lines.size() + ", valid " + lines.size() + ", invalid 0");
    }

    @Test
    void simulatedInvalidLinesAreCaughtByCheck() throws Exception {
        Path f = dir.resolve("dirty.jsonl");
        assertThat(run("--simulate", "--fast", "--seed", "3", "--max-events", "3000", "--forever",
                "--invalid", "0.02", "--duplicates", "0.02", "--out", f.toString())).isEqualTo(0);
        out.reset();
        err.reset();
        assertThat(run("--check", "--file", f.toString())).isEqualTo(1);
        assertThat(err()).containsPattern("line \\d+: ");
        assertThat(out()).containsPattern("invalid [1-9]");
    }

    @Test
    void usageErrorsExitTwoAndHelpPrintsUsage() {
        assertThat(run("--bogus")).isEqualTo(2);
        assertThat(err()).contains("unknown option '--bogus'").contains("--help");
        assertThat(run("--help")).isEqualTo(0);
        assertThat(out()).contains("usage: ./chatkpi ingest --file");
    }

    @Test
    void bootstrapComesFromOptionThenEnvironmentThenLocalStackFile() throws Exception {
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        IngestCli noEnv = new IngestCli(System.out, new PrintStream(said, true, StandardCharsets.UTF_8), Map.of(), dir);
        assertThat(noEnv.bootstrap("h:1")).isEqualTo("h:1");
        IngestCli withEnv = new IngestCli(System.out, System.err, Map.of(IngestCli.BOOTSTRAP_ENV, "env:2"), dir);
        assertThat(withEnv.bootstrap(null)).isEqualTo("env:2");
        Path f = dir.resolve(IngestCli.LOCAL_STACK_BOOTSTRAP_FILE);
        Files.createDirectories(f.getParent());
        Files.writeString(f, "127.0.0.1:4242\n");
        assertThat(noEnv.bootstrap(null)).isEqualTo("127.0.0.1:4242");
        assertThat(said.toString(StandardCharsets.UTF_8)).contains("127.0.0.1:4242").contains(f.toString());
        Files.delete(f);
        assertThat(run("--file", "x.jsonl")).isEqualTo(1);
        assertThat(err()).contains("no Kafka to send to");
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
