package io.chatkpi.bench;

import java.util.Map;

/**
 * Everything one run measured; the JSON file is this record. A section is null when --only skipped it.
 *
 * @param peakRssMb peak resident set size per process, MiB
 * @param failures  the parts that failed and why (their figures are null); empty when everything ran
 */
public record BenchResults(
        String startedAt,
        Map<String, Object> options,
        MachineInfo machine,
        Pipeline pipeline,
        Freshness ewtFreshnessMs,
        Api api,
        Map<String, Double> peakRssMb,
        Map<String, String> failures) {

    /**
     * @param events               events written to the topic (and landed), not counting the per-partition end markers
     * @param eventsPerSec         sustained rate of the landing + KPI jobs: from the first row in ClickHouse until every
     *                             event is landed and every session written
     * @param baselineEventsPerSec a plain KafkaConsumer reading and decoding the same topic with EventCodec
     * @param ratio                eventsPerSec / baselineEventsPerSec
     * @param jvmCpuSeconds        CPU time of the bench JVM (jobs, broker, MiniCluster) over the same window as
     *                             eventsPerSec; null when unknown or the window was too short to see
     * @param clickHouseCpuSeconds CPU time of clickhouse-server over that window
     * @param cpuMicrosPerEvent    both, per event landed in that window: what the pipeline costs whatever else
     *                             shares the machine (the rate is not)
     * @param jobs                 the two jobs, each reading the topic, or LandingAndKpisJob ("two" / "one" in the JSON)
     */
    public record Pipeline(long events, double eventsPerSec, double baselineEventsPerSec, double ratio,
                           long sessions, long kpiFacts, double pipelineSeconds, double baselineSeconds,
                           double produceEventsPerSec, int partitions, int parallelism, int sinkBatchSize,
                           Double jvmCpuSeconds, Double clickHouseCpuSeconds, Double cpuMicrosPerEvent,
                           BenchOptions.PipelineJobs jobs) {}

    /**
     * Milliseconds from producing a probe's REP_JOINED to the API's EWT endpoint showing an asOf at or after it.
     *
     * @param rate          the simulated events per second asked for (--rate)
     * @param simulatedRate the simulated events per second while probing: a real-time simulation starts empty and
     *                      reaches the asked rate only once sessions have run their course (about 15 minutes)
     * @param unresolved probes the EWT had not reflected 10 s + the out-of-orderness after probing stopped
     */
    public record Freshness(Double p50, Double p99, Double max, int samples, int unresolved, double rate,
                            double simulatedRate, double probesPerSecond, long outOfOrdernessMs, int durationSeconds) {}

    public record Api(EwtLoad ewt, KpiQueries kpi) {}

    /** Closed-loop load of the one-queue EWT endpoint; generator = what sent it (wrk or the bench JVM). */
    public record EwtLoad(double rps, Double p50Ms, Double p99Ms, long requests, long errors, int clients,
                          int seconds, String path, String generator) {}

    /**
     * Sequential requests of /api/v1/kpis over 30 days at 1 h (answered from kpi_rollup), after kpi_rollup was filled
     * from the loaded facts with kpi_rollup_rebuild.sql day by day (rollupSeconds); then the same range one minute in
     * (offMarks: off the 15-minute marks, the rollup with the raw facts of the partial slots at the ends), and, as the
     * baseline in the same run, the first request with {@code source=facts} (raw: every fact read from kpi_facts).
     *
     * @param mergeWaitSeconds how long the bench waited, before timing, for ClickHouse to merge what it loaded
     */
    public record KpiQueries(long sessions, long kpiFacts, Double p50Ms, Double p99Ms, Double maxMs, int requests,
                             int errors, double loadSeconds, String path, long rollupRows, double rollupSeconds,
                             TimedPath offMarks, TimedPath raw, double mergeWaitSeconds, WarmUp warmUp) {}

    /**
     * The KPI requests sent before the measured ones (not counted in them): how many, the very first (a cold API and
     * cold ClickHouse caches) and the slowest.
     */
    public record WarmUp(int requests, Double firstMs, Double maxMs) {}

    /** A few requests of one path beside the measured KPI requests. */
    public record TimedPath(Double p50Ms, Double p99Ms, int requests, int errors, String path) {}
}
