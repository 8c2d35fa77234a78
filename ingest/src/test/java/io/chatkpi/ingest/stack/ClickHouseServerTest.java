package io.chatkpi.ingest.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts a server of its own (not the extension's shared one): what is tested here is the start, the project's
 * config (loopback, analyst user) and the stop. Needs an installed ClickHouse; fails without one.
 */
class ClickHouseServerTest {

    @Test
    void startsWithTheProjectsConfigAndStopsCleanly(@TempDir Path dir) throws Exception {
        ClickHouseServer server = ClickHouseServer.start(dir, false, 0,
            new ClickHouseServer.AnalystLimits(30, 100));
        long pid;
        try {
            assertThat(server.url()).startsWith("http://127.0.0.1:");
            assertThat(ClickHouseServer.ping(server.url())).isTrue();
            Optional<ClickHouseServer.RunningServer> recorded = ClickHouseServer.RunningServer.read(dir);
            assertThat(recorded).isPresent();
            pid = recorded.get().pid();
            assertThat(recorded.get().url()).isEqualTo(server.url());
            assertThat(recorded.get().isAlive()).isTrue();
            for (String sub : new String[] {"data", "tmp", "user_files", "log", "config/config.xml",
                "config/users.xml"}) {
                assertThat(dir.resolve(sub)).exists();
            }
            assertThat(Files.readString(dir.resolve("config/config.xml")))
                .contains("<listen_host>127.0.0.1</listen_host>").doesNotContain("interserver_http_port");
            assertThat(Files.readString(dir.resolve("config/users.xml")))
                .contains("<max_result_rows>100</max_result_rows>").contains("<max_execution_time>30</max_execution_time>");

            // a second server on the same data dir is refused, with the way out
            assertThatThrownBy(() -> ClickHouseServer.start(dir, false, 0))
                .hasMessageContaining("already runs").hasMessageContaining("clickhouse stop");

            try (ClickHouseClient admin = ClickHouseClient.connect(server.url())) {
                Schema.migrate(admin, ClickHouseServer.DEFAULT_DATABASE);
                admin.execute("CREATE DATABASE IF NOT EXISTS elsewhere");
                admin.execute("CREATE TABLE IF NOT EXISTS elsewhere.secret (x UInt8) ENGINE = Memory");
                admin.withDatabase(ClickHouseServer.DEFAULT_DATABASE).execute(
                    "INSERT INTO rejected_events SELECT toString(number), 'raw', 'reason', 'test', now()"
                        + " FROM system.numbers LIMIT 150");
            }
            assertAnalystIsReadOnlyAndBounded(server);
        } finally {
            server.stop();
        }
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(ClickHouseServer.RunningServer.read(dir)).isEmpty();
        assertThat(ClickHouseServer.ping(server.url())).isFalse();
    }

    private static void assertAnalystIsReadOnlyAndBounded(ClickHouseServer server) {
        try (ClickHouseClient analyst = ClickHouseClient.connect(server.url(), ClickHouseServer.ANALYST_USER, "",
            ClickHouseServer.DEFAULT_DATABASE)) {
            assertThat(analyst.queryLong("SELECT count() FROM rejected_events")).isEqualTo(150L);
            assertThatThrownBy(() -> analyst.execute("INSERT INTO rejected_events (rejectId) VALUES ('x')"))
                .hasMessageContaining("readonly");
            assertThatThrownBy(() -> analyst.execute("DROP TABLE rejected_events"))
                .hasMessageContaining("readonly");
            assertThatThrownBy(() -> analyst.queryJson("SELECT x FROM elsewhere.secret"))
                .hasMessageContaining("Access denied");
            // max_result_rows with result_overflow_mode = throw
            assertThatThrownBy(() -> analyst.queryJson("SELECT rejectId FROM rejected_events"))
                .hasMessageContaining("Limit for result exceeded");
            // the profile's limits cannot be lifted per query
            assertThatThrownBy(() -> analyst.queryJson(
                "SELECT 1 SETTINGS max_execution_time = 0"))
                .hasMessageContaining("readonly");
        }
    }

    /** A JVM killed with SIGKILL runs no shutdown hook: its watchdog still stops the server it owned. */
    @Test
    void aServerOwnedByAKilledJvmIsStoppedByItsWatchdog(@TempDir Path dir) throws Exception {
        Process owner = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ServerOwnerMain.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        long serverPid = -1;
        try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(owner.getInputStream()))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith("pid ")) {
                    serverPid = Long.parseLong(line.substring(4).trim());
                    break;
                }
            }
            assertThat(serverPid).as("the owner printed the server's pid").isPositive();
            ProcessHandle server = ProcessHandle.of(serverPid).orElseThrow();
            owner.destroyForcibly().waitFor();
            server.onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(server.isAlive()).isFalse();
        } finally {
            owner.destroyForcibly();
            if (serverPid > 0) {
                ProcessHandle.of(serverPid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    @Test
    void stoppingAServerEndsItsWatchdog(@TempDir Path dir) throws Exception {
        ClickHouseServer server = ClickHouseServer.start(dir, false, 0);
        ProcessHandle watchdog = server.watchdog().orElseThrow();
        assertThat(watchdog.isAlive()).isTrue();
        server.close();
        watchdog.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(watchdog.isAlive()).isFalse();
    }

    @Test
    void anExternalServerIsNeverStopped() {
        ClickHouseServer external = ClickHouseServer.external("http://127.0.0.1:1/");
        assertThat(external.url()).isEqualTo("http://127.0.0.1:1");
        assertThat(external.isExternal()).isTrue();
        external.close();
        assertThatThrownBy(() -> ClickHouseServer.external("localhost:8123"))
            .hasMessageContaining(ClickHouseServer.URL_ENV);
    }

    @Test
    void findsTheInstalledServer() {
        assertThat(ClickHouseServer.findServerCommand())
            .as(ClickHouseServer.missingMessage()).isPresent();
    }
}
