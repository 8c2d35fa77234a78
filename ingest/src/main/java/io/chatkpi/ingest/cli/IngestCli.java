package io.chatkpi.ingest.cli;

import io.chatkpi.ingest.event.Decoded;
import io.chatkpi.ingest.event.EventCodec;
import io.chatkpi.ingest.event.SessionEvent;
import io.chatkpi.ingest.kafka.EventProducer;
import io.chatkpi.ingest.kafka.Topics;
import io.chatkpi.ingest.sim.SimulationSink;
import io.chatkpi.ingest.sim.SimulatorConfig;
import io.chatkpi.ingest.sim.TrafficSimulator;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * {@code ./chatkpi ingest}: sends a file of events to Kafka (or checks it), or produces simulated traffic to Kafka
 * or a file. Exit codes: 0 done, 1 failed (invalid lines with --check, Kafka unreachable, unreadable file), 2 bad
 * command line.
 */
public final class IngestCli {

    /** Where a running local stack (./chatkpi demo) writes its broker's address, relative to the project root. */
    public static final String LOCAL_STACK_BOOTSTRAP_FILE = "var/kafka/bootstrap";
    public static final String BOOTSTRAP_ENV = "CHATKPI_KAFKA_BOOTSTRAP";

    private static final long PROGRESS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final int MAX_INVALID_REPORTED = 1000;

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;
    private final Path projectRoot;

    IngestCli(PrintStream out, PrintStream err, Map<String, String> env, Path projectRoot) {
        this.out = out;
        this.err = err;
        this.env = env;
        this.projectRoot = projectRoot;
    }

    public static void main(String[] args) {
        String home = System.getProperty("chatkpi.home", System.getenv().getOrDefault("CHATKPI_HOME", "."));
        int code = new IngestCli(System.out, System.err, System.getenv(), Path.of(home)).run(args);
        System.out.flush();
        System.exit(code);
    }

    int run(String[] args) {
        IngestOptions options;
        try {
            options = IngestOptions.parse(args, Instant.now());
        } catch (IngestOptions.UsageException e) {
            err.println("chatkpi ingest: " + e.getMessage());
            err.println("Run './chatkpi ingest --help' for the options.");
            return 2;
        }
        try {
            return switch (options.mode()) {
                case HELP -> {
                    out.print(IngestOptions.USAGE);
                    yield 0;
                }
                case FILE -> ingestFile(options);
                case SIMULATE -> simulate(options);
            };
        } catch (Failure e) {
            err.println("chatkpi ingest: " + e.getMessage());
            return 1;
        }
    }

    /** A run that cannot go on, with a message for the user (exit 1). */
    static final class Failure extends RuntimeException {
        Failure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // --file

