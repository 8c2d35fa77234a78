package io.chatkpi.bench;

import io.chatkpi.ingest.stack.SqlResources;
import io.chatkpi.ingest.stack.SqlTemplate;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The API under load. EWT: a closed loop of N clients, each on its own keep-alive connection, sending
 * {@code GET /api/v1/queues/billing/ewt} as soon as the previous answer arrived. KPI: the dashboard's query, 30
 * days at 1 h, one request after the other, over a synthetic dataset of sessions and their facts loaded server-side
 * (bench_kpi_sessions.sql, bench_kpi_facts.sql).
 */
final class ApiBenchmark {

    /** How long the KPI phase waits at most for ClickHouse to merge what it loaded. */
    static final Duration MERGE_WAIT = Duration.ofMinutes(5);


    static final String EWT_PATH = "/api/v1/queues/" + LiveStack.QUEUES.get(0) + "/ewt";
    private static final long WARM_UP_NANOS = 3_000_000_000L;
    /**
     * KPI requests before the measured ones, for this long (at most as many as are measured): the API's JIT compiles
     * the KPI path during its first ~50 requests (C2 compilations of KpiMeasures.toJson and KpiHandlers.series seen in
     * a JFR recording of the API), and its compiler threads take CPU from ClickHouse meanwhile, so the first 20
     * requests ran ~40 % slower than the 100 after them. A dashboard's API has long been warm.
     */
    static final Duration KPI_WARM_UP = Duration.ofSeconds(10);
    private static final long SESSIONS_PER_INSERT = 1_000_000;
    static final Duration KPI_RANGE = Duration.ofDays(30);
    private static final int RAW_BASELINE_REQUESTS = 3;
    private static final int OFF_MARKS_REQUESTS = 20;

    private final BenchStack stack;
    private final LiveStack live;
    private final BenchOptions options;

    ApiBenchmark(BenchStack stack, LiveStack live, BenchOptions options) {
        this.stack = stack;
        this.live = live;
        this.options = options;
    }

    BenchResults.EwtLoad ewtLoad() throws Exception {
        if (options.ewtLoadGenerator() == BenchOptions.EwtLoadGenerator.WRK) {
            return ewtLoadFromWrk();
        }
        int clients = options.clients();
        AtomicBoolean measuring = new AtomicBoolean(false);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        List<Latencies> perClient = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(clients);
        for (int c = 0; c < clients; c++) {
            Latencies mine = new Latencies();
            perClient.add(mine);
            Thread t = new Thread(() -> {
                try (HttpConnection http = new HttpConnection("127.0.0.1", live.apiPort(), live.chatKey)) {
                    byte[] request = http.request(EWT_PATH);
                    while (running.get()) {
                        long start = System.nanoTime();
                        HttpConnection.Response r = http.send(request);
                        long took = System.nanoTime() - start;
                        if (!measuring.get()) continue;
                        if (r.status() == 200) {
                            mine.add(took);
                        } else {
                            errors.incrementAndGet();
                            firstError.compareAndSet(null, r.status() + " " + r.body());
                        }
                    }
                } catch (Exception e) {
                    errors.incrementAndGet();
                    firstError.compareAndSet(null, e.toString());
                } finally {
                    done.countDown();
                }
            }, "bench-ewt-client-" + c);
            t.setDaemon(true);
            threads.add(t);
        }
        Progress.say("api: %d clients on GET %s (%d s warm-up, then %d s measured)", clients, EWT_PATH,
                WARM_UP_NANOS / 1_000_000_000L, options.loadSeconds());
        threads.forEach(Thread::start);
        Thread.sleep(WARM_UP_NANOS / 1_000_000);
        measuring.set(true);
        long start = System.nanoTime();
        Thread.sleep(options.loadSeconds() * 1000L);
        measuring.set(false);
        double seconds = (System.nanoTime() - start) / 1e9;
        running.set(false);
        done.await();
        Latencies all = new Latencies();
        perClient.forEach(all::addAll);
        if (firstError.get() != null) Progress.say("api: EWT errors, the first: %s", firstError.get());
        double rps = all.count() / seconds;
        BenchResults.EwtLoad result = new BenchResults.EwtLoad(rps, all.percentileMs(50), all.percentileMs(99),
                all.count(), errors.get(), clients, options.loadSeconds(), EWT_PATH, "java threads in the bench JVM");
        Progress.say("api: EWT %,.0f requests/s, p50 %s ms, p99 %s ms, %d errors", rps,
                FreshnessBenchmark.fmt(result.p50Ms()), FreshnessBenchmark.fmt(result.p99Ms()), errors.get());
        return result;
    }

