package io.chatkpi.bench;

import com.fasterxml.jackson.annotation.JsonValue;
import io.chatkpi.jobs.kpi.KpiWatermarks;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What {@code ./chatkpi bench} measures and how big. Defaults are the figures of the issue: 2,000,000 events, 2,000
 * events/s, 32 clients for 20 s, 10 million sessions.
 */
public record BenchOptions(
        long events,
        double rate,
        int durationSeconds,
        Set<Part> parts,
        Path json,
        int partitions,
        long outOfOrdernessMs,
        double probesPerSecond,
        int clients,
        int loadSeconds,
        long kpiSessions,
        int kpiRequests,
        int kpiMaxSeconds,
        EwtLoadGenerator ewtLoadGenerator,
        String apiJvmOptions,
        PipelineJobs pipelineJobs) {

    /**
     * Which deployment of the landing and the KPIs the pipeline figure measures: the two jobs, each reading the topic
     * ({@code RawEventsJob}, {@code KpiJob}), or the one job that reads it once ({@code LandingAndKpisJob}).
     */
    public enum PipelineJobs {
        TWO("landing + KPI jobs"), ONE("landing + KPIs in one job");

        private final String label;

        PipelineJobs(String label) {
            this.label = label;
        }

        /** As the JSON results and {@code --jobs} write it. */
        @JsonValue
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** What the pipeline figure measured, as the progress lines and the table name it. */
        public String label() {
            return label;
        }
    }

    /** What sends the EWT endpoint's load: wrk in its own process (when installed), or threads in the bench JVM. */
    public enum EwtLoadGenerator {
        WRK, JAVA;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The three measurements; --only picks one. */
    public enum Part {
        PIPELINE, FRESHNESS, API;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static final String USAGE = """
            usage: ./chatkpi bench [options]
              --events N             events for the pipeline throughput (default 2000000)
              --rate R               simulated events per second while the freshness is measured (default 2000)
              --duration S           seconds of EWT freshness probing (default 60; 40 probes a second)
              --only P[,P]           pipeline | freshness | api, or several: freshness,api (default: all three)
              --json FILE            results file (default bench/results/<date>-<host>.json)
              --partitions N         partitions of the events topics (default 3)
              --out-of-orderness-ms MS  the KPI job's watermark bound (default 5000, the job's own default)
              --jobs J               two | one: the pipeline figure of the landing and KPI jobs, each reading the
                                     topic (default), or of the one job that reads it once (LandingAndKpisJob)
              --probes-per-second X  EWT freshness probes (default 40)
              --clients N            concurrent clients of the EWT endpoint load (default 32)
              --load-duration S      seconds of EWT endpoint load (default 20)
              --ewt-load G           wrk | java: the EWT load from wrk in its own process (default when wrk is
                                     installed) or from threads in the bench JVM
              --api-jvm-options S    JVM options of the API's own process (default: the README's recommendation,
                                     "%s")
              --kpi-sessions N       sessions loaded for the KPI endpoint (default 10000000)
              --kpi-requests N       KPI endpoint requests at most (default 100)
              --kpi-max-seconds S    stop sending KPI requests after S seconds (default 180)
            CHATKPI_CLICKHOUSE_URL=http://host:port uses an existing ClickHouse instead of starting one
            under var/bench/clickhouse.""".formatted(ApiProcess.RECOMMENDED_JVM_OPTIONS);

    public static BenchOptions defaults(Path home) {
        return new BenchOptions(2_000_000, 2_000, 60, EnumSet.allOf(Part.class), defaultJson(home), 3,
                KpiWatermarks.DEFAULT_OUT_OF_ORDERNESS.toMillis(), 40, 32, 20, 10_000_000, 100, 180,
                WrkLoad.installed() ? EwtLoadGenerator.WRK : EwtLoadGenerator.JAVA, ApiProcess.RECOMMENDED_JVM_OPTIONS,
                PipelineJobs.TWO);
    }

    public static BenchOptions parse(String[] args, Path home) {
        BenchOptions o = defaults(home);
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (!name.startsWith("--")) throw new IllegalArgumentException("unexpected argument '" + name + "'");
            if (i + 1 >= args.length) throw new IllegalArgumentException(name + " needs a value");
            String v = args[++i];
            o = switch (name) {
                case "--events" -> o.with(positive(name, Long.parseLong(v)), o.rate, o.durationSeconds, o.json);
                case "--rate" -> o.with(o.events, positive(name, Double.parseDouble(v)), o.durationSeconds, o.json);
                case "--duration" -> o.with(o.events, o.rate, (int) positive(name, Integer.parseInt(v)), o.json);
                case "--json" -> o.with(o.events, o.rate, o.durationSeconds, Path.of(v));
                case "--only" -> o.withParts(parts(v));
                case "--partitions" -> o.withSizes((int) positive(name, Integer.parseInt(v)), o.outOfOrdernessMs,
                        o.probesPerSecond, o.clients, o.loadSeconds);
                case "--out-of-orderness-ms" -> o.withSizes(o.partitions, Long.parseLong(v), o.probesPerSecond,
                        o.clients, o.loadSeconds);
                case "--probes-per-second" -> o.withSizes(o.partitions, o.outOfOrdernessMs,
                        positive(name, Double.parseDouble(v)), o.clients, o.loadSeconds);
                case "--clients" -> o.withSizes(o.partitions, o.outOfOrdernessMs, o.probesPerSecond,
                        (int) positive(name, Integer.parseInt(v)), o.loadSeconds);
                case "--load-duration" -> o.withSizes(o.partitions, o.outOfOrdernessMs, o.probesPerSecond,
                        o.clients, (int) positive(name, Integer.parseInt(v)));
                case "--kpi-sessions" -> o.withKpi(positive(name, Long.parseLong(v)), o.kpiRequests, o.kpiMaxSeconds);
                case "--kpi-requests" -> o.withKpi(o.kpiSessions, (int) positive(name, Integer.parseInt(v)),
                        o.kpiMaxSeconds);
                case "--kpi-max-seconds" -> o.withKpi(o.kpiSessions, o.kpiRequests,
                        (int) positive(name, Integer.parseInt(v)));
                case "--ewt-load" -> o.withEwtLoadGenerator(ewtLoadGenerator(v));
                case "--api-jvm-options" -> o.withApiJvmOptions(v);
                case "--jobs" -> o.withPipelineJobs(pipelineJobs(v));
                default -> throw new IllegalArgumentException("unknown option " + name);
            };
        }
        if (o.outOfOrdernessMs < 0) throw new IllegalArgumentException("--out-of-orderness-ms must be >= 0");
        return o;
    }

    public boolean runs(Part part) {
        return parts.contains(part);
    }

    BenchOptions with(long events, double rate, int durationSeconds, Path json) {
        return new BenchOptions(events, rate, durationSeconds, parts, json, partitions, outOfOrdernessMs,
                probesPerSecond, clients, loadSeconds, kpiSessions, kpiRequests, kpiMaxSeconds, ewtLoadGenerator,
                apiJvmOptions, pipelineJobs);
    }

    BenchOptions withParts(Set<Part> only) {
        return new BenchOptions(events, rate, durationSeconds, only, json, partitions, outOfOrdernessMs,
                probesPerSecond, clients, loadSeconds, kpiSessions, kpiRequests, kpiMaxSeconds, ewtLoadGenerator,
                apiJvmOptions, pipelineJobs);
    }

    BenchOptions withSizes(int partitions, long outOfOrdernessMs, double probesPerSecond, int clients,
                           int loadSeconds) {
        return new BenchOptions(events, rate, durationSeconds, parts, json, partitions, outOfOrdernessMs,
                probesPerSecond, clients, loadSeconds, kpiSessions, kpiRequests, kpiMaxSeconds, ewtLoadGenerator,
                apiJvmOptions, pipelineJobs);
    }

    BenchOptions withKpi(long kpiSessions, int kpiRequests, int kpiMaxSeconds) {
        return new BenchOptions(events, rate, durationSeconds, parts, json, partitions, outOfOrdernessMs,
                probesPerSecond, clients, loadSeconds, kpiSessions, kpiRequests, kpiMaxSeconds, ewtLoadGenerator,
                apiJvmOptions, pipelineJobs);
    }

    BenchOptions withEwtLoadGenerator(EwtLoadGenerator generator) {
        return new BenchOptions(events, rate, durationSeconds, parts, json, partitions, outOfOrdernessMs,
                probesPerSecond, clients, loadSeconds, kpiSessions, kpiRequests, kpiMaxSeconds, generator,
                apiJvmOptions, pipelineJobs);
    }

    BenchOptions withApiJvmOptions(String options) {
        return new BenchOptions(events, rate, durationSeconds, parts, json, partitions, outOfOrdernessMs,
                probesPerSecond, clients, loadSeconds, kpiSessions, kpiRequests, kpiMaxSeconds, ewtLoadGenerator,
                options, pipelineJobs);
    }

    BenchOptions withPipelineJobs(PipelineJobs jobs) {
        return new BenchOptions(events, rate, durationSeconds, parts, json, partitions, outOfOrdernessMs,
                probesPerSecond, clients, loadSeconds, kpiSessions, kpiRequests, kpiMaxSeconds, ewtLoadGenerator,
                apiJvmOptions, jobs);
    }

    private static PipelineJobs pipelineJobs(String v) {
        try {
            return PipelineJobs.valueOf(v.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--jobs must be two or one, got '" + v + "'");
        }
    }

    private static EwtLoadGenerator ewtLoadGenerator(String v) {
        try {
            return EwtLoadGenerator.valueOf(v.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--ewt-load must be wrk or java, got '" + v + "'");
        }
    }

    private static Set<Part> parts(String v) {
        Set<Part> parts = EnumSet.noneOf(Part.class);
        for (String p : v.split(",")) parts.add(part(p));
        return parts;
    }

    private static Part part(String v) {
        try {
            return Part.valueOf(v.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "--only must be pipeline, freshness or api (or several, comma-separated), got '" + v + "'");
        }
    }

    private static long positive(String name, long v) {
        if (v <= 0) throw new IllegalArgumentException(name + " must be > 0, got " + v);
        return v;
    }

    private static double positive(String name, double v) {
        if (!(v > 0) || Double.isInfinite(v)) throw new IllegalArgumentException(name + " must be > 0, got " + v);
        return v;
    }

    static Path defaultJson(Path home) {
        return home.resolve("bench").resolve("results")
                .resolve(LocalDate.now(ZoneOffset.UTC) + "-" + MachineInfo.hostName() + ".json");
    }
}
