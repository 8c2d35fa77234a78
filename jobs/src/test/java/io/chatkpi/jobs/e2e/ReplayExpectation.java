package io.chatkpi.jobs.e2e;

import io.chatkpi.ingest.stack.ClickHouseClient;
import io.chatkpi.ingest.stack.Schema;
import io.chatkpi.ingest.stack.SqlLiteral;
import io.chatkpi.jobs.kpi.KpiJob.KpiConfig;
import io.chatkpi.jobs.kpi.KpiWatermarks;
import io.chatkpi.jobs.replay.ReplayJob;
import io.chatkpi.jobs.sink.ClickHouseSinkOptions;
import io.chatkpi.testing.ClickHouseTestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * What the streaming jobs must end up with: the replay of the same lines ({@link ReplayJob#toClickHouse}, the same
 * KPI graph in bounded mode over a file, itself checked against a plain-Java reference by ReplayMatchesReferenceTest)
 * into a scratch database next to the test's, read as {@link TableRows} and dropped. Computed once per traffic and
 * test JVM: every streaming test compares against the same rows. Its sessions and EWT are checked against the
 * plain-Java reference too ({@link ReferenceAgreement}), so the expectation does not rest on the operators under
 * test alone, and its kpi_rollup against kpi_rollup_rebuild.sql over its kpi_facts ({@link RollupRebuild}).
 */
final class ReplayExpectation {

    static final int REPLAY_PARALLELISM = 2;

    private static final Map<SimulatedTraffic, TableRows> CACHE = new IdentityHashMap<>();

    private ReplayExpectation() {}

    /** Runs on the test's MiniCluster (it needs {@link #REPLAY_PARALLELISM} slots). */
    static synchronized TableRows of(SimulatedTraffic traffic, ClickHouseTestDatabase db, Path workDir)
            throws Exception {
        TableRows cached = CACHE.get(traffic);
        if (cached != null) {
            return cached;
        }
        String database = db.database() + "_replay";
        Path input = traffic.writeTo(Files.createDirectories(workDir).resolve("replayed-traffic.jsonl"));
        long started = System.nanoTime();
        try (ClickHouseClient admin = ClickHouseClient.connect(db.url())) {
            Schema.migrate(admin, database);
            try {
                StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
                env.setParallelism(REPLAY_PARALLELISM);
                ReplayJob.toClickHouse(env, input, ClickHouseSinkOptions.of(db.url(), database), KpiConfig.defaults(),
                        KpiWatermarks.DEFAULT_OUT_OF_ORDERNESS);
                env.execute(ReplayJob.JOB_NAME + " (expectation)");
                TableRows rows = TableRows.read(admin.withDatabase(database));
                String disagreement = ReferenceAgreement.differences(rows, traffic.events);
                if (disagreement != null) {
                    throw new AssertionError("the replay's rows disagree with the plain-Java reference:\n"
                            + disagreement);
                }
                String rollup = RollupRebuild.differences(admin, database);
                if (rollup != null) {
                    throw new AssertionError("the replay's kpi_rollup: " + rollup);
                }
                System.out.printf("replay of %d lines into ClickHouse: %s in %.1f s%n", traffic.size(), rows,
                        (System.nanoTime() - started) / 1e9);
                CACHE.put(traffic, rows);
                return rows;
            } finally {
                admin.execute("DROP DATABASE IF EXISTS " + SqlLiteral.identifier(database));
            }
        }
    }
}
