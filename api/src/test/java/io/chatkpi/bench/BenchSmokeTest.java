package io.chatkpi.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./chatkpi bench} at toy size: it completes, every figure is reported, the JSON file holds the fields the
 * issue names, and the API it started as its own process is gone afterwards. No figure is judged: speed is the
 * benchmark's business, not the test suite's.
 */
class BenchSmokeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aTinyRunReportsEveryFigure(@TempDir Path home) throws Exception {
        Path json = home.resolve("results.json");
        BenchOptions options = BenchOptions.parse(new String[] {
                "--events", "10000", "--rate", "300", "--duration", "4", "--out-of-orderness-ms", "500",
                "--clients", "4", "--load-duration", "2", "--kpi-sessions", "20000", "--kpi-requests", "3",
                "--json", json.toString()}, home);

        BenchResults r = Bench.run(options, home);

        assertThat(r.failures()).isEmpty();
        assertThat(r.pipeline().events()).isEqualTo(10_000);
        assertThat(r.pipeline().eventsPerSec()).isPositive();
        assertThat(r.pipeline().baselineEventsPerSec()).isPositive();
        assertThat(r.pipeline().ratio()).isPositive();
        assertThat(r.pipeline().sessions()).isPositive();
        assertThat(r.ewtFreshnessMs().samples()).isPositive();
        assertThat(r.ewtFreshnessMs().p50()).isPositive();
        assertThat(r.ewtFreshnessMs().p99()).isGreaterThanOrEqualTo(r.ewtFreshnessMs().p50());
        assertThat(r.ewtFreshnessMs().max()).isGreaterThanOrEqualTo(r.ewtFreshnessMs().p99());
        assertThat(r.api().ewt().requests()).isPositive();
        assertThat(r.api().ewt().errors()).isZero();
        assertThat(r.api().ewt().p99Ms()).isGreaterThanOrEqualTo(r.api().ewt().p50Ms());
        assertThat(r.api().kpi().sessions()).isEqualTo(20_000);
        // 12 facts per answered session (2 of them SESSION_ANSWERED / SESSION_JOINED), 4 per abandoned one (8 %); the
        // last sessions' latest facts fall after the range
        assertThat(r.api().kpi().kpiFacts()).isBetween(20_000L * 11, 20_000L * 12);
        assertThat(r.api().kpi().requests()).isEqualTo(3);
        assertThat(r.api().kpi().errors()).isZero();
        assertThat(r.api().kpi().warmUp().requests()).isBetween(1, 3);
        assertThat(r.api().kpi().warmUp().firstMs()).isPositive();
        assertThat(r.api().kpi().rollupRows()).isPositive();
        assertThat(r.api().kpi().offMarks().requests()).isPositive();
        assertThat(r.api().kpi().offMarks().errors()).isZero();
        assertThat(r.api().kpi().raw().requests()).isPositive();
        assertThat(r.api().kpi().raw().errors()).isZero();
        assertThat(r.peakRssMb().values()).allSatisfy(v -> assertThat(v).isPositive());
        assertThat(r.peakRssMb()).containsKey(Bench.API_PROCESS);
        // the API ran as a child JVM of this one, and it is stopped when the run returns
        assertThat(ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().orElse("").contains(BenchApiMain.class.getName()))
                .filter(ProcessHandle::isAlive)
                .toList()).isEmpty();
        assertThat(Files.readString(home.resolve("var/bench/api-process.log"))).contains("chatkpi api: listening on");
        assertThat(r.machine().cores()).isPositive();
        assertThat(r.machine().clickhouse()).isNotBlank();

        JsonNode file = JSON.readTree(Files.readString(json));
        for (String path : List.of("/machine/cores", "/machine/java", "/machine/clickhouse", "/pipeline/events",
                "/pipeline/eventsPerSec", "/pipeline/baselineEventsPerSec", "/pipeline/ratio", "/ewtFreshnessMs/p50",
                "/ewtFreshnessMs/p99", "/ewtFreshnessMs/max", "/ewtFreshnessMs/samples", "/api/ewt/rps",
                "/api/ewt/p50Ms", "/api/ewt/p99Ms", "/api/kpi/sessions", "/api/kpi/p50Ms", "/api/kpi/p99Ms", "/api/kpi/mergeWaitSeconds",
                "/api/kpi/offMarks/p50Ms", "/api/kpi/offMarks/p99Ms", "/api/kpi/raw/p50Ms")) {
            assertThat(file.at(path).isNumber() || file.at(path).isTextual()).as(path).isTrue();
        }
        assertThat(file.path("peakRssMb").size()).isEqualTo(3);
        assertThat(file.at("/pipeline/jobs").asText()).isEqualTo("two");
    }

    /** The pipeline figure of the one job that reads the topic once: every event in, every figure reported. */
    @Test
    void theOneReadJobIsMeasuredToo(@TempDir Path home) throws Exception {
        BenchOptions options = BenchOptions.parse(new String[] {
                "--only", "pipeline", "--jobs", "one", "--events", "5000",
                "--json", home.resolve("results.json").toString()}, home);

        BenchResults r = Bench.run(options, home);

        assertThat(r.failures()).isEmpty();
        assertThat(r.pipeline().jobs()).isEqualTo(BenchOptions.PipelineJobs.ONE);
        assertThat(r.pipeline().events()).isEqualTo(5_000);
        assertThat(r.pipeline().eventsPerSec()).isPositive();
        assertThat(r.pipeline().sessions()).isPositive();
        assertThat(r.ewtFreshnessMs()).isNull();
    }
}
