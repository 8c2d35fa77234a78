package io.chatkpi.bench;

import io.chatkpi.bench.BenchOptions.Part;
import io.chatkpi.ingest.event.EventType;
import io.chatkpi.ingest.event.SessionEvent;
import io.chatkpi.ingest.sim.TrafficSimulator;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code ./chatkpi bench}: measures on this machine, with the project's own parts, the pipeline's throughput against
 * a plain consumer of the same topic, the EWT's freshness end to end, the API under load, and the peak memory of
 * each process; prints a table and writes the results as JSON. See README.md ("Performance").
 */
public final class Bench {

    private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);

    /** The API's own JVM in peakRssMb. */
    static final String API_PROCESS = "API (own JVM)";

    private Bench() {}

    public static void main(String[] args) throws Exception {
        if (System.getProperty("log4j2.configurationFile") == null) {
            // the launcher's logging with the demo's quieter Flink; -Dlog4j2.configurationFile=log4j2.properties
            // (in CHATKPI_JAVA_OPTS) shows Flink's warnings, e.g. why a checkpoint failed
            System.setProperty("log4j2.configurationFile", "log4j2.properties,io/chatkpi/demo/log4j2-demo.properties");
        }
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.println(BenchOptions.USAGE);
            return;
        }
        Path home = Path.of(System.getProperty("chatkpi.home", ".")).toAbsolutePath().normalize();
        BenchOptions options;
        try {
            options = BenchOptions.parse(args, home);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.err.println(BenchOptions.USAGE);
            System.exit(2);
            return;
        }
        int status = 0;
        try {
            status = run(options, home).failures().isEmpty() ? 0 : 1;
        } catch (Exception e) {
            System.err.println("bench: failed: " + e);
            e.printStackTrace();
            status = 1;
        }
        // Flink and Kafka leave non-daemon threads behind after closing; the results are written
        System.exit(status);
    }

    /** Runs what the options select, prints the table, writes the JSON and returns the results. */
    public static BenchResults run(BenchOptions options, Path home) throws Exception {
        Instant startedAt = Instant.now();
        String loadAtStart = MachineInfo.loadAverage();
        String runId = RUN_ID.format(startedAt) + Integer.toString(ThreadLocalRandom.current().nextInt(1296), 36);
        Progress.say("bench: run %s, load average %s, measuring %s", runId, loadAtStart, options.parts());
        BenchResults.Pipeline pipeline = null;
        BenchResults.Freshness freshness = null;
        BenchResults.Api api = null;
        Map<String, Double> rss = new LinkedHashMap<>();
        Map<String, String> failures = new LinkedHashMap<>();
        MachineInfo machine;
        LiveStack live = null;
        try (BenchStack stack = BenchStack.start(home, runId)) {
            if (options.runs(Part.PIPELINE)) {
                try {
                    pipeline = new PipelineBenchmark(stack, options).run();
                } catch (Exception e) {
                    failed(failures, "pipeline", e);
                    stack.flink.cancelAll();
                }
            }
            if (options.runs(Part.FRESHNESS) || options.runs(Part.API)) {
                try {
                    double eventsPerSession = eventsPerSession();
                    live = LiveStack.start(stack, options);
                    live.simulate(options.rate(), eventsPerSession);
                    FreshnessBenchmark probe = new FreshnessBenchmark(live, options, runId);
                    probe.awaitFirstEwt(180);
                    Progress.say("live: the API serves a live EWT");
                    if (options.runs(Part.FRESHNESS)) {
                        freshness = probe.run();
                        Progress.say("freshness: p50 %s ms, p99 %s ms, max %s ms over %d samples",
                                FreshnessBenchmark.fmt(freshness.p50()), FreshnessBenchmark.fmt(freshness.p99()),
                                FreshnessBenchmark.fmt(freshness.max()), freshness.samples());
                    }
                    if (options.runs(Part.API)) {
                        // the API alone: traffic and jobs stop, the EWT store keeps the snapshots it holds
                        live.stopTraffic();
                        ApiBenchmark bench = new ApiBenchmark(stack, live, options);
                        BenchResults.EwtLoad ewt = bench.ewtLoad();
                        BenchResults.KpiQueries kpi = null;
                        try {
                            kpi = bench.kpiQueries();
                        } catch (Exception e) {
                            failed(failures, "api.kpi", e);
                        }
                        api = new BenchResults.Api(ewt, kpi);
                    }
                } catch (Exception e) {
                    failed(failures, options.runs(Part.FRESHNESS) && freshness == null ? "freshness" : "api", e);
                }
            }
            rss.put("bench JVM (Kafka broker, Flink MiniCluster, simulator, probes"
                    + (options.ewtLoadGenerator() == BenchOptions.EwtLoadGenerator.JAVA ? ", EWT load" : "") + ")",
                    PeakRss.ofThisJvm());
            if (live != null) rss.put(API_PROCESS, live.api.peakRssMb());
            rss.put("clickhouse-server", PeakRss.ofProcess(stack.clickHouse.pid().value()));
            machine = MachineInfo.now(stack.clickHouseVersion(), loadAtStart);
        }
        BenchResults results = new BenchResults(startedAt.toString(), optionsMap(options), machine, pipeline,
                freshness, api, rss, failures);
        ResultsTable.print(results, System.out);
        ResultsJson.write(results, options.json());
        System.out.println("results: " + options.json());
        failures.forEach((part, why) -> System.out.println("FAILED " + part + ": " + why));
        return results;
    }

    /** A part that fails is reported and the others still run: a long run keeps what it measured. */
    private static void failed(Map<String, String> failures, String part, Exception e) {
        Progress.say("%s FAILED: %s", part, e);
        e.printStackTrace();
        failures.put(part, e.toString());
    }

    /**
     * Events per simulated session, from a quick fast-mode run of 3 simulated hours: long enough that sessions cut
     * short at the end hardly count (the pipeline's topic, cut at N events, is no guide for small N).
     */
    static double eventsPerSession() throws InterruptedException {
        java.util.Set<String> sessions = new java.util.HashSet<>();
        long[] events = {0};
        new TrafficSimulator(LiveStack.traffic(PipelineBenchmark.ARRIVALS_PER_MINUTE)
                .withDuration(java.time.Duration.ofHours(3))).run((SessionEvent e) -> {
                    events[0]++;
                    if (e.type() == EventType.SESSION_STARTED) sessions.add(e.sessionId());
                });
        return (double) events[0] / Math.max(1, sessions.size());
    }

    private static Map<String, Object> optionsMap(BenchOptions o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("events", o.events());
        m.put("rate", o.rate());
        m.put("durationSeconds", o.durationSeconds());
        m.put("only", o.parts().stream().map(Part::id).sorted().toList());
        m.put("partitions", o.partitions());
        m.put("outOfOrdernessMs", o.outOfOrdernessMs());
        m.put("probesPerSecond", o.probesPerSecond());
        m.put("clients", o.clients());
        m.put("loadSeconds", o.loadSeconds());
        m.put("kpiSessions", o.kpiSessions());
        m.put("kpiRequests", o.kpiRequests());
        m.put("kpiMaxSeconds", o.kpiMaxSeconds());
        m.put("ewtLoad", o.ewtLoadGenerator().id());
        m.put("apiJvmOptions", o.apiJvmOptions());
        return m;
    }
}