    private BenchResults.EwtLoad ewtLoadFromWrk() throws Exception {
        int clients = options.clients();
        String url = "http://127.0.0.1:" + live.apiPort() + EWT_PATH;
        Progress.say("api: wrk, %d connections on GET %s (%d s warm-up, then %d s measured)", clients, EWT_PATH,
                WARM_UP_NANOS / 1_000_000_000L, options.loadSeconds());
        WrkLoad.run(url, live.chatKey, clients, (int) (WARM_UP_NANOS / 1_000_000_000L));
        WrkLoad.Report report = WrkLoad.run(url, live.chatKey, clients, options.loadSeconds());
        BenchResults.EwtLoad result = new BenchResults.EwtLoad(report.rps(), report.p50Ms(), report.p99Ms(),
                report.requests(), report.errors(), clients, options.loadSeconds(), EWT_PATH,
                "wrk (own process, 2 threads)");
        Progress.say("api: EWT %,.0f requests/s, p50 %s ms, p99 %s ms, %d errors (wrk)", result.rps(),
                FreshnessBenchmark.fmt(result.p50Ms()), FreshnessBenchmark.fmt(result.p99Ms()), result.errors());
        return result;
    }

    BenchResults.KpiQueries kpiQueries() throws Exception {
        // the 30 days end at today's midnight (UTC): the live run's own rows, at the wall clock, stay outside
        Instant to = LocalDate.now(ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant from = to.minus(KPI_RANGE);
        long total = options.kpiSessions();
        long loadStart = System.nanoTime();
        for (long first = 0; first < total; first += SESSIONS_PER_INSERT) {
            long n = Math.min(SESSIONS_PER_INSERT, total - first);
            Map<String, Object> values = Map.of("firstSession", first, "sessions", n, "totalSessions", total,
                    "from", from, "spanSeconds", KPI_RANGE.toSeconds());
            stack.execute("queries/bench_kpi_sessions.sql", values);
            stack.execute("queries/bench_kpi_facts.sql", values);
            Progress.say("api: loaded %,d / %,d sessions and their facts (%.0f s)", first + n, total,
                    (System.nanoTime() - loadStart) / 1e9);
        }
        double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
        long facts = stack.sql.queryLong(SqlTemplate.render(SqlResources.load("queries/bench_kpi_fact_count.sql"),
                Map.of("from", from, "to", to)));
        // facts loaded directly, without the KPI job that maintains kpi_rollup: filled the way data written before
        // the table existed is, day by day (a day's facts in one GROUP BY)
        long rollupStart = System.nanoTime();
        for (Instant day = from; day.isBefore(to); day = day.plus(Duration.ofDays(1))) {
            stack.execute("queries/kpi_rollup_rebuild.sql", Map.of("from", day, "to", day.plus(Duration.ofDays(1)),
                    "version", 1L));
            // then the day's hours and the day itself in kpi_rollup_coarse, from those rows
            stack.execute("queries/kpi_rollup_coarse_rebuild.sql",
                    Map.of("from", day, "to", day.plus(Duration.ofDays(1))));
        }
        double rollupSeconds = (System.nanoTime() - rollupStart) / 1e9;
        long rollupRows = stack.sql.queryLong(SqlTemplate.render(SqlResources.load("queries/bench_kpi_rollup_count.sql"),
                Map.of("from", from, "to", to)));
        Progress.say("api: kpi_rollup rebuilt from %,d facts in %.1f s (%d days, %,d rows)", facts, rollupSeconds,
                KPI_RANGE.toDays(), rollupRows);
        double mergeWaitSeconds = awaitMergesSettled();

        String path = "/api/v1/kpis?from=" + from + "&to=" + to + "&granularity=1h";
        // the warm-up requests are not counted (see KPI_WARM_UP); a failure (e.g. the API's query timeout on a very
        // large dataset) is reported, and the measured requests are tried all the same
        TimedRequests timed = timedRequests(path, options.kpiRequests(), true);
        Latencies latencies = timed.latencies();
        int errors = timed.errors();
        String firstError = timed.firstError();
        if (firstError != null) Progress.say("api: KPI errors, the first: %s", firstError);
        BenchResults.TimedPath offMarks = timedPath("/api/v1/kpis?from=" + from.plus(Duration.ofMinutes(1)) + "&to="
                + to + "&granularity=1h", OFF_MARKS_REQUESTS, "off the 15-minute marks (rollup + the ends' raw facts)");
        BenchResults.TimedPath raw = timedPath(path + "&source=facts", RAW_BASELINE_REQUESTS,
                "raw-facts baseline (source=facts)");
        BenchResults.KpiQueries result = new BenchResults.KpiQueries(total, facts, latencies.percentileMs(50),
                latencies.percentileMs(99), latencies.maxMs(), latencies.count(), errors, loadSeconds, path,
                rollupRows, rollupSeconds, offMarks, raw, mergeWaitSeconds, timed.warmUp());
        Progress.say("api: KPI (30 days, 1 h, %,d sessions, %,d facts) p50 %s ms, p99 %s ms over %d requests",
                total, facts, FreshnessBenchmark.fmt(result.p50Ms()), FreshnessBenchmark.fmt(result.p99Ms()),
                latencies.count());
        return result;
    }

    /**
     * Waits until ClickHouse has merged the parts of the bench's own bulk load (no merge running in its database at
     * three polls in a row, at most MERGE_WAIT): requests timed while those merges run measure the load, not the
     * query (FINAL reads across every part not merged yet; the merges take the cores). Returns the seconds waited.
     */
    private double awaitMergesSettled() throws Exception {
        String query = SqlResources.load("queries/bench_merges_running.sql");
        long start = System.nanoTime();
        long deadline = start + MERGE_WAIT.toNanos();
        int quiet = 0;
        while (quiet < 3 && System.nanoTime() < deadline) {
            quiet = stack.sql.queryLong(query) == 0 ? quiet + 1 : 0;
            if (quiet < 3) {
                Thread.sleep(1_000);
            }
        }
        double waited = (System.nanoTime() - start) / 1e9;
        Progress.say(quiet >= 3 ? "api: ClickHouse's merges of the load settled after %.0f s"
                : "api: ClickHouse still merging after %.0f s; timing the requests all the same", waited);
        return waited;
    }

    /**
     * Up to {@code max} requests of {@code path} (within --kpi-max-seconds), after the measured ones: the same range off
     * the 15-minute marks, and the baseline of the same run, the same request read from the raw facts (each of those
     * reads ~100 M rows at full size: a few only).
     */
    private BenchResults.TimedPath timedPath(String path, int max, String what) throws Exception {
        TimedRequests timed = timedRequests(path, max, false);
        Latencies latencies = timed.latencies();
        if (timed.firstError() != null) Progress.say("api: KPI %s errors, the first: %s", what, timed.firstError());
        Progress.say("api: KPI %s p50 %s ms, p99 %s ms over %d requests", what,
                FreshnessBenchmark.fmt(latencies.percentileMs(50)), FreshnessBenchmark.fmt(latencies.percentileMs(99)),
                latencies.count());
        return new BenchResults.TimedPath(latencies.percentileMs(50), latencies.percentileMs(99), latencies.count(),
                timed.errors(), path);
    }

    private record TimedRequests(Latencies latencies, int errors, String firstError, BenchResults.WarmUp warmUp) {}

    /** GET path one request after the other, up to max of them within --kpi-max-seconds, as the manager. */
    private TimedRequests timedRequests(String path, int max, boolean warmUpAndProgress) throws Exception {
        Latencies latencies = new Latencies();
        int errors = 0;
        String firstError = null;
        try (HttpConnection http = new HttpConnection("127.0.0.1", live.apiPort(), live.managerKey)) {
            byte[] request = http.request(path);
            BenchResults.WarmUp warmUp = null;
            if (warmUpAndProgress) {
                warmUp = warmUp(http, request, max);
            }
            long until = System.nanoTime() + options.kpiMaxSeconds() * 1_000_000_000L;
            for (int i = 0; i < max && System.nanoTime() < until; i++) {
                long start = System.nanoTime();
                HttpConnection.Response r = http.send(request);
                long took = System.nanoTime() - start;
                if (r.status() == 200) {
                    latencies.add(took);
                } else {
                    errors++;
                    if (firstError == null) firstError = r.status() + " " + r.body();
                }
                if (warmUpAndProgress && (i + 1) % 10 == 0) {
                    Progress.say("api: KPI %d requests, p50 %s ms", i + 1,
                            FreshnessBenchmark.fmt(latencies.percentileMs(50)));
                }
            }
            return new TimedRequests(latencies, errors, firstError, warmUp);
        }
    }

    /** Requests for KPI_WARM_UP, at least one and at most {@code max}, timed but not counted. */
    private static BenchResults.WarmUp warmUp(HttpConnection http, byte[] request, int max) throws Exception {
        Latencies warm = new Latencies();
        Double firstMs = null;
        long until = System.nanoTime() + KPI_WARM_UP.toNanos();
        do {
            long start = System.nanoTime();
            HttpConnection.Response r = http.send(request);
            long took = System.nanoTime() - start;
            if (firstMs == null) firstMs = took / 1e6;
            if (r.status() != 200) {
                Progress.say("api: a KPI warm-up request answered %d: %s", r.status(), r.body());
                break;
            }
            warm.add(took);
        } while (warm.count() < max && System.nanoTime() < until);
        Progress.say("api: KPI warm-up, %d requests in %d s: the first %s ms, the slowest %s ms", warm.count(),
                KPI_WARM_UP.toSeconds(), FreshnessBenchmark.fmt(firstMs), FreshnessBenchmark.fmt(warm.maxMs()));
        return new BenchResults.WarmUp(warm.count(), firstMs, warm.maxMs());
    }
}
