package io.chatkpi.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatkpi.ingest.sim.TrafficSimulator;
import io.chatkpi.ingest.stack.ClickHouseClient;
import io.chatkpi.ingest.stack.SqlResources;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;


/**
 * The demo's line every 2 seconds: what the simulator sent, what landed in ClickHouse (events, rejected records,
 * sessions of the KPI job), and the live EWT per queue as the API serves it (from its memory, fed by the
 * {@code queue-ewt} topic): the counter reads the API like any client would, so a broken API shows here too.
 */
final class LiveCounter implements Runnable {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final Duration EVERY = Duration.ofSeconds(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintStream out;
    private final ClickHouseClient db;
    private final URI ewtUri;
    private final String apiKey;
    private final AtomicLong sent;
    private final TrafficSimulator simulator;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String query = SqlResources.load("queries/demo_landing_counts.sql");
    private volatile boolean stopped;

    LiveCounter(PrintStream out, ClickHouseClient db, String apiUrl, String apiKey, AtomicLong sent,
                TrafficSimulator simulator) {
        this.out = out;
        this.db = db;
        this.ewtUri = URI.create(apiUrl + "/api/v1/queues/ewt");
        this.apiKey = apiKey;
        this.sent = sent;
        this.simulator = simulator;
    }

    void stop() {
        stopped = true;
    }

    @Override
    public void run() {
        while (!stopped) {
            try {
                Thread.sleep(EVERY.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            String line = String.format(Locale.ROOT, "%s  sent %,d (duplicates %,d, invalid %,d)   %s   %s",
                    LocalTime.now().format(CLOCK), sent.get(), simulator.duplicates(), simulator.invalidLines(),
                    clickHouseCounts(), liveEwt());
            if (!stopped) out.println(line);
        }
    }

    private String clickHouseCounts() {
        try {
            JsonNode row = db.queryJson(query).get(0);
            return String.format(Locale.ROOT, "in ClickHouse: session_events %,d  rejected_events %,d  sessions %,d",
                    row.get("events").asLong(), row.get("rejected").asLong(), row.get("sessions").asLong());
        } catch (RuntimeException e) {
            return "(ClickHouse did not answer: " + e.getMessage() + ")";
        }
    }

    /** "EWT billing -, tech 42s": seconds rounded up as the API says them; "-" while a queue has no recent wait. */
    private String liveEwt() {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(ewtUri)
                            .header("Authorization", "Bearer " + apiKey)
                            .timeout(Duration.ofSeconds(5))
                            .GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return "(API answered " + response.statusCode() + ")";
            }
            List<String> queues = new ArrayList<>();
            for (JsonNode q : JSON.readTree(response.body()).path("queues")) {
                JsonNode seconds = q.path("estimatedWaitSeconds");
                queues.add(q.path("queueId").asText() + " " + (seconds.isNumber() ? seconds.asLong() + "s" : "-"));
            }
            return queues.isEmpty() ? "EWT: none yet" : "EWT: " + String.join(", ", queues);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        } catch (Exception e) {
            return "(API did not answer: " + e.getMessage() + ")";
        }
    }
}
