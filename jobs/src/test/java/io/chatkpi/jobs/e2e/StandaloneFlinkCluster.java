package io.chatkpi.jobs.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatkpi.ingest.stack.ProcessStop;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.jobmanager.JobManagerProcessSpec;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;

/**
 * A Flink standalone session cluster as a Flink distribution's scripts start it, without the distribution: one
 * JobManager ({@code StandaloneSessionClusterEntrypoint}) and one TaskManager ({@code TaskManagerRunner}), each its
 * own JVM on Flink's jars only (what a distribution's {@code lib/} holds; the build writes that classpath), a
 * {@code conf/config.yaml} on loopback with free ports, and {@code bin/flink} as {@code CliFrontend} in a JVM of its
 * own with {@code FLINK_CONF_DIR}. Like {@code jobmanager.sh}/{@code taskmanager.sh}, the JVM memory flags and the
 * derived memory options ({@code -D key=value} after {@code --configDir}) come from Flink's own process-memory
 * calculation (what {@code BashJavaUtils} prints for the scripts).
 *
 * <p>{@link #close()} ends every process it started (also from a shutdown hook, should the test JVM be stopped).
 */
final class StandaloneFlinkCluster implements AutoCloseable {

    static final String JOB_MANAGER = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    static final String TASK_MANAGER = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    static final String CLI = "org.apache.flink.client.cli.CliFrontend";

