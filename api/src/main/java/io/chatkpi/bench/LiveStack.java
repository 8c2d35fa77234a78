package io.chatkpi.bench;

import io.chatkpi.api.auth.Role;
import io.chatkpi.ingest.event.SessionEvent;
import io.chatkpi.ingest.kafka.EventProducer;
import io.chatkpi.ingest.kafka.Topics;
import io.chatkpi.ingest.sim.SimulationSink;
import io.chatkpi.ingest.sim.SimulatorConfig;
import io.chatkpi.ingest.sim.TrafficSimulator;
import io.chatkpi.ingest.stack.KafkaBroker;
import io.chatkpi.jobs.kpi.KpiJob;
import io.chatkpi.jobs.landing.RawEventsJob;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The whole stack live, as in production: the landing and KPI jobs following a fresh topic, the API in a JVM of its
 * own ({@link ApiProcess}: its EWT feed on the queue-ewt topic, ClickHouse for the KPIs) with generated keys, and the
 * simulator producing in real time at a steady rate. The freshness probe and the API load run against it.
 */
final class LiveStack implements AutoCloseable {

    static final List<String> QUEUES = List.of("billing", "tech", "general");
    /**
     * Minutes a session holds one of its rep's slots, with a margin: enough reps for the arrivals keeps the queues
     * realistic (short waits, few abandons) instead of overflowing, whatever the rate.
     */
    private static final double SLOT_MINUTES_WITH_MARGIN = 15;
    private static final long API_START_SECONDS = 120;

    final String topic;
    final ApiProcess api;
    final String chatKey;
    final String managerKey;
    final EventProducer producer;
    private final BenchStack stack;
    private TrafficSimulator simulator;
    private Thread simulation;
    private final AtomicLong simulated = new AtomicLong();

    private LiveStack(BenchStack stack, String topic, ApiProcess api, String chatKey, String managerKey,
                      EventProducer producer) {
        this.stack = stack;
        this.topic = topic;
        this.api = api;
        this.chatKey = chatKey;
        this.managerKey = managerKey;
        this.producer = producer;
    }

    static LiveStack start(BenchStack stack, BenchOptions options) throws Exception {
        String topic = "bench-live-" + stack.runId;
        stack.kafka.createTopics(List.of(
                new KafkaBroker.NewTopicSpec(topic, options.partitions(), false),
                new KafkaBroker.NewTopicSpec(topic + "-dlq", 1, false),
                new KafkaBroker.NewTopicSpec(Topics.QUEUE_EWT, 1, true)));
        RawEventsJob.Options landing = stack.landingJob(topic, "bench-live-landing");
        KpiJob.Options kpis = stack.kpiJob(topic, Topics.QUEUE_EWT, "bench-live-kpis")
                .withOutOfOrderness(Duration.ofMillis(options.outOfOrdernessMs()));
        stack.flink.submit(RawEventsJob.JOB_NAME, env -> RawEventsJob.build(env, landing));
        stack.flink.submit(KpiJob.JOB_NAME, env -> KpiJob.build(env, kpis));

        String chatKey = newKey();
        String managerKey = newKey();
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("CHATKPI_API_HOST", "127.0.0.1");
        settings.put("CHATKPI_API_KEYS", Role.CHAT_SERVICE.id() + ":" + chatKey + "," + Role.MANAGER.id() + ":"
                + managerKey);
        settings.put("CHATKPI_CLICKHOUSE_URL", stack.clickHouse.url());
        settings.put("CHATKPI_CLICKHOUSE_DATABASE", stack.database);
        settings.put("CHATKPI_CLICKHOUSE_USER", "default");
        settings.put("CHATKPI_CLICKHOUSE_PASSWORD", "");
        settings.put("CHATKPI_KAFKA_BOOTSTRAP", stack.kafka.bootstrapServers());
        // no rate limit worth the name (the load is the point), and room for the 10-million-session queries
        settings.put("CHATKPI_API_RATE_LIMIT", Integer.toString(Integer.MAX_VALUE));
        settings.put("CHATKPI_API_QUERY_TIMEOUT_SECONDS", Long.toString(Duration.ofMinutes(5).toSeconds()));
        Path log = stack.home.resolve("var").resolve("bench").resolve("api-process.log");
        ApiProcess api = stack.own(ApiProcess.start(stack.home, settings, options.apiJvmOptions(), log,
                API_START_SECONDS));
        Progress.say("live: jobs following %s, API in its own JVM (pid %d, %s) on port %d, log %s", topic, api.pid(),
                options.apiJvmOptions(), api.port(), log);
        awaitReady(api, API_START_SECONDS);
        EventProducer producer = stack.own(new EventProducer(EventProducer.config(stack.kafka.bootstrapServers()), topic));
        LiveStack live = new LiveStack(stack, topic, api, chatKey, managerKey, producer);
        stack.own(live);
        return live;
    }

