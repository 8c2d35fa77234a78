package io.chatkpi.ingest.cli;

import io.chatkpi.ingest.sim.QueueConfig;
import io.chatkpi.ingest.sim.SimulatorConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The parsed command line of {@code ./chatkpi ingest}. Exactly one mode: help, file or simulate. */
record IngestOptions(
        Mode mode,
        Path file,
        boolean check,
        String bootstrap,
        Path out,
        SimulatorConfig simulator,
        boolean seedGiven) {

    enum Mode { HELP, FILE, SIMULATE }

    static final String USAGE = """
            usage: ./chatkpi ingest --file events.jsonl [--bootstrap host:port] [--check]
                   ./chatkpi ingest --simulate [--rate N/min] [--queues billing,tech,general] [--seed S]
                                    [--duration D | --forever] [--fast] [--out file.jsonl] [more options]
                   ./chatkpi ingest --help

            Send a file of session events (one JSON object per line) to Kafka topic session-events, keyed by
            sessionId. Invalid lines are reported with line number and reason and still sent, so that the landing
            job keeps them in rejected_events.
              --file F             the events file ('-' reads standard input)
              --check              validate only, send nothing; exit 1 if any line is invalid
              --bootstrap H:P      Kafka bootstrap servers (default: $CHATKPI_KAFKA_BOOTSTRAP, else the address
                                   the running local stack wrote to var/kafka/bootstrap)

            Simulate synchronous chat traffic (to Kafka, or to a file with --out):
              --simulate
              --rate N[/min]       mean session arrivals per minute over all queues (default 30)
              --queues A,B,...     queue ids (default billing,tech,general; billing: weekdays 08-20 UTC,
                                   tech: always, general: 07-22 UTC, others: always)
              --reps N             reps per queue (default 30; 0 = nothing is routed: NO_REPS_AVAILABLE)
              --concurrency N      chats one rep handles at once (default 3)
              --seed S             random seed (default: the current time, printed; same seed = same events)
              --start T            simulated start instant, ISO-8601 (default now; only with --fast)
              --duration D         how long to simulate, e.g. 90s, 15m, 2h, 3d or PT1H (default 1h)
              --forever            run until Ctrl-C (or --max-events)
              --max-events N       stop after N events
              --fast               simulated time as fast as possible (default: real time, ts = wall clock)
              --inactivity D       silence before a chat goes inactive, 5m-30m (default 10m)
              --patience D         mean time an end user waits before abandoning (default 4m)
              --duplicates P       share of events redelivered with the same eventId, 0-0.5 (default 0)
              --invalid P          share of extra contract-breaking lines, 0-0.5 (default 0)
              --out F              write JSON lines to F instead of Kafka
            """;

    /** A bad command line: the message says what and the CLI exits 2. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    static IngestOptions parse(String[] args, Instant now) throws UsageException {
        Path file = null;
        boolean check = false;
        boolean simulate = false;
        boolean help = false;
        String bootstrap = null;
        Path out = null;
        Double rate = null;
        List<String> queues = SimulatorConfig.DEFAULT_QUEUES;
        int reps = SimulatorConfig.DEFAULT_REPS;
        int concurrency = SimulatorConfig.DEFAULT_CONCURRENCY;
        Long seed = null;
        Instant start = null;
        Duration duration = null;
        boolean forever = false;
        long maxEvents = 0;
        boolean fast = false;
        Duration inactivity = Duration.ofMinutes(10);
        Duration patience = Duration.ofMinutes(4);
        double duplicates = 0;
        double invalid = 0;
        List<String> simulationOnly = new ArrayList<>();

        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "-h", "--help" -> help = true;
                case "--file" -> file = Path.of(value(args, ++i, a));
                case "--check" -> check = true;
                case "--bootstrap" -> bootstrap = value(args, ++i, a);
                case "--simulate" -> simulate = true;
                case "--out" -> out = Path.of(value(args, ++i, a));
                case "--rate" -> {
                    rate = parseRate(value(args, ++i, a));
                    simulationOnly.add(a);
                }
                case "--queues" -> {
                    queues = parseQueues(value(args, ++i, a));
                    simulationOnly.add(a);
                }
                case "--reps" -> {
                    reps = parseInt(a, value(args, ++i, a), 0);
                    simulationOnly.add(a);
                }
                case "--concurrency" -> {
                    concurrency = parseInt(a, value(args, ++i, a), 1);
                    simulationOnly.add(a);
                }
                case "--seed" -> {
                    String v = value(args, ++i, a);
                    try {
                        seed = Long.parseLong(v);
                    } catch (NumberFormatException e) {
                        throw new UsageException("--seed: not an integer: '" + v + "'");
                    }
                    simulationOnly.add(a);
                }
                case "--start" -> {
                    String v = value(args, ++i, a);
                    try {
                        start = Instant.parse(v);
                    } catch (DateTimeParseException e) {
                        throw new UsageException("--start: not an ISO-8601 instant (e.g. 2026-11-25T08:00:00Z): '" + v + "'");
                    }
                    simulationOnly.add(a);
                }
                case "--duration" -> {
                    duration = parseDuration(a, value(args, ++i, a));
                    simulationOnly.add(a);
                }
                case "--forever" -> {
                    forever = true;
                    simulationOnly.add(a);
                }
                case "--max-events" -> {
                    maxEvents = parseInt(a, value(args, ++i, a), 1);
                    simulationOnly.add(a);
                }
                case "--fast" -> {
                    fast = true;
                    simulationOnly.add(a);
                }
                case "--inactivity" -> {
                    inactivity = parseDuration(a, value(args, ++i, a));
                    simulationOnly.add(a);
                }
                case "--patience" -> {
                    patience = parseDuration(a, value(args, ++i, a));
                    simulationOnly.add(a);
                }
                case "--duplicates" -> {
                    duplicates = parseShare(a, value(args, ++i, a));
                    simulationOnly.add(a);
                }
                case "--invalid" -> {
                    invalid = parseShare(a, value(args, ++i, a));
                    simulationOnly.add(a);
                }
                default -> throw new UsageException(a.startsWith("-")
                        ? "unknown option '" + a + "'"
                        : "unexpected argument '" + a + "' (options start with --)");
            }
        }

        if (help) return new IngestOptions(Mode.HELP, null, false, null, null, null, false);
        if (file != null && simulate) throw new UsageException("--file and --simulate cannot be combined");
        if (file == null && !simulate) throw new UsageException("say what to ingest: --file F or --simulate");
        if (file != null) {
            if (!simulationOnly.isEmpty()) {
                throw new UsageException(simulationOnly.get(0) + " only applies to --simulate");
            }
            if (out != null) throw new UsageException("--out only applies to --simulate");
            if (check && bootstrap != null) throw new UsageException("--check sends nothing: --bootstrap is not used");
            return new IngestOptions(Mode.FILE, file, check, bootstrap, null, null, false);
        }
        if (check) throw new UsageException("--check only applies to --file");
        if (out != null && bootstrap != null) throw new UsageException("--out writes a file: --bootstrap is not used");
        if (forever && duration != null) throw new UsageException("--duration and --forever cannot be combined");
        if (start != null && !fast) throw new UsageException("--start needs --fast (real time starts now)");

        SimulatorConfig config;
        try {
            List<QueueConfig> qs = SimulatorConfig.queues(queues, reps);
            config = SimulatorConfig.defaults()
                    .withRate(rate == null ? SimulatorConfig.DEFAULT_RATE : rate)
                    .withQueues(qs)
                    .withConcurrencyCap(concurrency)
                    .withSeed(seed == null ? now.toEpochMilli() : seed)
                    .withStart(start == null ? now : start)
                    .withDuration(forever ? null : duration == null ? Duration.ofHours(1) : duration)
                    .withMaxEvents(maxEvents)
                    .withRealTime(!fast)
                    .withInactivityTimeout(inactivity)
                    .withMeanPatience(patience)
                    .withDuplicateShare(duplicates)
                    .withInvalidShare(invalid);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        return new IngestOptions(Mode.SIMULATE, null, false, bootstrap, out, config, seed != null);
    }

    private static String value(String[] args, int i, String option) throws UsageException {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new UsageException(option + " needs a value");
        }
        return args[i];
    }

    static double parseRate(String v) throws UsageException {
        String n = v.toLowerCase(Locale.ROOT);
        if (n.endsWith("/min")) n = n.substring(0, n.length() - 4);
        try {
            double r = Double.parseDouble(n);
            if (r > 0 && r < 1e7) return r;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("--rate: expected a positive number of sessions per minute (e.g. 60 or 60/min): '" + v + "'");
    }

    static List<String> parseQueues(String v) throws UsageException {
        List<String> qs = Arrays.stream(v.split(",", -1)).map(String::trim).toList();
        if (qs.stream().anyMatch(String::isEmpty)) throw new UsageException("--queues: empty queue name in '" + v + "'");
        if (qs.stream().distinct().count() != qs.size()) throw new UsageException("--queues: repeated queue name in '" + v + "'");
        return qs;
    }

    private static int parseInt(String option, String v, int min) throws UsageException {
        try {
            int n = Integer.parseInt(v);
            if (n >= min) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(option + ": expected an integer >= " + min + ": '" + v + "'");
    }

    private static double parseShare(String option, String v) throws UsageException {
        try {
            double d = Double.parseDouble(v);
            if (d >= 0 && d <= 0.5) return d;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(option + ": expected a share between 0 and 0.5 (e.g. 0.01): '" + v + "'");
    }

    /** {@code 90s}, {@code 15m}, {@code 2h}, {@code 3d}, {@code 500ms} or ISO-8601 ({@code PT1H30M}). */
    static Duration parseDuration(String option, String v) throws UsageException {
        String s = v.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.startsWith("p")) return Duration.parse(v.trim().toUpperCase(Locale.ROOT));
            long n;
            if (s.endsWith("ms")) return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            n = Long.parseLong(s.substring(0, s.length() - 1));
            if (n >= 0) {
                switch (s.charAt(s.length() - 1)) {
                    case 's': return Duration.ofSeconds(n);
                    case 'm': return Duration.ofMinutes(n);
                    case 'h': return Duration.ofHours(n);
                    case 'd': return Duration.ofDays(n);
                    default: break;
                }
            }
        } catch (RuntimeException e) {
            // reported below
        }
        throw new UsageException(option + ": expected a duration like 90s, 15m, 2h, 3d or PT1H: '" + v + "'");
    }
}
