package io.chatkpi.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatkpi.ingest.kafka.EventProducer;
import io.chatkpi.ingest.kafka.Topics;
import io.chatkpi.ingest.sim.SimulationSink;
import io.chatkpi.ingest.sim.SimulatorConfig;
import io.chatkpi.ingest.sim.TrafficSimulator;
import io.chatkpi.ingest.event.SessionEvent;
import io.chatkpi.ingest.stack.ClickHouseClient;
import io.chatkpi.ingest.stack.ClickHouseServer;
import io.chatkpi.ingest.stack.KafkaBroker;
import io.chatkpi.ingest.stack.Schema;
import io.chatkpi.ingest.stack.SqlResources;
import io.chatkpi.jobs.common.JobConfig;
import io.chatkpi.jobs.common.RuntimeOptions;
import io.chatkpi.jobs.landing.RawEventsJob;
import io.chatkpi.jobs.sink.ClickHouseSinkOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code ./chatkpi demo}: the whole pipeline on this machine. The project's own ClickHouse (./var/clickhouse, schema
 * migrated), an in-JVM Kafka broker (./var/kafka), the Flink jobs on a MiniCluster in this JVM, and the simulator
 * sending real-time traffic. Prints where everything is and a live counter; Ctrl-C stops it all, in reverse order.
 *
 * <p>Later parts plug in as one {@link #start} step each: a job is one {@code flink.submit(...)} line.
 */
public final class Demo {

    static final String USAGE = """
            usage: ./chatkpi demo [options]
              --rate N            session arrivals per minute (default 120: about 10 events a second)
              --queues a,b,c      queues (default billing,tech,general)
              --seed S            simulator seed (default: the current time, so runs never reuse event ids)
              --duplicate-share X share of events sent twice, to show deduplication (default 0.01)
              --invalid-share X   share of extra invalid lines, to show rejection (default 0.005)
              --flink-ports P-Q   Flink REST port range (default 8081-8099)
              --database DB       ClickHouse database (default chatkpi)
            CHATKPI_CLICKHOUSE_URL=http://host:port uses an existing ClickHouse instead of starting one.""";

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    /** What was started, stopped in reverse order. */
    private final Deque<Step> started = new ArrayDeque<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean stopping;

    private record Step(String name, AutoCloseable resource) {}

    public static void main(String[] args) throws Exception {
        // before anything logs: the launcher's logging plus the demo's quieter settings for Flink
        System.setProperty("log4j2.configurationFile", "log4j2.properties,io/chatkpi/demo/log4j2-demo.properties");
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.println(USAGE);
            return;
        }
        Settings settings;
        try {
            settings = Settings.from(JobConfig.fromArgs(args, System.getenv()));
        } catch (IllegalArgumentException e) {
            System.err.println("demo: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        new Demo().run(settings);
    }

    record Settings(double rate, List<String> queues, long seed, double duplicateShare, double invalidShare,
                    String flinkPorts, String database, Path home) {

        static Settings from(JobConfig config) {
            Settings s = new Settings(
                    Double.parseDouble(config.get("rate", "120")),
                    List.of(config.get("queues", "billing,tech,general").split("\\s*,\\s*")),
                    config.getLong("seed", System.currentTimeMillis()),
                    Double.parseDouble(config.get("duplicate-share", "0.01")),
                    Double.parseDouble(config.get("invalid-share", "0.005")),
                    config.get("flink-ports", "8081-8099"),
                    config.get("database", ClickHouseServer.DEFAULT_DATABASE),
                    Path.of(System.getProperty("chatkpi.home", ".")).toAbsolutePath().normalize());
            Set<String> unknown = config.unknownArguments();
            if (!unknown.isEmpty()) {
                throw new IllegalArgumentException("unknown option(s): --" + String.join(", --", unknown));
            }
            return s;
        }
    }

    private void run(Settings s) throws Exception {
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll, "demo-shutdown"));
        try {
            start(s);
        } catch (Exception e) {
            System.err.println("demo: could not start: " + e);
            stopAll();
            System.exit(1);
        }
        stopped.await();
    }

    private void start(Settings s) throws Exception {
        Path var = s.home().resolve("var");
        ClickHouseServer clickHouse = clickHouse(var.resolve("clickhouse"));
        // stop(), not close(): the server runs in its own session (so that Ctrl-C reaches only this JVM) and is
        // stopped here, last, after the jobs have flushed; stop() does nothing for a server this demo did not start
        started.push(new Step("ClickHouse", clickHouse::stop));
        ClickHouseClient sql = ClickHouseClient.connect(clickHouse.url());
        started.push(new Step("ClickHouse client", sql));
        List<Integer> applied = Schema.migrate(sql, s.database());
        ClickHouseClient db = sql.withDatabase(s.database());
        say("ClickHouse " + clickHouse.url() + " database " + s.database()
                + (applied.isEmpty() ? " (schema up to date)" : " (migrations applied: " + applied + ")"));

        say("starting Kafka ...");
        KafkaBroker kafka = KafkaBroker.start(var.resolve("kafka"));
        started.push(new Step("Kafka broker", kafka));
        kafka.createTopics(List.of(
                new KafkaBroker.NewTopicSpec(Topics.SESSION_EVENTS, 3, false),
                new KafkaBroker.NewTopicSpec(Topics.SESSION_EVENTS_DLQ, 1, false),
                new KafkaBroker.NewTopicSpec(Topics.QUEUE_EWT, 1, true)));

        say("starting Flink (MiniCluster) ...");
        LocalFlinkCluster flink = LocalFlinkCluster.start(s.flinkPorts(), 4, var.resolve("flink-checkpoints"));
        started.push(new Step("Flink jobs and MiniCluster", flink));
        ClickHouseSinkOptions sink = ClickHouseSinkOptions.of(clickHouse.url(), s.database());
        RuntimeOptions runtime = RuntimeOptions.defaults().withParallelism(1);
        flink.submit(RawEventsJob.JOB_NAME, env -> RawEventsJob.build(env,
                RawEventsJob.Options.of(kafka.bootstrapServers(), sink).withRuntime(runtime)));
        // the KPI jobs and the API join here, one line each

        EventProducer producer = new EventProducer(kafka.bootstrapServers());
        SimulatorConfig simConfig = SimulatorConfig.defaults()
                .withRate(s.rate())
                .withQueues(SimulatorConfig.queues(s.queues(), SimulatorConfig.DEFAULT_REPS))
                .withSeed(s.seed())
                .withRealTime(true)
                .withDuration(null)
                .withDuplicateShare(s.duplicateShare())
                .withInvalidShare(s.invalidShare());
        TrafficSimulator simulator = new TrafficSimulator(simConfig);
        AtomicLong sent = new AtomicLong();
        Thread simulation = new Thread(() -> {
            try {
                simulator.run(new SimulationSink() {
                    @Override
                    public void event(SessionEvent event) {
                        producer.send(event);
                        sent.incrementAndGet();
                    }

                    @Override
                    public void invalidLine(String line) {
                        producer.sendRaw(line);
                        sent.incrementAndGet();
                    }
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                if (!stopping) {
                    System.err.println("demo: the simulator stopped: " + e);
                }
            }
        }, "demo-simulator");
        started.push(new Step("simulator", () -> {
            simulator.stop();
            simulation.interrupt();
            simulation.join(10_000);
            producer.close();
        }));
        simulation.start();

        printWhere(s, clickHouse, kafka, flink);

        Thread counter = new Thread(() -> liveCounter(db, sent, simulator), "demo-counter");
        counter.setDaemon(true);
        started.push(new Step("live counter", counter::interrupt));
        counter.start();
    }

    /**
     * CHATKPI_CLICKHOUSE_URL's server, else the one {@code ./chatkpi clickhouse start} left running on this data dir
     * (reused, left running), else a new one. A new one is started detached, in its own session: Ctrl-C must not
     * reach it before the jobs have flushed their last batches, so this JVM's shutdown stops it, in order.
     */
    private static ClickHouseServer clickHouse(Path dataDir) {
        var fromEnv = ClickHouseServer.fromEnvironment();
        if (fromEnv.isPresent()) {
            say("using the ClickHouse server of " + ClickHouseServer.URL_ENV);
            return fromEnv.get();
        }
        var running = ClickHouseServer.RunningServer.read(dataDir.toAbsolutePath().normalize());
        if (running.isPresent() && running.get().isAlive()) {
            say("using the ClickHouse server already running on " + dataDir + " (pid " + running.get().pid()
                    + "; ./chatkpi clickhouse stop stops it)");
            return ClickHouseServer.external(running.get().url());
        }
        say("starting ClickHouse ...");
        return ClickHouseServer.start(dataDir, true, 0);
    }

    private static void printWhere(Settings s, ClickHouseServer clickHouse, KafkaBroker kafka, LocalFlinkCluster flink)
            throws Exception {
        String url = clickHouse.url();
        System.out.println();
        System.out.println("chatkpi demo is running (Ctrl-C stops everything)");
        System.out.println("  Kafka bootstrap     " + kafka.bootstrapServers() + "  topics: " + Topics.SESSION_EVENTS
                + ", " + Topics.SESSION_EVENTS_DLQ + ", " + Topics.QUEUE_EWT + "  (log dir " + kafka.logDir() + ")");
        System.out.println("  ClickHouse HTTP     " + url + "  database " + s.database()
                + (clickHouse.isExternal() ? "  (external server)" : "  (data under " + clickHouse.baseDir().orElse(null) + ")"));
        System.out.println("  Flink REST API      " + flink.restAddress() + "/jobs/overview");
        System.out.println("  simulator           " + s.rate() + " sessions/min over " + String.join(",", s.queues())
                + ", seed " + s.seed() + ", real time");
        System.out.println("  try:  curl -s '" + url + "/?database=" + s.database() + "' --data-binary "
                + "'SELECT type, count() AS events FROM session_events FINAL GROUP BY type ORDER BY events DESC'");
        System.out.println("        curl -s '" + url + "/?database=" + s.database() + "' --data-binary "
                + "'SELECT reason, count() FROM rejected_events FINAL GROUP BY reason'");
        System.out.println();
    }

    private void liveCounter(ClickHouseClient db, AtomicLong sent, TrafficSimulator simulator) {
        String query = SqlResources.load("queries/demo_landing_counts.sql");
        while (!stopping) {
            try {
                Thread.sleep(2_000);
                JsonNode row = db.queryJson(query).get(0);
                System.out.printf("%s  sent %,d (duplicates %,d, invalid %,d)   in ClickHouse: session_events %,d  rejected_events %,d%n",
                        LocalTime.now().format(CLOCK), sent.get(), simulator.duplicates(), simulator.invalidLines(),
                        row.get("events").asLong(), row.get("rejected").asLong());
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!stopping) {
                    System.out.println(LocalTime.now().format(CLOCK) + "  (counter: ClickHouse did not answer: " + e.getMessage() + ")");
                }
            }
        }
    }

    /** Stops what was started, newest first; each step on its own so that one failure does not leave the rest running. */
    private void stopAll() {
        synchronized (this) {
            if (stopping && stopped.getCount() == 0) {
                return;
            }
            stopping = true;
            System.out.println();
            while (!started.isEmpty()) {
                Step step = started.pop();
                long t0 = System.nanoTime();
                try {
                    step.resource().close();
                    say("stopped " + step.name() + " (" + Duration.ofNanos(System.nanoTime() - t0).toMillis() + " ms)");
                } catch (Exception e) {
                    say("stopping " + step.name() + " failed: " + e);
                }
            }
            stopped.countDown();
        }
    }

    private static void say(String message) {
        System.out.println("demo: " + message);
    }
}