    /** The distribution's {@code env.java.opts.all} for Java 17 (its default {@code conf/config.yaml}). */
    static final List<String> JAVA_17_OPTS = List.of(
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED",
            "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    /**
     * What {@code conf/config.yaml} gives every Flink JVM here ({@code env.java.opts.all}): the Java 17 options, and
     * C1 only and the serial collector, as these JVMs live for a minute with small heaps on a 2-core machine that
     * is running the build too: most of their CPU would otherwise go to C2 compiles and G1's threads.
     */
    static final List<String> JVM_OPTS = Stream.concat(JAVA_17_OPTS.stream(),
            Stream.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")).toList();

    private static final ObjectMapper JSON = new ObjectMapper();

    final Path home;
    final Path conf;
    final Path logs;
    final Path savepoints;
    final int restPort;
    final int slots;
    private final String classpath;
    private final Map<String, Process> daemons = new LinkedHashMap<>();
    private final List<Process> clients = new ArrayList<>();
    private final AtomicInteger clientRuns = new AtomicInteger();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Thread killOnExit = new Thread(this::destroyAll, "standalone-flink-cluster-kill");

    private StandaloneFlinkCluster(Path home, String classpath, int restPort, int slots) {
        this.home = home;
        this.conf = home.resolve("conf");
        this.logs = home.resolve("log");
        this.savepoints = home.resolve("savepoints");
        this.classpath = classpath;
        this.restPort = restPort;
        this.slots = slots;
    }

    /**
     * Writes {@code home/conf} and starts the JobManager and the TaskManager (not waiting for them: {@link
     * #awaitReady}).
     *
     * @param flinkLib the classpath of Flink's jars
     */
    static StandaloneFlinkCluster start(Path home, String flinkLib, int slots) throws IOException {
        StandaloneFlinkCluster cluster = new StandaloneFlinkCluster(home, flinkLib, freePort(), slots);
        Runtime.getRuntime().addShutdownHook(cluster.killOnExit);
        try {
            cluster.writeConf();
            Configuration config = GlobalConfiguration.loadConfiguration(cluster.conf.toString());
            JobManagerProcessSpec jm = JobManagerProcessUtils.processSpecFromConfig(config);
            cluster.startDaemon("standalonesession", JOB_MANAGER,
                    JobManagerProcessUtils.generateJvmParametersStr(jm, config),
                    JobManagerProcessUtils.generateDynamicConfigsStr(jm));
            TaskExecutorProcessSpec tm = TaskExecutorProcessUtils.processSpecFromConfig(config);
            cluster.startDaemon("taskexecutor", TASK_MANAGER, ProcessMemoryUtils.generateJvmParametersStr(tm),
                    TaskExecutorProcessUtils.generateDynamicConfigsStr(tm));
            return cluster;
        } catch (IOException | RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** The classpath of Flink's jars from the files the build wrote (comma-separated paths of classpath files). */
    static String flinkLibFromBuild(String classpathFiles) {
        return Arrays.stream(classpathFiles.split(","))
                .map(f -> {
                    try {
                        return Files.readString(Path.of(f.trim())).trim();
                    } catch (IOException e) {
                        throw new UncheckedIOException("run through `mvn verify`: the build writes " + f, e);
                    }
                })
                .collect(Collectors.joining(File.pathSeparator));
    }

    private void writeConf() throws IOException {
        Files.createDirectories(conf);
        Files.createDirectories(logs);
        Files.createDirectories(savepoints);
        String config = String.join("\n",
                "env.java.opts.all: " + String.join(" ", JVM_OPTS),
                "jobmanager.bind-host: 127.0.0.1",
                "jobmanager.rpc.address: 127.0.0.1",
                "jobmanager.rpc.port: " + freePort(),
                "jobmanager.memory.process.size: 640m",
                "jobmanager.memory.jvm-metaspace.size: 160m",
                "jobmanager.execution.failover-strategy: region",
                "taskmanager.bind-host: 127.0.0.1",
                "taskmanager.host: 127.0.0.1",
                "taskmanager.numberOfTaskSlots: " + slots,
                "taskmanager.memory.process.size: 1152m",
                "taskmanager.memory.managed.size: 128m",
                "taskmanager.memory.jvm-metaspace.size: 192m",
                "rest.address: 127.0.0.1",
                "rest.bind-address: 127.0.0.1",
                "rest.port: " + restPort,
                "blob.server.port: 0",
                "io.tmp.dirs: " + Files.createDirectories(home.resolve("tmp")),
                "parallelism.default: 1",
                // README's recommendation for the KPI job's keyed state (Production, 4.)
                "state.backend.type: rocksdb",
                "execution.checkpointing.incremental: true",
                "execution.checkpointing.storage: filesystem",
                "execution.checkpointing.dir: " + home.resolve("checkpoints").toUri(),
                "execution.checkpointing.savepoint-dir: " + savepoints.toUri(),
                // the test reads vertex metrics over REST: fresher than the default 10 s
                "metrics.fetcher.update-interval: 500",
                "");
        Files.writeString(conf.resolve("config.yaml"), config);
        // conf/log4j.properties (daemons) and conf/log4j-cli.properties (bin/flink), as in a distribution
        String log4j = String.join("\n",
                "monitorInterval = 0",
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.file.ref = MainAppender",
                "logger.kafka.name = org.apache.kafka",
                "logger.kafka.level = WARN",
                "appender.main.name = MainAppender",
                "appender.main.type = File",
                // true: the RPC system's own class loader configures Log4j a second time on the same file
                "appender.main.append = true",
                "appender.main.fileName = ${sys:log.file}",
                "appender.main.layout.type = PatternLayout",
                "appender.main.layout.pattern = %d{HH:mm:ss,SSS} %-5p %c{1} - %m%n",
                "");
        Files.writeString(conf.resolve("log4j.properties"), log4j);
        Files.writeString(conf.resolve("log4j-cli.properties"), log4j);
    }

    private void startDaemon(String name, String mainClass, String jvmParams, String dynamicConfigs)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.addAll(java());
        command.addAll(words(jvmParams));
        command.addAll(JVM_OPTS);
        command.addAll(logSettings("flink-" + name, "log4j.properties"));
        command.addAll(List.of("-classpath", classpath, mainClass, "--configDir", conf.toString()));
        command.addAll(words(dynamicConfigs));
        Process process = new ProcessBuilder(command)
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(logs.resolve("flink-" + name + ".out").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        daemons.put(name, process);
    }

    /** Waits until the REST API answers and the TaskManager has registered its slots; fails if a daemon died. */
    void awaitReady(Duration deadline) throws Exception {
        long until = System.nanoTime() + deadline.toNanos();
        while (true) {
            checkDaemonsAlive();
            try {
                JsonNode overview = rest("/overview");
                if (overview.path("taskmanagers").asInt() == 1 && overview.path("slots-total").asInt() == slots) {
                    return;
                }
            } catch (IOException notYet) {
                // the REST endpoint is not up yet
            }
            if (System.nanoTime() > until) {
                throw new AssertionError("the Flink cluster was not ready within " + deadline);
            }
            Thread.sleep(200);
        }
    }

    void checkDaemonsAlive() {
        daemons.forEach((name, p) -> {
            if (!p.isAlive()) {
                throw new AssertionError("the Flink " + name + " process ended with exit code " + p.exitValue());
            }
        });
    }

    /** A {@code bin/flink} run in its own JVM; {@link CliRun#await} waits for it. */
    CliRun flink(String... args) throws IOException {
        int n = clientRuns.incrementAndGet();
        Path out = logs.resolve("flink-client-" + n + ".out");
        List<String> command = new ArrayList<>();
        command.addAll(java());
        command.add("-Xmx384m");
        command.addAll(JVM_OPTS);
        command.addAll(logSettings("flink-client-" + n, "log4j-cli.properties"));
        command.addAll(List.of("-classpath", classpath, CLI));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("FLINK_CONF_DIR", conf.toString());
        Process process = builder.start();
        synchronized (clients) {
            clients.add(process);
        }
        return new CliRun(String.join(" ", args), process, out);
    }

    /** A finished or running {@code bin/flink} command. */
    record CliRun(String args, Process process, Path out) {

        /** Waits for the command and returns what it printed; fails unless it exits with 0. */
        String await(Duration deadline) throws Exception {
            if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("flink " + args + " did not end within " + deadline + ":\n" + output());
            }
            String output = output();
            if (process.exitValue() != 0) {
                throw new AssertionError("flink " + args + " exited with " + process.exitValue() + ":\n" + output);
            }
            return output;
        }

        String output() throws IOException {
            return Files.readString(out, StandardCharsets.UTF_8);
        }
    }

    /** GET on the cluster's REST API. */
    JsonNode rest(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPort + path))
                        .timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + ": " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** CPU time each daemon has used so far, e.g. {@code standalonesession 21.3 s}. */
    String daemonsCpu() {
        return daemons.entrySet().stream()
                .map(e -> String.format("%s %.1f s", e.getKey(), e.getValue().info().totalCpuDuration()
                        .map(d -> d.toMillis() / 1e3).orElse(Double.NaN)))
                .collect(Collectors.joining(", "));
    }

    /** Every log and stdout file of the cluster's processes, for a failure's report. */
    String logs() {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.list(logs)) {
            for (Path f : files.sorted().toList()) {
                all.append("\n===== ").append(f).append(" =====\n");
                all.append(Files.readString(f, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            all.append("\n(cannot read the logs: ").append(e).append(")");
        }
        return all.toString();
    }

    /** Ends every process started here: SIGTERM (Flink shuts down cleanly), SIGKILL after 15 s. */
    @Override
    public void close() {
        destroyAll();
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
    }

    private void destroyAll() {
        List<Process> all = new ArrayList<>();
        synchronized (clients) {
            all.addAll(clients);
        }
        all.addAll(daemons.values());
        ProcessStop.terminate(all.stream().map(Process::toHandle).toList(), Duration.ofSeconds(15));
    }

    private List<String> logSettings(String name, String log4jFile) {
        String log4j = "file:" + conf.resolve(log4jFile);
        return List.of("-Dlog.file=" + logs.resolve(name + ".log"), "-Dlog4j.configuration=" + log4j,
                "-Dlog4j.configurationFile=" + log4j);
    }

    private static List<String> words(String s) {
        return Arrays.stream(s.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
    }

    /**
     * The command that runs {@code java}: through {@code setpriv --pdeathsig TERM} where util-linux has it, so that a
     * Flink JVM is told to stop even when this JVM is killed without running its shutdown hooks. (The signal comes
     * when the thread that started the process ends: the test's thread, which outlives the cluster.)
     */
    private static List<String> java() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return Files.isExecutable(SETPRIV) ? List.of(SETPRIV.toString(), "--pdeathsig", "TERM", java) : List.of(java);
    }

    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    /**
     * A free port below Linux's ephemeral range (32768-60999): the daemons bind it seconds after it was picked, and a
     * port of the ephemeral range can meanwhile become the local end of any outgoing connection of this JVM (the
     * replay beside the cluster, the Kafka and ClickHouse clients), which failed the JobManager's bind once.
     */
    private static int freePort() throws IOException {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = random.nextInt(20_000, 32_000);
            try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port in 20000-31999");
    }
}
