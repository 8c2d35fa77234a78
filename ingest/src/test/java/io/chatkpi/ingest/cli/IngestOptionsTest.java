package io.chatkpi.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatkpi.ingest.sim.SimulatorConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class IngestOptionsTest {

    private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

    private static IngestOptions parse(String... args) throws IngestOptions.UsageException {
        return IngestOptions.parse(args, NOW);
    }

    private static void rejects(String message, String... args) {
        assertThatThrownBy(() -> parse(args)).isInstanceOf(IngestOptions.UsageException.class)
                .hasMessageContaining(message);
    }

    @Test
    void fileMode() throws Exception {
        IngestOptions o = parse("--file", "ev.jsonl", "--bootstrap", "127.0.0.1:9092");
        assertThat(o.mode()).isEqualTo(IngestOptions.Mode.FILE);
        assertThat(o.file()).isEqualTo(Path.of("ev.jsonl"));
        assertThat(o.bootstrap()).isEqualTo("127.0.0.1:9092");
        assertThat(o.check()).isFalse();
        assertThat(parse("--check", "--file", "x").check()).isTrue();
    }

    @Test
    void simulateDefaults() throws Exception {
        IngestOptions o = parse("--simulate");
        SimulatorConfig c = o.simulator();
        assertThat(o.mode()).isEqualTo(IngestOptions.Mode.SIMULATE);
        assertThat(c.arrivalsPerMinute()).isEqualTo(30);
        assertThat(c.queues()).extracting(q -> q.name()).containsExactly("billing", "tech", "general");
        assertThat(c.realTime()).isTrue();
        assertThat(c.duration()).isEqualTo(Duration.ofHours(1));
        assertThat(c.seed()).isEqualTo(NOW.toEpochMilli());
        assertThat(o.seedGiven()).isFalse();
    }

    @Test
    void simulateWithEveryOption() throws Exception {
        IngestOptions o = parse("--simulate", "--rate", "120/min", "--queues", "sales, support", "--reps", "7",
                "--concurrency", "2", "--seed", "-5", "--start", "2026-01-05T08:00:00Z", "--duration", "90m",
                "--fast", "--out", "sim.jsonl", "--inactivity", "PT20M", "--patience", "30s",
                "--duplicates", "0.01", "--invalid", "0.002", "--max-events", "1000");
        SimulatorConfig c = o.simulator();
        assertThat(c.arrivalsPerMinute()).isEqualTo(120);
        assertThat(c.queues()).extracting(q -> q.name()).containsExactly("sales", "support");
        assertThat(c.queues()).allMatch(q -> q.reps() == 7);
        assertThat(c.concurrencyCap()).isEqualTo(2);
        assertThat(c.seed()).isEqualTo(-5);
        assertThat(o.seedGiven()).isTrue();
        assertThat(c.start()).isEqualTo(Instant.parse("2026-01-05T08:00:00Z"));
        assertThat(c.duration()).isEqualTo(Duration.ofMinutes(90));
        assertThat(c.realTime()).isFalse();
        assertThat(o.out()).isEqualTo(Path.of("sim.jsonl"));
        assertThat(c.inactivityTimeout()).isEqualTo(Duration.ofMinutes(20));
        assertThat(c.meanPatience()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.duplicateShare()).isEqualTo(0.01);
        assertThat(c.invalidShare()).isEqualTo(0.002);
        assertThat(c.maxEvents()).isEqualTo(1000);
        assertThat(parse("--simulate", "--forever").simulator().duration()).isNull();
        assertThat(parse("--simulate", "--rate", "2.5").simulator().arrivalsPerMinute()).isEqualTo(2.5);
    }

    @Test
    void durations() throws Exception {
        assertThat(IngestOptions.parseDuration("--d", "90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(IngestOptions.parseDuration("--d", "2h")).isEqualTo(Duration.ofHours(2));
        assertThat(IngestOptions.parseDuration("--d", "3d")).isEqualTo(Duration.ofDays(3));
        assertThat(IngestOptions.parseDuration("--d", "250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(IngestOptions.parseDuration("--d", "PT1H30M")).isEqualTo(Duration.ofMinutes(90));
        assertThatThrownBy(() -> IngestOptions.parseDuration("--duration", "soon"))
                .hasMessageContaining("--duration").hasMessageContaining("'soon'");
    }

    @Test
    void helpWins() throws Exception {
        assertThat(parse("--help").mode()).isEqualTo(IngestOptions.Mode.HELP);
        assertThat(parse("--file", "x", "-h").mode()).isEqualTo(IngestOptions.Mode.HELP);
    }

    @Test
    void badCommandLinesSayWhatIsWrong() {
        rejects("say what to ingest");
        rejects("unknown option '--fiel'", "--fiel", "x");
        rejects("unexpected argument 'x'", "x");
        rejects("--file needs a value", "--file");
        rejects("--bootstrap needs a value", "--file", "x", "--bootstrap", "--check");
        rejects("cannot be combined", "--file", "x", "--simulate");
        rejects("--rate only applies to --simulate", "--file", "x", "--rate", "5");
        rejects("--check only applies to --file", "--simulate", "--check");
        rejects("--rate: expected a positive number", "--simulate", "--rate", "-3");
        rejects("--rate: expected a positive number", "--simulate", "--rate", "many");
        rejects("--seed: not an integer", "--simulate", "--seed", "abc");
        rejects("--reps: expected an integer >= 0", "--simulate", "--reps", "-1");
        rejects("--concurrency: expected an integer >= 1", "--simulate", "--concurrency", "0");
        rejects("--duration and --forever", "--simulate", "--duration", "1h", "--forever");
        rejects("--start needs --fast", "--simulate", "--start", "2026-01-01T00:00:00Z");
        rejects("--start: not an ISO-8601 instant", "--simulate", "--fast", "--start", "yesterday");
        rejects("inactivity timeout must be 5-30 minutes", "--simulate", "--inactivity", "2m");
        rejects("--duplicates: expected a share", "--simulate", "--duplicates", "0.9");
        rejects("--queues: empty queue name", "--simulate", "--queues", "a,,b");
        rejects("--queues: repeated queue name", "--simulate", "--queues", "a,a");
        rejects("--out writes a file", "--simulate", "--out", "f", "--bootstrap", "h:1");
    }
}
