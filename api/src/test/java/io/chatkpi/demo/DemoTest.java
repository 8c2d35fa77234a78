package io.chatkpi.demo;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatkpi.api.auth.ApiKey;
import io.chatkpi.api.auth.Role;
import io.chatkpi.api.http.Json;
import io.chatkpi.ingest.cli.IngestCli;
import io.chatkpi.ingest.stack.ClickHouseClient;
import io.chatkpi.ingest.stack.SqlResources;
import io.chatkpi.jobs.common.JobConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo for real, in this JVM: its own ClickHouse server process and Kafka broker under a fresh home, both jobs on
 * the MiniCluster, the API, and simulated traffic; used through what it prints; then stopped, leaving nothing behind.
 */
class DemoTest {

    /** The ready-to-paste EWT call the demo prints. */
    private static final Pattern EWT_CURL =
            Pattern.compile("curl -H \"Authorization: Bearer (\\S+)\" (http://localhost:\\d+/api/v1/queues/ewt)");
    private static final Pattern KPI_CURL =
            Pattern.compile("curl -H \"Authorization: Bearer (\\S+)\" '(http://localhost:\\d+/api/v1/kpis/summary\\?\\S+)'");

    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path home;

    @Test
    void bringsUpTheWholeStackServesTheLiveEwtAndStopsWithoutLeftovers() throws Exception {
        // tech is the simulator's always-open queue, so waits and an EWT exist at any hour of any day; a high rate
        // fills its rep pool quickly. Any free port for the API and Flink: other runs may hold the defaults.
        String[] args = {"--rate", "1200", "--queues", "tech", "--seed", "20261201", "--api-port", "0",
                "--flink-ports", "0"};
        Demo.Settings settings = settings(args, Map.of());
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Demo demo = new Demo(settings, new PrintStream(printed, true, UTF_8));
        Path bootstrapFile = home.resolve(IngestCli.LOCAL_STACK_BOOTSTRAP_FILE);
        Optional<ProcessHandle> clickHouseProcess = Optional.empty();
        try {
            demo.start();
            clickHouseProcess = ProcessHandle.of(demo.clickHouse().pid().value());
            assertThat(clickHouseProcess).as("the demo runs its own ClickHouse server").isPresent();
            assertThat(clickHouseProcess.get().isAlive()).isTrue();
            assertThat(Files.readString(bootstrapFile).trim()).isEqualTo(demo.kafka().bootstrapServers());

            String output = printed.toString(UTF_8);
            Matcher ewtCurl = EWT_CURL.matcher(output);
            assertThat(ewtCurl.find()).as("prints the EWT curl:\n" + output).isTrue();
            String chatKey = ewtCurl.group(1);
            URI ewtUri = URI.create(ewtCurl.group(2));
            Matcher kpiCurl = KPI_CURL.matcher(output);
            assertThat(kpiCurl.find()).as("prints the KPI curl:\n" + output).isTrue();
            for (String role : new String[] {"chat-service", "manager", "analyst"}) {
                assertThat(output).containsPattern("\\n\\s+" + role + "\\s+\\S{20,}\\n");
            }

            await("the API serves a live EWT for a queue", () -> {
                HttpResponse<String> r = get(ewtUri, chatKey);
                if (r.statusCode() != 200) throw new AssertionError(r.statusCode() + " " + r.body());
                for (JsonNode q : json(r).path("queues")) {
                    if (q.path("estimatedWaitMs").isNumber() && q.path("sampleSize").asInt() > 0) return true;
                }
                return false;
            });

            try (ClickHouseClient db = ClickHouseClient.connect(demo.clickHouse().url(), "chatkpi")) {
                String counts = SqlResources.load("queries/demo_landing_counts.sql");
                await("the KPI job's sessions in ClickHouse",
                        () -> db.queryJson(counts).get(0).get("sessions").asLong() > 0);
            }

            // the printed keys carry their roles: the manager's reads KPIs, the chat service's may not
            HttpResponse<String> summary = get(URI.create(kpiCurl.group(2)), kpiCurl.group(1));
            assertThat(summary.statusCode()).as(summary.body()).isEqualTo(200);
            assertThat(get(URI.create(kpiCurl.group(2)), chatKey).statusCode()).isEqualTo(403);
            assertThat(get(ewtUri, "not-a-key").statusCode()).isEqualTo(401);
        } finally {
            demo.close();
            System.out.println(printed.toString(UTF_8)); // into the test's output file, to see what the demo said
            // never leave a server behind, even when an assertion above failed; the assertion below still fails
            clickHouseProcess.filter(ProcessHandle::isAlive).ifPresent(p -> {
                p.destroyForcibly();
                throw new AssertionError("the demo left its ClickHouse server (pid " + p.pid() + ") running");
            });
        }
        assertThat(clickHouseProcess.get().isAlive()).isFalse();
        assertThat(bootstrapFile).doesNotExist();
        assertThat(printed.toString(UTF_8)).contains("demo: stopped ClickHouse (");
    }

    @Test
    void apiPortComesFromTheOptionElseTheEnvironmentElseTheDefault() {
        Map<String, String> env = Map.of("CHATKPI_API_PORT", "7171");
        assertThat(settings(new String[] {"--api-port", "7272"}, env).api().port()).isEqualTo(7272);
        assertThat(settings(new String[0], env).api().port()).isEqualTo(7171);
        assertThat(settings(new String[0], Map.of()).api().port()).isEqualTo(7070);
        assertThatThrownBy(() -> settings(new String[] {"--api-port", "http"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--api-port");
        assertThatThrownBy(() -> settings(new String[] {"--api-prot", "1"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--api-prot");
    }

    @Test
    void configuredKeysAreUsedAndNeverShownGeneratedOnesAreOnePerRoleAndDiffer() {
        Map<String, String> env = Map.of("CHATKPI_API_KEYS", "chat-service:cs-1,manager:mgr-1");
        DemoApiKeys configured = DemoApiKeys.configured(settings(new String[0], env).api().apiKeys());
        assertThat(configured.keyOf(Role.MANAGER)).contains("mgr-1");
        assertThat(configured.shown(Role.CHAT_SERVICE)).isEqualTo("<your chat-service key>");
        assertThat(configured.ewtReader()).isEqualTo("cs-1");

        DemoApiKeys a = DemoApiKeys.generate();
        DemoApiKeys b = DemoApiKeys.generate();
        assertThat(a.all()).extracting(ApiKey::role).containsExactly(Role.values());
        assertThat(a.all()).extracting(ApiKey::secret).doesNotHaveDuplicates()
                .allSatisfy(k -> assertThat(k).matches("[A-Za-z0-9_-]{24}"))
                .doesNotContainAnyElementsOf(b.all().stream().map(ApiKey::secret).toList());
        assertThat(a.shown(Role.ANALYST)).isEqualTo(a.keyOf(Role.ANALYST).orElseThrow());
        assertThat(a.toString()).doesNotContain(a.ewtReader());
    }

    private Demo.Settings settings(String[] args, Map<String, String> env) {
        return Demo.Settings.from(JobConfig.fromArgs(args, env), env, home);
    }

    private HttpResponse<String> get(URI uri, String key) {
        try {
            return http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + key)
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError("GET " + uri + " failed: " + e, e);
        }
    }

    private static JsonNode json(HttpResponse<String> r) {
        try {
            return Json.MAPPER.readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + r.body(), e);
        }
    }

    /** Waits for what the running stack reaches asynchronously; a deadline, not a timed assertion. */
    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("never happened: " + what);
            Thread.sleep(250);
        }
    }
}