    private int ingestFile(IngestOptions o) {
        String bootstrap = o.check() ? null : bootstrap(o.bootstrap());
        long started = System.nanoTime();
        long lines = 0;
        long blank = 0;
        long valid = 0;
        long invalid = 0;
        long sent;
        String source = o.file().toString();
        try (BufferedReader reader = open(o.file());
             EventProducer producer = o.check() ? null : producer(bootstrap)) {
            if (producer != null) {
                err.println("sending " + source + " to " + Topics.SESSION_EVENTS + " at " + bootstrap);
                producer.connect();
            }
            Progress progress = new Progress(started);
            String line;
            while ((line = reader.readLine()) != null) {
                lines++;
                if (line.isBlank()) {
                    blank++; // separators, not events: counted in the summary, not sent
                    continue;
                }
                Decoded d = EventCodec.decode(line);
                String key;
                if (d.isValid()) {
                    valid++;
                    key = d.event().sessionId();
                } else {
                    invalid++;
                    if (invalid <= MAX_INVALID_REPORTED) {
                        err.println("line " + lines + ": " + d.rejected().reason());
                    } else if (invalid == MAX_INVALID_REPORTED + 1) {
                        err.println("(more invalid lines: only the first " + MAX_INVALID_REPORTED + " are listed)");
                    }
                    key = EventProducer.sessionIdOf(line);
                }
                if (producer != null) producer.sendRaw(line, key);
                if (progress.due()) {
                    err.printf(Locale.ROOT, "progress: %,d lines (%,.0f lines/s), %,d invalid%n",
                            lines, progress.rate(lines), invalid);
                }
            }
            if (producer != null) producer.flush();
            sent = producer == null ? 0 : producer.acknowledged();
        } catch (NoSuchFileException e) {
            throw new Failure("no such file: " + source, e);
        } catch (IOException e) {
            throw new Failure("cannot read " + source + ": " + e.getMessage(), e);
        } catch (EventProducer.DeliveryFailedException | org.apache.kafka.common.KafkaException e) {
            throw new Failure("sending to Kafka at " + bootstrap + " failed (is a broker running there?): " + e.getMessage(), e);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        out.printf(Locale.ROOT, "%s: lines %d, valid %d, invalid %d, blank %d, sent %d, duration %.1f s%s%n",
                o.check() ? "checked" : "sent", lines, valid, invalid, blank, sent, seconds,
                o.check() ? "" : " (invalid lines were sent too: the landing job records them in rejected_events)");
        return o.check() && invalid > 0 ? 1 : 0;
    }

    private static BufferedReader open(Path file) throws IOException {
        if (file.toString().equals("-")) {
            return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8), 1 << 16);
        }
        return new BufferedReader(new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8), 1 << 16);
    }

    // ---------------------------------------------------------------------------------------------------------
    // --simulate

    private int simulate(IngestOptions o) {
        SimulatorConfig c = o.simulator();
        String target = o.out() != null ? o.out().toString() : null;
        String bootstrap = target == null ? bootstrap(o.bootstrap()) : null;
        err.printf(Locale.ROOT, "simulating: seed %d%s, %s sessions/min over %s, %d reps per queue at %d chats, %s, %s%n",
                c.seed(), o.seedGiven() ? "" : " (from the clock; pass --seed to repeat this run)",
                trim(c.arrivalsPerMinute()), c.queues().stream().map(q -> q.name()).toList(),
                c.queues().get(0).reps(), c.concurrencyCap(),
                c.realTime() ? "real time" : "fast, from " + c.start(),
                c.duration() == null ? (c.maxEvents() > 0 ? "up to " + c.maxEvents() + " events" : "until Ctrl-C")
                        : "for " + c.duration());
        err.println("to " + (target != null ? target : Topics.SESSION_EVENTS + " at " + bootstrap));

        TrafficSimulator sim = new TrafficSimulator(c);
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            sim.stop(); // Ctrl-C: stop simulating, then let the run flush what it produced
            try {
                finished.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "chatkpi-ingest-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        long started = System.nanoTime();
        long sent = 0;
        try {
            if (target != null) {
                try (OutputStream file = target.equals("-") ? new NonClosing(System.out) : Files.newOutputStream(o.out());
                     FileSink sink = new FileSink(file, sim, started)) {
                    sim.run(sink);
                }
            } else {
                try (EventProducer producer = producer(bootstrap)) {
                    producer.connect();
                    sim.run(new KafkaSink(producer, sim, started));
                    producer.flush();
                    sent = producer.acknowledged();
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            long total = sim.emitted() + sim.duplicates() + sim.invalidLines();
            PrintStream summary = "-".equals(target) ? err : out;
            summary.printf(Locale.ROOT, "simulated: events %d (+%d duplicates, +%d invalid lines), %s of simulated "
                            + "time, %s %d, duration %.1f s (%,.0f events/s)%n",
                    sim.emitted(), sim.duplicates(), sim.invalidLines(),
                    human(Duration.ofMillis(sim.now() - sim.startTime())),
                    target != null ? "written" : "sent", target != null ? total : sent,
                    seconds, total / Math.max(seconds, 1e-9));
            summary.flush();
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("interrupted", e);
        } catch (IOException | UncheckedIOException e) {
            throw new Failure("cannot write " + target + ": " + e.getMessage(), e);
        } catch (EventProducer.DeliveryFailedException | org.apache.kafka.common.KafkaException e) {
            throw new Failure("sending to Kafka at " + bootstrap + " failed (is a broker running there?): "
                    + e.getMessage(), e);
        } finally {
            // only now may a Ctrl-C'd JVM exit: what was produced is flushed and the summary printed
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: nothing to remove
            }
        }
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private static String human(Duration d) {
        long s = d.toSeconds();
        return s >= 86_400 ? String.format(Locale.ROOT, "%.1f d", s / 86_400.0)
                : s >= 3_600 ? String.format(Locale.ROOT, "%.1f h", s / 3_600.0)
                : s >= 60 ? String.format(Locale.ROOT, "%.1f min", s / 60.0) : s + " s";
    }

    private final class FileSink implements SimulationSink, AutoCloseable {
        private final BufferedOutputStream out;
        private final TrafficSimulator sim;
        private final Progress progress;

        FileSink(OutputStream file, TrafficSimulator sim, long started) {
            this.out = new BufferedOutputStream(file, 1 << 16);
            this.sim = sim;
            this.progress = new Progress(started);
        }

        @Override
        public void event(SessionEvent e) {
            write(EventCodec.encodeToBytes(e));
        }

        @Override
        public void invalidLine(String line) {
            write(line.getBytes(StandardCharsets.UTF_8));
        }

        private void write(byte[] bytes) {
            try {
                out.write(bytes);
                out.write('\n');
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            if (progress.report(sim)) flush(); // so a real-time run's file can be followed with tail -f
        }

        private void flush() {
            try {
                out.flush();
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    private final class KafkaSink implements SimulationSink {
        private final EventProducer producer;
        private final TrafficSimulator sim;
        private final Progress progress;

        KafkaSink(EventProducer producer, TrafficSimulator sim, long started) {
            this.producer = producer;
            this.sim = sim;
            this.progress = new Progress(started);
        }

        @Override
        public void event(SessionEvent e) {
            producer.send(e);
            progress.report(sim);
        }

        @Override
        public void invalidLine(String line) {
            producer.sendRaw(line);
            progress.report(sim);
        }
    }

    /** Says every 2 s how far a long run is, on stderr. */
    private final class Progress {
        private final long started;
        private long next;

        Progress(long started) {
            this.started = started;
            this.next = System.nanoTime() + PROGRESS_EVERY_NANOS; // not at once, if setting up took a while
        }

        boolean due() {
            long now = System.nanoTime();
            if (now < next) return false;
            next = now + PROGRESS_EVERY_NANOS;
            return true;
        }

        double rate(long count) {
            return count / Math.max((System.nanoTime() - started) / 1e9, 1e-9);
        }

        boolean report(TrafficSimulator sim) {
            if (!due()) return false;
            long n = sim.emitted() + sim.duplicates() + sim.invalidLines();
            err.printf(Locale.ROOT, "progress: %,d events (%,.0f/s), simulated time %s%n",
                    n, rate(n), EventCodec.formatTs(sim.now()));
            return true;
        }
    }

    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Kafka

    /** --bootstrap, else $CHATKPI_KAFKA_BOOTSTRAP, else the local stack's address file. */
    String bootstrap(String given) {
        if (given != null) return given;
        String fromEnv = env.get(BOOTSTRAP_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) return fromEnv.trim();
        Path file = projectRoot.resolve(LOCAL_STACK_BOOTSTRAP_FILE);
        try {
            if (Files.isRegularFile(file)) {
                String s = Files.readString(file).trim();
                if (!s.isEmpty()) {
                    // said, so that a file left behind by a demo that was killed explains a broker that never answers
                    err.println("Kafka " + s + ": the local stack's broker (address from " + file + ")");
                    return s;
                }
            }
        } catch (IOException e) {
            throw new Failure("cannot read " + file + ": " + e.getMessage(), e);
        }
        throw new Failure("no Kafka to send to: pass --bootstrap host:port, set " + BOOTSTRAP_ENV
                + ", or start the local stack (./chatkpi demo, which writes " + LOCAL_STACK_BOOTSTRAP_FILE + ")", null);
    }

    private static EventProducer producer(String bootstrap) {
        Properties p = EventProducer.config(bootstrap);
        // an unreachable broker should fail the command in seconds, not hang for the client's default minute
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "20000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
        return new EventProducer(p, Topics.SESSION_EVENTS);
    }
}
