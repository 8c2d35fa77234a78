package io.chatkpi.jobs.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatkpi.ingest.stack.ClickHouseClient;
import io.chatkpi.ingest.stack.KafkaBroker;
import io.chatkpi.jobs.kpi.KpiJob;
import io.chatkpi.jobs.landing.RawEventsJob;
import io.chatkpi.testing.ClickHouseExtension;
import io.chatkpi.testing.ClickHouseTestDatabase;
import io.chatkpi.testing.KafkaExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production path of README's "Production" section, for real: the shaded job jar {@code package} built,
 * submitted with Flink's own CLI ({@code flink run --detached -c … <jar> <options>}) to a standalone session cluster
 * whose JobManager and TaskManager are separate JVMs on Flink's jars only, against the test's Kafka broker and
 * ClickHouse; then the README's upgrade procedure for the KPI job ({@code flink stop --savepointPath}, {@code flink
 * run -s <savepoint>}) in the middle of the traffic.
 *
 * <p>The traffic goes in two parts. Once the KPI job has read part A, it is stopped with a savepoint, which holds
 * its open sessions and its Kafka offsets; part B and the end-of-traffic events are sent while it is down (the
 * landing job keeps running); the same jar is resubmitted from the savepoint. ClickHouse must end up with exactly
 * the rows of the replay of the same lines (every table, every row: nothing lost across the stop, nothing counted
 * twice), the resumed job must say it was restored from that savepoint, and its Kafka source must have read exactly
 * the records sent after the stop (a restart from earliest would give the same tables, as they deduplicate; this
 * count tells it apart).
 */
@ExtendWith({KafkaExtension.class, ClickHouseExtension.class})
class FlinkRunOnStandaloneClusterIT {

    private static final int PARTITIONS = 2;
    private static final int PARALLELISM = 2;
    /** Both jobs at {@link #PARALLELISM}, one slot per parallel pipeline each. */
    private static final int SLOTS = 2 * PARALLELISM;
    private static final Duration DEADLINE = StreamingJobs.DEADLINE;
    private static final Pattern SUBMITTED = Pattern.compile("Job has been submitted with JobID ([0-9a-f]{32})");
    private static final Pattern SAVEPOINT = Pattern.compile("Savepoint completed\\. Path: (\\S+)");

    @Test
    void shadedJarRunsOnAStandaloneClusterAndResumesFromASavepointExactly(KafkaBroker kafka, ClickHouseTestDatabase db,
            @TempDir Path dir) throws Exception {
        Path jar = Path.of(System.getProperty("chatkpi.flink.job.jar", "(not set: run through `mvn verify`)"));
        assertThat(jar).as("the shaded job jar that `package` built").isRegularFile();
        String flinkLib = StandaloneFlinkCluster.flinkLibFromBuild(
                System.getProperty("chatkpi.flink.lib.classpath", "(not set: run through `mvn verify`)"));
        // conf/, log/, checkpoints/, savepoints/ of the last run, kept for a look after it
        Path home = Path.of("target", "flink-standalone").toAbsolutePath();
        deleteRecursively(home);

        long started = System.nanoTime();
        double[] cpuBefore = cpuSeconds();
        String daemonsCpu;
        try (StandaloneFlinkCluster flink = StandaloneFlinkCluster.start(home, flinkLib, SLOTS)) {
            try {
                runAndUpgrade(flink, jar, kafka, db, dir, started);
            } catch (Throwable t) {
                System.out.println("FlinkRunOnStandaloneClusterIT failed; the cluster's logs:" + flink.logs());
                throw t;
            }
            daemonsCpu = flink.daemonsCpu();
        }
        double[] cpu = cpuSeconds();
        // what the run costs on any machine, however busy: CPU seconds (2 cores give at most 2 per second)
        System.out.printf("CPU: this JVM %.1f s, the cluster's and the CLI's JVMs %.1f s (%s); %.1f s wall%n",
                cpu[0] - cpuBefore[0], cpu[1] - cpuBefore[1], daemonsCpu, seconds(started));
    }

    /** User+system CPU seconds of this process and of its ended child processes ({@code /proc/self/stat}). */
    private static double[] cpuSeconds() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields 14-17 of proc(5): utime, stime, cutime, cstime, in clock ticks (100 per second on Linux)
        return new double[] {(Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0,
                (Long.parseLong(f[13]) + Long.parseLong(f[14])) / 100.0};
    }