    /** Another producer into the live topic, closed with the stack. */
    EventProducer newProducer() {
        return stack.own(new EventProducer(EventProducer.config(stack.kafka.bootstrapServers()), topic));
    }

    int apiPort() {
        return api.port();
    }

    /** Until /ready answers 200: ClickHouse answers and the EWT feed has read the queue-ewt topic to its end. */
    private static void awaitReady(ApiProcess api, long timeoutSeconds) throws Exception {
        String last = "no answer";
        try (HttpConnection http = new HttpConnection("127.0.0.1", api.port(), null)) {
            long until = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
            while (System.nanoTime() < until && api.alive()) {
                try {
                    HttpConnection.Response r = http.get("/ready");
                    if (r.status() == 200) return;
                    last = r.status() + " " + r.body();
                } catch (java.io.IOException e) {
                    last = e.toString();
                }
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("the API process (pid " + api.pid() + ") was not ready within "
                + timeoutSeconds + " s: " + last + "; see " + api.log());
    }

    /**
     * Starts the simulator in real time at {@code eventsPerSecond}: arrivals per minute from the events one session
     * makes, and enough reps that the queues stay realistic rather than overflowing.
     */
    void simulate(double eventsPerSecond, double eventsPerSession) {
        double arrivalsPerMinute = eventsPerSecond * 60 / eventsPerSession;
        SimulatorConfig config = traffic(arrivalsPerMinute)
                .withSeed(System.currentTimeMillis())
                .withRealTime(true)
                .withDuration(null);
        simulator = new TrafficSimulator(config);
        simulation = new Thread(() -> {
            try {
                simulator.run(new SimulationSink() {
                    @Override
                    public void event(SessionEvent event) {
                        producer.send(event);
                        simulated.incrementAndGet();
                    }
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                Progress.say("live: the simulator stopped: %s", e);
            }
        }, "bench-simulator");
        simulation.setDaemon(true);
        simulation.start();
        Progress.say("live: simulator at %,.0f events/s (%,.0f sessions/min at %.1f events each, %d reps per queue)",
                eventsPerSecond, arrivalsPerMinute, eventsPerSession, config.queues().get(0).reps());
    }

    /**
     * The simulated contact center at this arrival rate: the three queues, staffed for it and open around the clock
     * (a benchmark at 3 a.m. must not measure closed queues).
     */
    static SimulatorConfig traffic(double arrivalsPerMinute) {
        int reps = (int) Math.max(SimulatorConfig.DEFAULT_REPS, Math.ceil(arrivalsPerMinute * SLOT_MINUTES_WITH_MARGIN
                / SimulatorConfig.DEFAULT_CONCURRENCY / QUEUES.size()));
        return SimulatorConfig.defaults().withRate(arrivalsPerMinute).withQueues(SimulatorConfig.queues(QUEUES, reps)
                .stream().map(q -> q.withHours(0, 24, true).withMaxWaiting(Math.max(q.maxWaiting(), reps))).toList());
    }

    long simulatedEvents() {
        return simulated.get();
    }

    /** Stops the traffic and the jobs; the API keeps serving what it holds. */
    void stopTraffic() throws InterruptedException {
        if (simulator != null) {
            simulator.stop();
            simulation.interrupt();
            simulation.join(10_000);
            simulator = null;
        }
        stack.flink.cancelAll();
    }

    private static String newKey() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return "bench-" + HexFormat.of().formatHex(b);
    }

    @Override
    public void close() throws Exception {
        stopTraffic();
    }
}
