package io.chatkpi.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatkpi.ingest.event.Channel;
import io.chatkpi.ingest.event.EventType;
import io.chatkpi.ingest.event.SessionEvent;
import io.chatkpi.ingest.kafka.EventProducer;
import java.time.Instant;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * EWT freshness: how long after a REP_JOINED is produced the API's EWT endpoint reflects it.
 *
 * <p>Probes are sessions of their own queue ({@value #PROBE_QUEUE}), sent beside the simulated traffic into the same
 * topic: SESSION_STARTED and QUEUED now, REP_JOINED after a wait that differs from the waits around it, so every
 * probe changes the queue's figures and the KPI job emits a snapshot for it (an unchanged EWT is not re-emitted).
 * An observer polls {@code GET /api/v1/queues/bench-probe/ewt} and resolves every probe whose REP_JOINED time is at
 * or before the asOf served: the EWT of that instant includes the probe's wait. The sample is the time from handing
 * the REP_JOINED to the producer to the response that showed it.
 */
final class FreshnessBenchmark {

    static final String PROBE_QUEUE = "bench-probe";
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Probe(long ts, long sentNanos) {}

    private volatile String lastAsOf;
    private final LiveStack live;
    private final BenchOptions options;
    private final String runId;

    FreshnessBenchmark(LiveStack live, BenchOptions options, String runId) {
        this.live = live;
        this.options = options;
        this.runId = runId;
    }

    BenchResults.Freshness run() throws Exception {
        ConcurrentLinkedQueue<Probe> open = new ConcurrentLinkedQueue<>();
        Latencies samples = new Latencies();
        AtomicBoolean observing = new AtomicBoolean(true);
        Thread observer = new Thread(() -> observe(open, samples, observing), "bench-freshness-observer");
        observer.setDaemon(true);
        observer.start();

        EventProducer producer = live.newProducer();
        ScheduledThreadPoolExecutor probes = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "bench-freshness-probes");
            t.setDaemon(true);
            return t;
        });
        // at the end, REP_JOINEDs still waiting are dropped, and the one being sent completes: interrupting a send
        // (shutdownNow) loses the record and leaves its probe open forever
        probes.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        long periodMicros = Math.max(1, Math.round(1_000_000 / options.probesPerSecond()));
        long[] sequence = {0};
        probes.scheduleAtFixedRate(() -> {
            long i = sequence[0]++;
            String sessionId = PROBE_QUEUE + "-" + runId + "-" + i;
            long now = System.currentTimeMillis();
            producer.send(SessionEvent.of(sessionId + "-s", sessionId, EventType.SESSION_STARTED, now)
                    .withChannel(Channel.WEB));
            producer.send(SessionEvent.of(sessionId + "-q", sessionId, EventType.QUEUED, now)
                    .withQueueId(PROBE_QUEUE));
            // 37 ms steps over 2 s: a wait never equals the one it replaces among the newest samples
            long waitMs = 200 + (i * 37) % 2000;
            probes.schedule(() -> {
                long ts = System.currentTimeMillis();
                long sentNanos = System.nanoTime();
                producer.send(SessionEvent.of(sessionId + "-j", sessionId, EventType.REP_JOINED, ts)
                        .withQueueId(PROBE_QUEUE).withRepId(PROBE_QUEUE + "-rep"));
                open.add(new Probe(ts, sentNanos));
            }, waitMs, TimeUnit.MILLISECONDS);
        }, 0, periodMicros, TimeUnit.MICROSECONDS);

        long simulatedAtStart = live.simulatedEvents();
        long probingStart = System.nanoTime();
        long end = probingStart + options.durationSeconds() * 1_000_000_000L;
        long nextReport = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < end) {
            Thread.sleep(200);
            if (System.nanoTime() > nextReport) {
                nextReport = System.nanoTime() + 5_000_000_000L;
                synchronized (samples) {
                    Progress.say("freshness: %,d samples, p50 %s ms, p99 %s ms (simulated %,d events so far)",
                            samples.count(), fmt(samples.percentileMs(50)), fmt(samples.percentileMs(99)),
                            live.simulatedEvents());
                }
            }
        }
        probes.shutdown();
        probes.awaitTermination(5, TimeUnit.SECONDS);
        double simulatedRate = (live.simulatedEvents() - simulatedAtStart) / ((System.nanoTime() - probingStart) / 1e9);
        // probes whose wait was still running when probing stopped were never sent: only sent ones are open
        long drainUntil = System.nanoTime() + 10_000_000_000L + options.outOfOrdernessMs() * 1_000_000L;
        while (!open.isEmpty() && System.nanoTime() < drainUntil) Thread.sleep(50);
        observing.set(false);
        observer.join(5_000);
        if (!open.isEmpty()) {
            Progress.say("freshness: %d probes never reflected (the oldest sent at %s; the last asOf seen %s)",
                    open.size(), Instant.ofEpochMilli(open.peek().ts()), lastAsOf);
        }
        synchronized (samples) {
            return new BenchResults.Freshness(samples.percentileMs(50), samples.percentileMs(99), samples.maxMs(),
                    samples.count(), open.size(), options.rate(), simulatedRate, options.probesPerSecond(),
                    options.outOfOrdernessMs(), options.durationSeconds());
        }
    }

    /** Waits until the simulated queues have a live EWT: the jobs and the API's feed are running. */
    void awaitFirstEwt(long timeoutSeconds) throws Exception {
        try (HttpConnection http = new HttpConnection("127.0.0.1", live.apiPort(), live.chatKey)) {
            long until = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
            while (System.nanoTime() < until) {
                HttpConnection.Response r = http.get("/api/v1/queues/ewt");
                if (r.status() == 200) {
                    for (JsonNode q : JSON.readTree(r.body()).path("queues")) {
                        if (!q.path("asOf").isNull() && !q.path("asOf").isMissingNode()) return;
                    }
                }
                Thread.sleep(500);
            }
        }
        throw new IllegalStateException("the API showed no EWT within " + timeoutSeconds + " s of starting the jobs");
    }

    private void observe(ConcurrentLinkedQueue<Probe> open, Latencies samples, AtomicBoolean observing) {
        try (HttpConnection http = new HttpConnection("127.0.0.1", live.apiPort(), live.chatKey)) {
            byte[] request = http.request("/api/v1/queues/" + PROBE_QUEUE + "/ewt");
            while (observing.get()) {
                HttpConnection.Response r = http.send(request);
                long seen = System.nanoTime();
                if (r.status() == 200) {
                    JsonNode asOf = JSON.readTree(r.body()).path("asOf");
                    if (asOf.isTextual()) {
                        long asOfMs = Instant.parse(asOf.asText()).toEpochMilli();
                        lastAsOf = asOf.asText();
                        Probe p;
                        while ((p = open.peek()) != null && p.ts() <= asOfMs) {
                            open.poll();
                            synchronized (samples) {
                                samples.add(seen - p.sentNanos());
                            }
                        }
                    }
                }
                Thread.sleep(2);
            }
        } catch (Exception e) {
            Progress.say("freshness: the observer stopped: %s", e);
        }
    }

    static String fmt(Double ms) {
        return ms == null ? "-" : String.format("%,.1f", ms);
    }
}