    private static void runAndUpgrade(StandaloneFlinkCluster flink, Path jar, KafkaBroker kafka,
            ClickHouseTestDatabase db, Path dir, long started) throws Exception {
        SimulatedTraffic traffic = SimulatedTraffic.standard();
        StreamingJobs.Setup setup = StreamingJobs.Setup.of(kafka, db, "flinkrun", PARTITIONS, PARALLELISM);
        setup.createTopics();
        int partB = traffic.size() / 2;
        traffic.send(kafka, setup.topic(), 0, partB);
        // the expectation (a replay on a local environment in this JVM) while the cluster runs the jobs
        CompletableFuture<TableRows> expectation = CompletableFuture.supplyAsync(() -> {
            try {
                return ReplayExpectation.of(traffic, db, dir);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });

        flink.awaitReady(DEADLINE);
        List<String> phases = new ArrayList<>();
        phases.add(String.format("cluster ready %.1f s", seconds(started)));
        List<String> landingArgs = landingArgs(setup);
        List<String> kpiArgs = kpiArgs(setup);
        StandaloneFlinkCluster.CliRun landingRun = flink.flink(run(RawEventsJob.class, jar, List.of(), landingArgs));
        StandaloneFlinkCluster.CliRun kpiRun = flink.flink(run(KpiJob.class, jar, List.of(), kpiArgs));
        String landingJob = find(SUBMITTED, landingRun.await(DEADLINE));
        String kpiJob = find(SUBMITTED, kpiRun.await(DEADLINE));
        phases.add(String.format("both jobs submitted %.1f s", seconds(started)));
        List<String> running = new ArrayList<>(List.of(landingJob, kpiJob));
        StreamingJobs.RunningCheck jobsRunning = () -> {
            flink.checkDaemonsAlive();
            for (String job : running) {
                String state = flink.rest("/jobs/" + job).path("state").asText();
                if (!state.equals("RUNNING") && !state.equals("CREATED") && !state.equals("INITIALIZING")) {
                    throw new AssertionError("job " + job + " is " + state + ": "
                            + flink.rest("/jobs/" + job + "/exceptions").path("root-exception").asText());
                }
            }
        };

        // part A read by the KPI job: its Kafka source has sent on every valid line of it
        long validInPartA = partB - traffic.invalidLines(0, partB);
        StreamingJobs.await("the KPI job read part A",
                () -> sourceRecordsOut(flink, kpiJob) == validInPartA, jobsRunning);
        phases.add(String.format("part A read %.1f s", seconds(started)));
        // what only the savepoint's keyed state carries over: sessions with events on both sides of the stop
        long sessionsAcrossTheStop = sessionsAcross(traffic, partB);
        assertThat(sessionsAcrossTheStop).as("sessions open at the stop").isPositive();

        // the README's upgrade procedure: stop with a savepoint, resubmit from it
        String stopOutput = flink.flink("stop", "--savepointPath", flink.savepoints.toUri().toString(), kpiJob)
                .await(DEADLINE);
        String savepoint = find(SAVEPOINT, stopOutput);
        running.remove(kpiJob);
        phases.add(String.format("stopped with a savepoint %.1f s", seconds(started)));
        // `flink stop` returns once the savepoint is written; the job reaches FINISHED a moment later
        StreamingJobs.await("the stopped KPI job FINISHED",
                () -> jobState(flink, kpiJob).equals("FINISHED"), jobsRunning);
        assertThat(Path.of(URI.create(savepoint)).resolve("_metadata")).as("the savepoint").isRegularFile();

        traffic.send(kafka, setup.topic(), partB, traffic.size());
        traffic.sendEndOfTraffic(kafka, setup.topic(), PARTITIONS, SimulatedTraffic.allPartitions(PARTITIONS));
        long recordsAfterStop = traffic.validLines() - validInPartA + PARTITIONS;

        String resumedJob = find(SUBMITTED,
                flink.flink(run(KpiJob.class, jar, List.of("-s", savepoint), kpiArgs)).await(DEADLINE));
        running.add(resumedJob);
        phases.add(String.format("resumed %.1f s", seconds(started)));

        ClickHouseClient ch = db.client();
        TableRows expected = expectation.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        phases.add(String.format("replay done %.1f s", seconds(started)));
        TableRows rows = StreamingJobs.awaitRows(ch, expected, jobsRunning);
        assertThat(rows.differencesFrom(expected)).isNull();
        phases.add(String.format("tables equal %.1f s", seconds(started)));

        JsonNode restored = flink.rest("/jobs/" + resumedJob + "/checkpoints").path("latest").path("restored");
        assertThat(restored.path("is_savepoint").asBoolean()).as("restored from a savepoint: %s", restored).isTrue();
        assertThat(Path.of(URI.create(restored.path("external_path").asText())))
                .as("the savepoint restored").isEqualTo(Path.of(URI.create(savepoint)));
        StreamingJobs.await("the resumed KPI source's record count",
                () -> sourceRecordsOut(flink, resumedJob) >= recordsAfterStop, jobsRunning);
        assertThat(sourceRecordsOut(flink, resumedJob))
                .as("records the resumed Kafka source read: exactly those sent after the stop")
                .isEqualTo(recordsAfterStop);

        // nothing more arrives after the equality was seen
        jobsRunning.check();
        assertThat(TableRows.read(ch).differencesFrom(expected)).isNull();
        System.out.printf("flink run on a standalone cluster: %d lines; the KPI job stopped with a savepoint at line"
                        + " %d (%d sessions with events before and after it), resumed from %s, its source read"
                        + " exactly the %d records sent after; %s in ClickHouse, equal to the replay; after the"
                        + " start: %s%n", traffic.size(), partB, sessionsAcrossTheStop, savepoint, recordsAfterStop,
                expected, String.join(", ", phases));
    }

    /** The README's options (Production, 4.), pointed at the test's broker, topics and database. */
    private static List<String> landingArgs(StreamingJobs.Setup setup) {
        RawEventsJob.Options o = setup.landing();
        List<String> args = new ArrayList<>(List.of("--bootstrap-servers", o.bootstrapServers(),
                "--topic", o.topic(), "--dead-letter-topic", o.deadLetterTopic(), "--group-id", o.groupId()));
        args.addAll(commonArgs(setup));
        return args;
    }

    private static List<String> kpiArgs(StreamingJobs.Setup setup) {
        KpiJob.Options o = setup.kpis();
        List<String> args = new ArrayList<>(List.of("--bootstrap-servers", o.bootstrapServers(),
                "--topic", o.topic(), "--ewt-topic", o.ewtTopic(), "--group-id", o.groupId()));
        args.addAll(commonArgs(setup));
        return args;
    }

    private static List<String> commonArgs(StreamingJobs.Setup setup) {
        return List.of("--clickhouse-url", setup.db().url(), "--clickhouse-database", setup.db().database(),
                "--starting-offsets", "earliest",
                "--batch-size", "50000", "--batch-interval-ms", "200",
                // a failure fails the job, and so the test at once, instead of a silent restart
                "--restart-attempts", "0",
                "--checkpoint-interval-ms", "1000",
                "--parallelism", String.valueOf(setup.parallelism()));
    }

    private static String[] run(Class<?> job, Path jar, List<String> flinkOptions, List<String> jobArgs) {
        List<String> args = new ArrayList<>(List.of("run", "--detached"));
        args.addAll(flinkOptions);
        args.addAll(List.of("-c", job.getName(), jar.toString()));
        args.addAll(jobArgs);
        return args.toArray(String[]::new);
    }

    private static String find(Pattern pattern, String output) {
        Matcher m = pattern.matcher(output);
        if (!m.find()) {
            throw new AssertionError("no '" + pattern + "' in the output of flink:\n" + output);
        }
        return m.group(1);
    }

    static long sessionsAcross(SimulatedTraffic traffic, int line) {
        Set<String> before = new HashSet<>();
        traffic.events.subList(0, line).forEach(e -> {
            if (e != null) {
                before.add(e.sessionId());
            }
        });
        return traffic.events.subList(line, traffic.size()).stream()
                .filter(e -> e != null && before.contains(e.sessionId()))
                .map(e -> e.sessionId())
                .distinct()
                .count();
    }

    /** Records the job's source vertex (the Kafka source, decoding inside) sent on, over all its subtasks. */
    private static String jobState(StandaloneFlinkCluster flink, String job) {
        try {
            return flink.rest("/jobs/" + job).path("state").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long sourceRecordsOut(StandaloneFlinkCluster flink, String job) {
        try {
            for (JsonNode vertex : flink.rest("/jobs/" + job).path("vertices")) {
                if (vertex.path("name").asText().startsWith("Source:")) {
                    return vertex.path("metrics").path("write-records").asLong();
                }
            }
            throw new AssertionError("no source vertex in job " + job);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
