package io.chatkpi.ingest.stack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Kafka broker in this JVM: KRaft mode, one process acting as broker and controller, made
 * of Kafka's own server classes (the same code as a production broker, not a mock). Loopback only, free ports, log
 * dir under a given directory (e.g. {@code ./var/kafka}); every replication factor is 1.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Path logDir;
    private volatile boolean stopped;

    private KafkaBroker(KafkaRaftServer server, String bootstrapServers, Path logDir) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.logDir = logDir;
    }

    /**
     * Formats {@code dir} (if it is not formatted yet: a restarted broker keeps its topics) and starts a broker on
     * free loopback ports; returns once it answers {@code describeCluster}.
     */
    public static KafkaBroker start(Path dir) {
        Path logDir = dir.toAbsolutePath().normalize();
        int brokerPort = ClickHouseServer.freePort();
        int controllerPort = ClickHouseServer.freePort();
        while (controllerPort == brokerPort) {
            controllerPort = ClickHouseServer.freePort();
        }
        Properties props = config(logDir, brokerPort, controllerPort);
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        format(logDir, props);
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        server.startup();
        String bootstrap = "127.0.0.1:" + brokerPort;
        KafkaBroker broker = new KafkaBroker(server, bootstrap, logDir);
        try {
            broker.awaitReady();
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
        LOG.info("Kafka broker ready at {} (log dir {})", bootstrap, logDir);
        return broker;
    }

    static Properties config(Path logDir, int brokerPort, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        p.put("num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("min.insync.replicas", "1");
        // A consumer group of one member should start consuming at once, not after the default 3 s.
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "true");
        // Flink's exactly-once Kafka sink keeps transactions open for up to a checkpoint interval and more.
        p.put("transaction.max.timeout.ms", "3600000");
        p.put("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
        return p;
    }

    private static void format(Path logDir, Properties props) {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        Path configFile = logDir.resolve("server.properties");
        try (var out = Files.newOutputStream(configFile)) {
            props.store(out, "chatkpi's in-JVM Kafka broker (KRaft, broker+controller)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int rc;
        try (PrintStream printer = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            rc = StorageTool.execute(new String[] {
                "format", "--cluster-id", Uuid.randomUuid().toString(), "--config", configFile.toString(),
                "--ignore-formatted"}, printer);
        }
        if (rc != 0) {
            throw new IllegalStateException("formatting the Kafka log dir " + logDir + " failed (" + rc + "): "
                + captured.toString(StandardCharsets.UTF_8));
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        RuntimeException last = null;
        try (Admin admin = admin()) {
            while (System.nanoTime() < deadline) {
                try {
                    int nodes = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
                    if (nodes > 0) {
                        return;
                    }
                } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                    last = new IllegalStateException(e.getMessage(), e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for Kafka", e);
                }
                sleep(100);
            }
        }
        throw new IllegalStateException("Kafka broker at " + bootstrapServers + " not ready within " + START_TIMEOUT,
            last);
    }

    /** {@code host:port} for the clients' {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Path logDir() {
        return logDir;
    }

    /** A new admin client of this broker; the caller closes it. */
    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
    }

    /**
     * Creates a topic (replication factor 1) unless it exists.
     *
     * @param compacted {@code cleanup.policy=compact}, for topics keyed by an entity whose latest value counts
     */
    public void createTopic(String name, int partitions, boolean compacted) {
        createTopics(List.of(new NewTopicSpec(name, partitions, compacted)));
    }

    /** Creates the topics that do not exist yet. */
    public void createTopics(List<NewTopicSpec> topics) {
        List<NewTopic> requests = new ArrayList<>();
        for (NewTopicSpec t : topics) {
            NewTopic topic = new NewTopic(t.name(), t.partitions(), (short) 1);
            if (t.compacted()) {
                topic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            }
            requests.add(topic);
        }
        try (Admin admin = admin()) {
            var result = admin.createTopics(requests);
            for (var entry : result.values().entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + entry.getKey() + ": "
                            + e.getCause().getMessage(), e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("creating topics timed out", e);
        }
    }

    /** A topic to create: name, partition count, compacted or not. */
    public record NewTopicSpec(String name, int partitions, boolean compacted) {
    }

    /** Stops the broker (controlled shutdown); the log dir stays for a restart. */
    @Override
    public void close() {
        if (stopped) {
            return;
        }
        stopped = true;
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.warn("Kafka broker shutdown failed", e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
