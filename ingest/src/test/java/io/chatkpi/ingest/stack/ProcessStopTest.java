package io.chatkpi.ingest.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessStopTest {

    private static ProcessHandle start(String script) throws Exception {
        return new ProcessBuilder("bash", "-c", script).start().toHandle();
    }

    private static void awaitExec(ProcessHandle p) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!p.info().command().orElse("").endsWith("sleep") && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        assertThat(p.info().command()).hasValueSatisfying(c -> assertThat(c).endsWith("sleep"));
    }

    @Test
    void aProcessThatHonoursSigtermEndsCleanly() throws Exception {
        ProcessHandle sleeper = start("exec sleep 60");
        assertThat(ProcessStop.terminate(sleeper, Duration.ofSeconds(10))).isTrue();
        assertThat(sleeper.isAlive()).isFalse();
    }

    @Test
    void aProcessThatIgnoresSigtermIsKilledAfterTheGracePeriod() throws Exception {
        ProcessHandle stubborn = start("trap '' TERM; exec sleep 60");
        ProcessHandle polite = start("exec sleep 60");
        awaitExec(stubborn); // bash has installed the trap once it has exec'ed sleep
        assertThat(ProcessStop.terminate(List.of(stubborn, polite), Duration.ofMillis(500))).isFalse();
        assertThat(stubborn.isAlive()).isFalse();
        assertThat(polite.isAlive()).isFalse();
    }

    @Test
    void aProcessAlreadyGoneCountsAsClean() throws Exception {
        ProcessHandle done = start("exit 0");
        done.onExit().get();
        assertThat(ProcessStop.terminate(done, Duration.ofSeconds(1))).isTrue();
    }
}
