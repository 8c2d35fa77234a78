package io.chatkpi.ingest.stack;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How the project stops the processes it starts (ClickHouse, the API in the benchmark, the Flink daemons of the
 * cluster test): SIGTERM first, so that each runs its own shutdown (ClickHouse leaves a consistent data dir, a JVM
 * its shutdown hooks), SIGKILL only for those still alive after a grace period.
 */
public final class ProcessStop {

    /** How long a process killed with SIGKILL is waited for (the kernel reaps it at once; this only bounds a hang). */
    static final Duration AFTER_KILL = Duration.ofSeconds(10);

    private ProcessStop() {}

    /** {@link #terminate(Collection, Duration)} for one process. */
    public static boolean terminate(ProcessHandle process, Duration grace) {
        return terminate(List.of(process), grace);
    }

    /**
     * SIGTERM to every process at once, then up to {@code grace} (one deadline for all) for them to end; SIGKILL to
     * those still alive. Returns whether every one ended on SIGTERM. Interrupted, it kills what is left and keeps
     * the interrupt.
     */
    public static boolean terminate(Collection<ProcessHandle> processes, Duration grace) {
        processes.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        boolean clean = true;
        for (ProcessHandle p : processes) {
            if (!awaitExit(p, Math.max(0, deadline - System.nanoTime()))) {
                clean = false;
                p.destroyForcibly();
                awaitExit(p, AFTER_KILL.toNanos());
            }
        }
        return clean;
    }

    private static boolean awaitExit(ProcessHandle p, long nanos) {
        if (!p.isAlive()) {
            return true;
        }
        try {
            p.onExit().get(nanos, TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return !p.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return false;
        } catch (ExecutionException e) {
            return !p.isAlive();
        }
    }
}
