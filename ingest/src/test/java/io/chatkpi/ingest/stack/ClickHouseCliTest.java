package io.chatkpi.ingest.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./chatkpi clickhouse ...} end to end on a real server started detached under a temporary var dir. */
class ClickHouseCliTest {

    private record Run(int code, String out, String err) {
    }

    private static Run run(Path dir, String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new ClickHouseCli(dir, Optional.empty(),
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
            .run(args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void startStatusClientStop(@TempDir Path dir) {
        assertThat(run(dir, "", "status").code()).isEqualTo(3);
        try {
            Run start = run(dir, "", "start");
            assertThat(start.code()).as(start.err()).isZero();
            assertThat(start.out()).contains("started: http://127.0.0.1:")
                .contains("database chatkpi: applied schema versions [0, 1, 2");
            String url = start.out().strip().lines().reduce((a, b) -> b).orElseThrow();
            assertThat(url).startsWith("http://127.0.0.1:");

            Run again = run(dir, "", "start");
            assertThat(again.out()).contains("already running: " + url).contains("schema up to date");

            Run status = run(dir, "", "status");
            assertThat(status.code()).isZero();
            assertThat(status.out()).contains("running: " + url);

            Run count = run(dir, "", "client", "SELECT", "count()", "FROM", "session_events");
            assertThat(count.code()).as(count.err()).isZero();
            assertThat(count.out()).isEqualTo("0\n");

            Run script = run(dir, "-- two statements from stdin\n"
                + "INSERT INTO rejected_events (rejectId, raw, reason, source, ingestedAt)"
                + " VALUES ('cli:1', 'x', 'test', 'cli', now());\n"
                + "SELECT rejectId, reason FROM rejected_events FORMAT JSONEachRow;\n", "client");
            assertThat(script.code()).as(script.err()).isZero();
            assertThat(script.out()).isEqualTo("{\"rejectId\":\"cli:1\",\"reason\":\"test\"}\n");

            Run analystRead = run(dir, "", "client", "--analyst", "SELECT count() FROM rejected_events");
            assertThat(analystRead.out()).isEqualTo("1\n");
            Run analystWrite = run(dir, "", "client", "--analyst", "DROP TABLE rejected_events");
            assertThat(analystWrite.code()).isEqualTo(1);
            assertThat(analystWrite.err()).contains("readonly");

            Run bad = run(dir, "", "client", "SELECT nosuchcolumn FROM session_events");
            assertThat(bad.code()).isEqualTo(1);
            assertThat(bad.err()).contains("nosuchcolumn");
        } finally {
            Run stop = run(dir, "", "stop");
            assertThat(stop.code()).isZero();
            assertThat(stop.out()).contains("stopped");
        }
        assertThat(run(dir, "", "status").code()).isEqualTo(3);
        assertThat(run(dir, "", "stop").out()).contains("not running");
        assertThat(run(dir, "", "client", "SELECT 1").err()).contains("not running");
    }

    @Test
    void usageErrors(@TempDir Path dir) {
        assertThat(run(dir, "", "frobnicate").code()).isEqualTo(2);
        assertThat(run(dir, "", "start", "--http-port", "x").err()).contains("not a port");
        assertThat(run(dir, "").code()).isEqualTo(2);
        assertThat(run(dir, "", "--help").out()).contains("usage: ./chatkpi clickhouse");
    }
}
