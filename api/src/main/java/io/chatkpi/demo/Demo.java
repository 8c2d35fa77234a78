package io.chatkpi.demo;

import io.chatkpi.api.ApiConfig;
import io.chatkpi.api.ApiMain;
import io.chatkpi.api.auth.Role;
import io.chatkpi.ingest.cli.IngestCli;
import io.chatkpi.ingest.event.SessionEvent;
import io.chatkpi.ingest.kafka.EventProducer;
import io.chatkpi.ingest.kafka.Topics;
import io.chatkpi.ingest.sim.SimulationSink;
import io.chatkpi.ingest.sim.SimulatorConfig;
import io.chatkpi.ingest.sim.TrafficSimulator;
import io.chatkpi.ingest.stack.ClickHouseClient;
import io.chatkpi.ingest.stack.ClickHouseServer;
import io.chatkpi.ingest.stack.KafkaBroker;
import io.chatkpi.ingest.stack.Schema;
import io.chatkpi.jobs.common.JobConfig;
import io.chatkpi.jobs.common.RuntimeOptions;
import io.chatkpi.jobs.kpi.KpiJob;
import io.chatkpi.jobs.landing.RawEventsJob;
import io.chatkpi.jobs.sink.ClickHouseSinkOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code ./chatkpi demo}: the whole stack on this machine. The project's own ClickHouse (./var/clickhouse, schema
 * migrated), an in-JVM Kafka broker (./var/kafka, its address written to ./var/kafka/bootstrap for
 * {@code ./chatkpi ingest}), the landing and KPI jobs on a Flink MiniCluster in this JVM, the reporting API, and the
 * simulator sending real-time traffic. Prints where everything is and a live counter; Ctrl-C (or {@link #close()})
 * stops it all, in reverse order.
 */
public final class Demo implements AutoCloseable {

    static final String USAGE = """
            usage: ./chatkpi demo [options]
              --rate N            session arrivals per minute (default 120: about 10 events a second)
              --queues a,b,c      queues (default billing,tech,general)
              --seed S            simulator seed (default: the current time, so runs never reuse event ids)
              --duplicate-share X share of events sent twice, to show deduplication (default 0.01)
              --invalid-share X   share of extra invalid lines, to show rejection (default 0.005)
              --api-port P        reporting API and dashboard port (default $CHATKPI_API_PORT, else 7070; 0 = any free);
                                  it listens on 127.0.0.1 only, unless CHATKPI_API_HOST names another interface
              --flink-ports P-Q   Flink REST port range (default 8081-8099)
              --database DB       ClickHouse database (default chatkpi)
            CHATKPI_CLICKHOUSE_URL=http://host:port uses an existing ClickHouse instead of starting one.
            CHATKPI_API_KEYS="chat-service:K1,manager:K2,analyst:K3" sets the API keys; without it the demo
            generates one key per role and prints them.""";

    /** What was started, stopped in reverse order. */
    private final Deque<Step> started = new ArrayDeque<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread shutdownHook = new Thread(this::close, "demo-shutdown");
    private final Settings settings;
    private final PrintStream out;
    private volatile boolean stopping;

    private volatile ClickHouseServer clickHouse;
    private volatile KafkaBroker kafka;
    private volatile ApiMain.Running api;
    private volatile DemoApiKeys keys;

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
            settings = Settings.from(JobConfig.fromArgs(args, System.getenv()), System.getenv(),
                    Path.of(System.getProperty("chatkpi.home", ".")));
            settings.checkApiPortFree();
        } catch (IllegalArgumentException e) {
            System.err.println("demo: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        Demo demo = new Demo(settings, System.out);
        try {
            demo.start();
        } catch (Exception e) {
            System.err.println("demo: could not start: " + e);
            demo.close();
            System.exit(1);
        }
        demo.awaitStopped();
    }

    /**
     * The demo's options. {@code clickHouseUrl} is an existing server to use (CHATKPI_CLICKHOUSE_URL), null to run
     * the project's own; {@code api} is the API's configuration from the environment (keys, limits), its port already
     * the demo's.
     */
    public record Settings(double rate, List<String> queues, long seed, double duplicateShare, double invalidShare,
                           String flinkPorts, String database, Path home, String clickHouseUrl, ApiConfig api) {

        /** {@code --api-port} falls back to CHATKPI_API_PORT through {@link JobConfig}'s environment lookup. */
        public static Settings from(JobConfig config, Map<String, String> env, Path home) {
            String clickHouseUrl = env.get(ClickHouseServer.URL_ENV);
            Settings s = new Settings(
                    Double.parseDouble(config.get("rate", "120")),
                    List.of(config.get("queues", "billing,tech,general").split("\\s*,\\s*")),
                    config.getLong("seed", System.currentTimeMillis()),
                    Double.parseDouble(config.get("duplicate-share", "0.01")),
                    Double.parseDouble(config.get("invalid-share", "0.005")),
                    config.get("flink-ports", "8081-8099"),
                    config.get("database", ClickHouseServer.DEFAULT_DATABASE),
                    home.toAbsolutePath().normalize(),
                    clickHouseUrl == null || clickHouseUrl.isBlank() ? null : clickHouseUrl.trim(),
                    demoHost(ApiConfig.load(env, null, false), env)
                            .withPort(config.getInt("api-port", ApiConfig.DEFAULT_PORT)));
            Set<String> unknown = config.unknownArguments();
            if (!unknown.isEmpty()) {
                throw new IllegalArgumentException("unknown option(s): --" + String.join(", --", unknown));
            }
            return s;
        }

        /** Fails before anything is started rather than after half a minute of start-up. */
        void checkApiPortFree() {
            if (api.port() == 0) return;
            try {
                new ServerSocket(api.port()).close();
            } catch (IOException e) {
                throw new IllegalArgumentException("the API port " + api.port() + " is taken (" + e.getMessage()
                        + "): choose another with --api-port P (0 = any free port)");
            }
        }

        Path bootstrapFile() {
            return home.resolve(IngestCli.LOCAL_STACK_BOOTSTRAP_FILE);
        }
    }

    public Demo(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    /**
     * Starts everything, then returns (the counter keeps printing). On failure what was started is stopped before the
     * exception propagates. A JVM shutdown (Ctrl-C) stops the demo too, also while it is still starting.
     */
    public void start() throws Exception {
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try {
            startAll();
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    private void startAll() throws Exception {
        Settings s = settings;
        Path var = s.home().resolve("var");
        clickHouse = clickHouse(var.resolve("clickhouse"));
        // stop(), not close(): the server runs in its own session (so that Ctrl-C reaches only this JVM) and is
        // stopped here, last, after the jobs have flushed; stop() does nothing for a server this demo did not start
        push("ClickHouse", clickHouse::stop);
        ClickHouseClient sql = ClickHouseClient.connect(clickHouse.url());
        push("ClickHouse client", sql);
        List<Integer> applied = Schema.migrate(sql, s.database());
        ClickHouseClient db = sql.withDatabase(s.database());
        say("ClickHouse " + clickHouse.url() + " database " + s.database()
                + (applied.isEmpty() ? " (schema up to date)" : " (migrations applied: " + applied + ")"));

        say("starting Kafka ...");
        kafka = KafkaBroker.start(var.resolve("kafka"));
        push("Kafka broker", kafka);
        kafka.createTopics(List.of(
                new KafkaBroker.NewTopicSpec(Topics.SESSION_EVENTS, 3, false),
                new KafkaBroker.NewTopicSpec(Topics.SESSION_EVENTS_DLQ, 1, false),
                new KafkaBroker.NewTopicSpec(Topics.QUEUE_EWT, 1, true)));
        Path bootstrapFile = s.bootstrapFile();
        writeAtomically(bootstrapFile, kafka.bootstrapServers() + "\n");
        push("Kafka address file " + IngestCli.LOCAL_STACK_BOOTSTRAP_FILE, () -> Files.deleteIfExists(bootstrapFile));

        say("starting Flink (MiniCluster) and the jobs ...");
        LocalFlinkCluster flink = LocalFlinkCluster.start(s.flinkPorts(), 4, var.resolve("flink-checkpoints"));
        push("Flink jobs and MiniCluster", flink);
        ClickHouseSinkOptions sink = ClickHouseSinkOptions.of(clickHouse.url(), s.database());
        RuntimeOptions runtime = RuntimeOptions.defaults().withParallelism(1);
        flink.submit(RawEventsJob.JOB_NAME, env -> RawEventsJob.build(env,
                RawEventsJob.Options.of(kafka.bootstrapServers(), sink).withRuntime(runtime)));
        flink.submit(KpiJob.JOB_NAME, env -> KpiJob.build(env,
                KpiJob.Options.of(kafka.bootstrapServers(), sink).withRuntime(runtime)));

        say("starting the reporting API ...");
        ApiConfig apiConfig = apiConfig(s);
        api = ApiMain.start(apiConfig, Clock.systemUTC());
        push("reporting API", api);

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
        push("simulator", () -> {
            simulator.stop();
            simulation.interrupt();
            simulation.join(10_000);
            producer.close();
        });
        simulation.start();

        printWhere(flink);

        LiveCounter counter = new LiveCounter(out, db, apiUrl(), keys.ewtReader(), sent, simulator);
        Thread counting = new Thread(counter, "demo-counter");
        counting.setDaemon(true);
        push("live counter", () -> {
            counter.stop();
            counting.interrupt();
        });
        counting.start();
    }

    /**
     * The API on the demo's own ClickHouse (its read/write user, and the read-only analyst user for SQL) and broker;
     * keys from CHATKPI_API_KEYS, else one generated per role for this run.
     */
    /** The demo's API answers this machine only, unless CHATKPI_API_HOST says otherwise. */
    public static ApiConfig demoHost(ApiConfig config, Map<String, String> env) {
        return env.containsKey("CHATKPI_API_HOST") ? config : config.withHost("127.0.0.1");
    }

    private ApiConfig apiConfig(Settings s) {
        ApiConfig c = s.api().withKafkaBootstrap(kafka.bootstrapServers());
        if (clickHouse.isExternal()) {
            // someone else's server: its users are whatever CHATKPI_CLICKHOUSE_USER / _ANALYST_USER say
            c = c.withClickHouse(clickHouse.url(), s.database(), c.clickhouseUser(), c.clickhousePassword());
        } else {
            // the project's server: users.xml defines these two, both without password, loopback only
            c = c.withClickHouse(clickHouse.url(), s.database(), "default", "")
                    .withAnalyst(ClickHouseServer.ANALYST_USER, "");
        }
        keys = c.apiKeys().isEmpty() ? DemoApiKeys.generate() : DemoApiKeys.configured(c.apiKeys());
        return c.withKeys(keys.all());
    }

    /**
     * CHATKPI_CLICKHOUSE_URL's server, else the one {@code ./chatkpi clickhouse start} left running on this data dir
     * (reused, left running), else a new one. A new one is started detached, in its own session: Ctrl-C must not
     * reach it before the jobs have flushed their last batches, so this JVM's shutdown stops it, in order.
     */
    private ClickHouseServer clickHouse(Path dataDir) {
        if (settings.clickHouseUrl() != null) {
            say("using the ClickHouse server of " + ClickHouseServer.URL_ENV);
            return ClickHouseServer.external(settings.clickHouseUrl());
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

    private void printWhere(LocalFlinkCluster flink) throws Exception {
        Settings s = settings;
        String ch = clickHouse.url();
        String apiUrl = apiUrl();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        PrintStream o = out;
        o.println();
        o.println("chatkpi demo is running (Ctrl-C stops everything)");
        o.println("  Dashboard           " + apiUrl + "/");
        o.println("  Reporting API       " + apiUrl + "/api/v1/...  (OpenAPI: " + apiUrl + "/openapi.json)");
        if (keys.generated()) {
            o.println("  API keys            generated for this run (set CHATKPI_API_KEYS=\"role:key,...\" to choose them)");
            for (Role role : Role.values()) {
                o.printf("                        %-13s %s%n", role.id(), keys.keyOf(role).orElseThrow());
            }
        } else {
            o.println("  API keys            from CHATKPI_API_KEYS (" + keys.all().size() + " keys; not shown)");
        }
        o.println("  Kafka bootstrap     " + kafka.bootstrapServers() + "  topics: " + Topics.SESSION_EVENTS
                + ", " + Topics.SESSION_EVENTS_DLQ + ", " + Topics.QUEUE_EWT + "  (log dir " + kafka.logDir() + ")");
        o.println("                      address in " + s.bootstrapFile()
                + ": ./chatkpi ingest --file F.jsonl sends to this broker");
        o.println("  ClickHouse HTTP     " + ch + "  database " + s.database()
                + (clickHouse.isExternal() ? "  (external server)" : "  (data under " + clickHouse.baseDir().orElse(null) + ")"));
        o.println("  Flink REST API      " + flink.restAddress() + "/jobs/overview  (jobs: " + RawEventsJob.JOB_NAME
                + ", " + KpiJob.JOB_NAME + ")");
        o.println("  simulator           " + s.rate() + " sessions/min over " + String.join(",", s.queues())
                + ", seed " + s.seed() + ", real time");
        o.println("  try:  curl -H \"Authorization: Bearer " + keys.shown(Role.CHAT_SERVICE) + "\" "
                + apiUrl + "/api/v1/queues/ewt");
        o.println("        curl -H \"Authorization: Bearer " + keys.shown(Role.MANAGER) + "\" '" + apiUrl
                + "/api/v1/kpis/summary?from=" + today + "&to=" + today.plusDays(1) + "'");
        o.println("        curl -H \"Authorization: Bearer " + keys.shown(Role.MANAGER) + "\" '" + apiUrl
                + "/api/v1/kpis?from=" + today + "&to=" + today.plusDays(1) + "&granularity=1h'");
        o.println("        curl -s '" + ch + "/?database=" + s.database() + "' --data-binary "
                + "'SELECT queueId, status, count() AS sessions FROM sessions FINAL GROUP BY queueId, status ORDER BY queueId, status'");
        o.println("        curl -s '" + ch + "/?database=" + s.database() + "' --data-binary "
                + "'SELECT reason, count() FROM rejected_events FINAL GROUP BY reason'");
        o.println();
    }

    /** http://localhost:PORT, with the port the API actually listens on. */
    public String apiUrl() {
        return "http://localhost:" + api.app().port();
    }

    /** The ClickHouse server in use (its process, if the demo started it). */
    public ClickHouseServer clickHouse() {
        return clickHouse;
    }

    public KafkaBroker kafka() {
        return kafka;
    }

    public DemoApiKeys keys() {
        return keys;
    }

    /** Blocks until {@link #close()} has stopped everything. */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    /** Registers a started part; if the demo is already stopping (Ctrl-C during start-up) stops it at once. */
    private void push(String name, AutoCloseable resource) throws Exception {
        synchronized (this) {
            if (!stopping) {
                started.push(new Step(name, resource));
                return;
            }
        }
        resource.close();
        throw new IllegalStateException("stopped while starting");
    }

    /** Stops what was started, newest first; each step on its own so that one failure does not leave the rest running. */
    @Override
    public void close() {
        synchronized (this) {
            if (stopped.getCount() == 0) {
                return;
            }
            stopping = true;
            out.println();
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
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook runs (or ran) anyway and finds nothing left to stop
            }
        }
    }

    private static void writeAtomically(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private void say(String message) {
        out.println("demo: " + message);
    }
}
