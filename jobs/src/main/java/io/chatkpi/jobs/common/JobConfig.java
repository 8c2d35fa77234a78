package io.chatkpi.jobs.common;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Options of a job, from {@code --name value} (or {@code --name=value}) arguments, else from the environment
 * ({@code CHATKPI_NAME_IN_UPPER_SNAKE}), else the default. Arguments win so that one command line overrides a
 * deployment's environment.
 *
 * <p>Kept as a plain map of strings parsed once in {@code main}: jobs turn it into their own small, serializable
 * option records, so nothing here travels to the task managers.
 */
public final class JobConfig {

    private final Map<String, String> args;
    private final Map<String, String> env;
    private final Set<String> read = new TreeSet<>();

    private JobConfig(Map<String, String> args, Map<String, String> env) {
        this.args = args;
        this.env = env;
    }

    /** Parses {@code --name value} / {@code --name=value} pairs; anything else is an error, said plainly. */
    public static JobConfig fromArgs(String[] argv, Map<String, String> environment) {
        Map<String, String> parsed = new HashMap<>();
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (!a.startsWith("--") || a.length() == 2) {
                throw new IllegalArgumentException("unexpected argument '" + a + "': options are --name value");
            }
            String body = a.substring(2);
            int eq = body.indexOf('=');
            if (eq >= 0) {
                parsed.put(body.substring(0, eq), body.substring(eq + 1));
            } else if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) {
                parsed.put(body, argv[++i]);
            } else {
                parsed.put(body, "true"); // a bare flag
            }
        }
        return new JobConfig(parsed, Map.copyOf(environment));
    }

    /**
     * A job's options from its command line and the environment: on an unknown or invalid option, the problem and
     * {@code usage} on stderr and exit status 2, before anything is built or submitted.
     */
    public static <O> O optionsOrExit(String job, String usage, String[] argv,
            java.util.function.Function<JobConfig, O> options) {
        try {
            JobConfig config = fromArgs(argv, System.getenv());
            O parsed = options.apply(config);
            Set<String> unknown = config.unknownArguments();
            if (!unknown.isEmpty()) {
                throw new IllegalArgumentException("unknown option(s): --" + String.join(", --", unknown));
            }
            return parsed;
        } catch (IllegalArgumentException e) {
            System.err.println(job + ": " + e.getMessage());
            System.err.println(usage);
            System.exit(2);
            throw e; // not reached
        }
    }

    public static JobConfig of(Map<String, String> options) {
        return new JobConfig(new HashMap<>(options), Map.of());
    }

    /** {@code batch-size} -> {@code CHATKPI_BATCH_SIZE}. */
    public static String envName(String option) {
        return "CHATKPI_" + option.replace('-', '_').replace('.', '_').toUpperCase(Locale.ROOT);
    }

    public String get(String name, String defaultValue) {
        read.add(name);
        String v = args.get(name);
        if (v == null) {
            v = env.get(envName(name));
        }
        return v == null || v.isBlank() ? defaultValue : v.trim();
    }

    public String required(String name) {
        String v = get(name, null);
        if (v == null) {
            throw new IllegalArgumentException("missing option --" + name + " (or " + envName(name) + ")");
        }
        return v;
    }

    public int getInt(String name, int defaultValue) {
        String v = get(name, null);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": not an integer: '" + v + "'");
        }
    }

    public long getLong(String name, long defaultValue) {
        String v = get(name, null);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": not an integer: '" + v + "'");
        }
    }

    /** Options given on the command line that no one asked for: most likely typos, reported instead of ignored. */
    public Set<String> unknownArguments() {
        Set<String> unknown = new TreeSet<>(args.keySet());
        unknown.removeAll(read);
        return unknown;
    }
}
