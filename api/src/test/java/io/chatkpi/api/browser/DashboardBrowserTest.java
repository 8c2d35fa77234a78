package io.chatkpi.api.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatkpi.api.ApiConfig;
import io.chatkpi.api.ApiMain;
import io.chatkpi.api.HttpCalls;
import io.chatkpi.api.TestServers;
import io.chatkpi.ingest.event.EventCodec;
import io.chatkpi.ingest.event.SessionEvent;
import io.chatkpi.ingest.ewt.EwtCalculator;
import io.chatkpi.ingest.ewt.EwtSnapshot;
import io.chatkpi.ingest.ewt.EwtSnapshotJson;
import io.chatkpi.ingest.ewt.WaitSample;
import io.chatkpi.ingest.kafka.Topics;
import io.chatkpi.ingest.sim.SimulationSink;
import io.chatkpi.ingest.sim.SimulatorConfig;
import io.chatkpi.ingest.sim.TrafficSimulator;
import io.chatkpi.ingest.stack.KafkaBroker;
import io.chatkpi.jobs.kpi.KpiJob.KpiConfig;
import io.chatkpi.jobs.replay.ReplayJob;
import io.chatkpi.jobs.sink.ClickHouseSinkOptions;
import io.chatkpi.testing.ClickHouseExtension;
import io.chatkpi.testing.ClickHouseTestDatabase;
import io.chatkpi.testing.KafkaExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web dashboard in Debian's headless Chromium, against the real API on a real socket: ClickHouse holds a
 * replay of simulated traffic (the real KPI job graph on a MiniCluster), the live EWT comes through the real Kafka
 * queue-ewt topic. Every figure the test checks on screen is compared with what the API answers for the same
 * filters. A screenshot of each view goes to target/dashboard-screenshots/.
 */
@ExtendWith({ClickHouseExtension.class, KafkaExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {

    /** Simulated traffic from 21:00 to 03:00 UTC: the 20th has data and so has its previous day. */
    static final Instant SIM_START = Instant.parse("2026-11-19T21:00:00Z");
    static final String DAY = "2026-11-20";
    static final String RANGE = "preset=custom&from=" + DAY + "&to=" + DAY + "&tz=UTC";
    static final String API_RANGE = "from=" + DAY + "&to=2026-11-21&tz=UTC";
    static final Path SCREENSHOTS = Path.of("target", "dashboard-screenshots");
    static final Dimension DESKTOP = new Dimension(1366, 768);
    static final Dimension PHONE = new Dimension(390, 844);

    @TempDir
    static Path tmp;
    /** Where the browser saves downloads. */
    static Path downloads;

    ApiMain.Running api;
    KafkaBroker broker;
    HttpCalls http;
    KafkaProducer<String, String> producer;
    ChromeDriver driver;
    WebDriverWait wait;
    String base;
    final EwtCalculator calculator = EwtCalculator.defaults();

    @BeforeAll
    void start(ClickHouseTestDatabase db, KafkaBroker broker) throws Exception {
        Path events = tmp.resolve("events.jsonl");
        List<String> lines = new ArrayList<>();
        // every queue open around the clock, few reps: waits build up and vary
        SimulatorConfig sim = SimulatorConfig.defaults().withStart(SIM_START).withDuration(Duration.ofHours(6))
                .withQueues(SimulatorConfig.queues(SimulatorConfig.DEFAULT_QUEUES, 3).stream()
                        .map(q -> q.withHours(0, 24, true)).toList())
                .withRate(4).withSeed(5);
        new TrafficSimulator(sim).run(new SimulationSink() {
            @Override
            public void event(SessionEvent event) {
                lines.add(EventCodec.encode(event));
            }

            @Override
            public void invalidLine(String line) {
                lines.add(line);
            }
        });
        Files.write(events, lines, StandardCharsets.UTF_8);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, new Configuration());
        ReplayJob.toClickHouse(env, events, ClickHouseSinkOptions.of("jdbc:clickhouse:" + db.url(), db.database()),
                KpiConfig.defaults(), Duration.ofSeconds(5));
        long replayStart = System.nanoTime();
        env.execute("replay for the dashboard test");
        System.out.printf("replayed %d lines in %.1f s%n", lines.size(), (System.nanoTime() - replayStart) / 1e9);

        this.broker = broker;
        broker.createTopic(Topics.QUEUE_EWT, 1, true);
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                new StringSerializer(), new StringSerializer());
        Instant now = Instant.now();
        publish("billing", now.minusSeconds(90), 40_000, now.minusSeconds(30), 44_000);
        publish("tech", now.minusSeconds(20), 12_000);
        ApiConfig config = ApiConfig.defaults(TestServers.KEYS).withPort(0)
                .withClickHouse(db.url(), db.database(), "default", "")
                .withKafkaBootstrap(broker.bootstrapServers());
        api = ApiMain.start(config, Clock.systemUTC());
        http = new HttpCalls(api.app().port());
        base = "http://127.0.0.1:" + api.app().port() + "/";
        awaitApi(() -> api.feed().current() && http.get("/api/v1/queues/billing/ewt", TestServers.MANAGER_KEY)
                .json().get("sampleSize").asInt() == 2);

        Files.createDirectories(SCREENSHOTS);
        long browserStart = System.nanoTime();
        downloads = Files.createDirectories(tmp.resolve("downloads"));
        driver = startChromium(tmp.resolve("chromium-profile"), downloads);
        System.out.printf("chromium up in %.1f s%n", (System.nanoTime() - browserStart) / 1e9);
        wait = new WebDriverWait(driver, Duration.ofSeconds(30));
    }

    @AfterAll
    void stop() {
        if (driver != null) driver.quit();
        if (producer != null) producer.close();
        if (api != null) api.close();
    }

    /** No error in the browser console during any test (the sign-in test reads its expected 401 itself). */
    @AfterEach
    void noConsoleErrors() {
        assertThat(severeLogs()).as("browser console errors").isEmpty();
    }

    static ChromeDriver startChromium(Path profile, Path downloads) {
        for (String exe : List.of("/usr/bin/chromium", "/usr/bin/chromedriver")) {
            if (!Files.isExecutable(Path.of(exe))) {
                throw new IllegalStateException(exe + " is missing: run ./chatkpi test (it installs Debian's chromium "
                        + "and chromium-driver) or apt-get install -y chromium chromium-driver");
            }
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile.toAbsolutePath(),
                "--window-size=" + DESKTOP.width + "," + DESKTOP.height, "--lang=en-US");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        options.setExperimentalOption("prefs", Map.of("download.default_directory", downloads.toAbsolutePath().toString(),
                "download.prompt_for_download", false));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile()).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(DESKTOP);
        return driver;
    }

    // ---- tests, in the order a manager would go -----------------------------------------------------------------

    @Test
    @Order(1)
    void signInRefusesAnUnknownKeyThenSignsInWithAManagerKey() {
        // the page and its chart library come from this server, under a policy that allows no other origin
        var page = http.get("/", null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("/webjars/echarts/").doesNotContain("https://");
        assertThat(page.header("Content-Security-Policy")).startsWith("default-src 'self'");
        assertThat(http.get("/webjars/echarts/5.3.1/dist/echarts.min.js", null).status()).isEqualTo(200);

        driver.get(base);
        WebElement key = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("api-key")));
        key.sendKeys("not-a-key");
        driver.findElement(By.cssSelector("#sign-in-form button[type=submit]")).click();
        WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in-error")));
        assertThat(error.getText()).isEqualTo("Unknown API key.");
        // the one console error is the refused request itself
        List<LogEntry> refused = severeLogs();
        assertThat(refused).hasSize(1);
        assertThat(refused.get(0).getMessage()).contains("/api/v1/queues").contains("401");

        signIn(TestServers.MANAGER_KEY);
        assertThat(driver.findElement(By.id("sign-out")).isDisplayed()).isTrue();
        assertThat(js("return sessionStorage.getItem('chatkpi.apiKey')")).isEqualTo(TestServers.MANAGER_KEY);

        driver.findElement(By.id("sign-out")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("api-key")));
        assertThat(js("return sessionStorage.getItem('chatkpi.apiKey')")).isNull();
        assertThat(driver.findElements(By.cssSelector("[data-queue]"))).isEmpty();
        signIn(TestServers.ANALYST_KEY);
    }

    @Test
    @Order(2)
    void liveQueuesShowTheApiFiguresAndFollowTheEwtTopic() throws Exception {
        open("#/live");
        JsonNode queues = apiGet("/api/v1/queues").get("queues");
        for (JsonNode q : queues) {
            String id = q.get("queueId").asText();
            WebElement card = wait.until(ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("article[data-queue='" + id + "']")));
            assertThat(field(card, "waiting")).isEqualTo(fmtInt(q.get("waiting").asLong()));
            assertThat(field(card, "active")).isEqualTo(fmtInt(q.get("active").asLong()));
            assertThat(field(card, "inactive")).isEqualTo(fmtInt(q.get("inactive").asLong()));
            assertThat(field(card, "repsBusy")).isEqualTo(fmtInt(q.get("repsWithActiveSessions").asLong()));
        }
        assertThat(driver.findElements(By.cssSelector("article[data-queue]"))).hasSize(queues.size());
        WebElement billing = card("billing");
        JsonNode ewt = apiGet("/api/v1/queues/billing/ewt");
        assertThat(field(billing, "ewt")).isEqualTo(fmtSeconds(ewt.get("estimatedWaitSeconds").asLong()));
        assertThat(field(billing, "ewtRange")).contains("· 2 samples")
                .contains(fmtSeconds(ewt.get("p50WaitMs").asLong() / 1000.0));
        // a queue of the replay with no sample in the last 10 minutes
        assertThat(field(card("general"), "ewt")).isEqualTo("Not enough data");
        screenshot("live");

        // a new wait on the topic: the card follows without a reload
        String before = field(billing, "ewt");
        Instant now = Instant.now();
        publish("billing", now.minusSeconds(90), 40_000, now.minusSeconds(30), 44_000, now.minusSeconds(1), 600_000);
        awaitApi(() -> apiGet("/api/v1/queues/billing/ewt").get("sampleSize").asInt() == 3);
        long seconds = apiGet("/api/v1/queues/billing/ewt").get("estimatedWaitSeconds").asLong();
        // the element found before the change is still the card: updated in place, not re-rendered (no flicker)
        wait.until(d -> field(billing, "ewt").equals(fmtSeconds(seconds)));
        assertThat(field(billing, "ewt")).isNotEqualTo(before);
        assertThat(field(billing, "ewtRange")).contains("· 3 samples");
        // each card's level follows the default thresholds (amber 60 s, red 180 s) on max(EWT, longest wait)
        for (JsonNode q : apiGet("/api/v1/queues").get("queues")) {
            long worst = Math.max(q.get("ewt").path("estimatedWaitMs").asLong(0),
                    q.get("longestCurrentWaitMs").asLong(0));
            String level = worst >= 180_000 ? "red" : worst >= 60_000 ? "amber" : "ok";
            assertThat(card(q.get("queueId").asText()).getAttribute("data-level")).as(q.toString()).isEqualTo(level);
        }
        assertThat(card("billing").getAttribute("data-level")).isEqualTo("red");
        // thresholds are the user's: raised out of reach, every card is back to OK
        setThreshold("red", "99999999");
        setThreshold("amber", "99999999");
        wait.until(d -> d.findElements(By.cssSelector("article[data-level='ok']")).size() == queues.size());
        assertThat(field(card("billing"), "level")).isEqualTo("OK");
        setThreshold("amber", "60");
        setThreshold("red", "180");
        wait.until(d -> "red".equals(card("billing").getAttribute("data-level")));
        screenshot("live-after-new-wait");
    }

    @Test
    @Order(3)
    void kpiTilesMatchTheApiAndFollowAFilterChange() {
        open("#/kpis?" + RANGE + "&g=1h");
        JsonNode all = apiGet("/api/v1/kpis/summary?" + API_RANGE + "&compare=previous");
        assertThat(all.get("totals").get("answered").asLong()).as("the replay must answer chats that day")
                .isPositive();
        assertTiles(all);
        for (String chart : List.of("ewt", "volumes", "wait", "firstResponse", "repResponse", "handle", "rates")) {
            WebElement box = driver.findElement(By.cssSelector("[data-chart='" + chart + "']"));
            wait.until(d -> !box.findElements(By.cssSelector("canvas")).isEmpty());
        }
        // the previous day has data: a change is shown
        assertThat(tile("started").findElement(By.cssSelector(".change")).getText()).contains("vs previous");
        screenshot("kpis");
        scrollTo("[data-chart='wait']");
        screenshot("kpis-charts");
        scrollTo("body");

        new Select(driver.findElement(By.name("queueId"))).selectByValue("billing");
        wait.until(ExpectedConditions.urlContains("queueId=billing"));
        JsonNode billing = apiGet("/api/v1/kpis/summary?" + API_RANGE + "&queueId=billing&compare=previous");
        assertThat(billing.get("totals").get("answered").asLong())
                .isNotEqualTo(all.get("totals").get("answered").asLong());
        wait.until(d -> tileValue("answered").equals(fmtInt(billing.get("totals").get("answered").asLong())));
        assertTiles(billing);

        // the filters are in the URL: a reload gives the same view
        driver.navigate().refresh();
        waitLoaded("kpis");
        assertTiles(billing);
        assertThat(new Select(driver.findElement(By.name("queueId"))).getFirstSelectedOption().getAttribute("value"))
                .isEqualTo("billing");
        screenshot("kpis-billing");

        // with the keyboard: the time zone moves the day's boundaries, the numbers follow the API's for that zone
        WebElement tz = driver.findElement(By.name("tz"));
        new Select(tz).selectByValue("Asia/Tokyo");
        wait.until(ExpectedConditions.urlContains("tz=Asia%2FTokyo"));
        JsonNode tokyo = apiGet("/api/v1/kpis/summary?from=" + DAY + "&to=2026-11-21&tz=Asia/Tokyo&queueId=billing"
                + "&compare=previous");
        assertThat(tokyo.get("totals").get("started").asLong())
                .isNotEqualTo(billing.get("totals").get("started").asLong());
        wait.until(d -> tileValue("started").equals(fmtInt(tokyo.get("totals").get("started").asLong())));
        assertTiles(tokyo);
        // the rebuilt filter bar keeps the keyboard focus where it was
        assertThat(driver.switchTo().activeElement().getAttribute("name")).isEqualTo("tz");

        // a finer granularity: the charts get one point per bucket the API returns for that granularity
        String tokyoBilling = "from=" + DAY + "&to=2026-11-21&tz=Asia/Tokyo&queueId=billing";
        int hourly = apiGet("/api/v1/kpis?" + tokyoBilling + "&granularity=1h").get("series").size();
        wait.until(d -> chartPoints("volumes") == hourly);
        new Select(driver.findElement(By.name("g"))).selectByValue("15m");
        wait.until(ExpectedConditions.urlContains("g=15m"));
        int quarterHourly = apiGet("/api/v1/kpis?" + tokyoBilling + "&granularity=15m").get("series").size();
        assertThat(quarterHourly).isGreaterThan(hourly);
        for (String chart : List.of("volumes", "wait", "rates")) {
            wait.until(d -> chartPoints(chart) == quarterHourly);
        }
        assertThat(new Select(driver.findElement(By.name("g"))).getFirstSelectedOption().getAttribute("value"))
                .isEqualTo("15m");
        screenshot("kpis-15m");
    }

    @Test
    @Order(4)
    void repsTableMatchesTheApiAndSorts() {
        open("#/reps?" + RANGE);
        JsonNode reps = apiGet("/api/v1/reps?" + API_RANGE).get("reps");
        assertThat(reps.size()).isGreaterThan(1);
        List<WebElement> rows = driver.findElements(By.cssSelector("tr[data-rep]"));
        assertThat(rows).hasSize(reps.size());
        for (JsonNode rep : reps) {
            WebElement row = driver.findElement(By.cssSelector("tr[data-rep='" + rep.get("repId").asText() + "']"));
            assertThat(cell(row, "sessions")).isEqualTo(fmtInt(rep.get("kpis").get("sessionsJoined").asLong()));
            assertThat(cell(row, "inactive")).isEqualTo(fmtInt(rep.get("kpis").get("sessionsInactive").asLong()));
        }
        // default: most sessions first
        List<Long> sessions = column("sessions");
        assertThat(sessions).isSortedAccordingTo((a, b) -> Long.compare(b, a));
        driver.findElement(By.cssSelector("button[data-sort='repId']")).click();
        wait.until(ExpectedConditions.urlContains("sort=repId"));
        List<String> ids = driver.findElements(By.cssSelector("tr[data-rep]")).stream()
                .map(r -> r.getAttribute("data-rep")).toList();
        assertThat(ids).isSortedAccordingTo(Comparator.reverseOrder());
        driver.findElement(By.cssSelector("button[data-sort='repId']")).sendKeys(org.openqa.selenium.Keys.ENTER);
        wait.until(ExpectedConditions.urlContains("dir=asc"));
        ids = driver.findElements(By.cssSelector("tr[data-rep]")).stream().map(r -> r.getAttribute("data-rep"))
                .toList();
        assertThat(ids).isSorted();
        screenshot("reps");
    }

    @Test
    @Order(5)
    void sessionsPageThroughTheSameRowsAsTheApi() throws Exception {
        open("#/sessions?" + RANGE + "&queueId=tech");
        JsonNode first = apiGet("/api/v1/sessions?" + API_RANGE + "&queueId=tech&limit=50");
        assertThat(first.get("nextCursor").isNull()).as("the day must need more than one page").isFalse();
        assertThat(sessionIds()).isEqualTo(ids(first));
        assertThat(driver.findElement(By.cssSelector("[data-field='rows']")).getText()).isEqualTo("Rows 1–50");
        driver.findElement(By.cssSelector("button[data-action='next']")).click();
        JsonNode second = apiGet("/api/v1/sessions?" + API_RANGE + "&queueId=tech&limit=50&cursor="
                + first.get("nextCursor").asText());
        wait.until(d -> sessionIds().equals(ids(second)));
        screenshot("sessions");
        driver.findElement(By.cssSelector("button[data-action='prev']")).click();
        wait.until(d -> sessionIds().equals(ids(first)));
        // the CSV button saves the API's CSV of the whole selection, byte for byte
        var csv = http.get("/api/v1/sessions?" + API_RANGE + "&queueId=tech&format=csv", TestServers.ANALYST_KEY);
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.body().lines().count()).as("header and more rows than one page").isGreaterThan(51);
        Path saved = downloads.resolve("sessions-" + DAY + "-" + DAY + ".csv");
        Files.deleteIfExists(saved);
        driver.findElement(By.cssSelector("button[data-action='csv']")).click();
        wait.until(d -> d.findElement(By.cssSelector("button[data-action='csv']")).getText().equals("Download CSV"));
        awaitApi(() -> Files.isRegularFile(saved) && !Files.exists(Path.of(saved + ".crdownload")));
        assertThat(Files.readString(saved, StandardCharsets.UTF_8)).isEqualTo(csv.body());
    }

    @Test
    @Order(6)
    void ewtAccuracyMatchesTheApi() {
        open("#/accuracy?" + RANGE);
        JsonNode queues = apiGet("/api/v1/ewt/accuracy?" + API_RANGE).get("queues");
        assertThat(queues.size()).isPositive();
        for (JsonNode q : queues) {
            WebElement row = driver.findElement(By.cssSelector("tr[data-queue='" + q.get("queueId").asText() + "']"));
            assertThat(cell(row, "queued")).isEqualTo(fmtInt(q.get("queued").asLong()));
            assertThat(cell(row, "count")).isEqualTo(fmtInt(q.get("count").asLong()));
        }
        wait.until(d -> !d.findElements(By.cssSelector("[data-chart='accuracy'] canvas")).isEmpty());
        screenshot("accuracy");
    }

    @Test
    @Order(7)
    void emptyAndErrorStatesAreShownAsSuch() {
        open("#/kpis?preset=custom&from=2020-01-01&to=2020-01-01&tz=UTC&g=1h");
        assertThat(driver.findElement(By.cssSelector("[data-view='kpis'] [data-state='empty']")).getText())
                .startsWith("No chat activity");
        assertThat(tileValue("answered")).isEqualTo("0");
        // a range the API refuses (too many 1-minute buckets): its message, not a blank chart
        driver.get(base + "#/kpis?preset=custom&from=2020-01-01&to=2020-12-31&tz=UTC&g=1m");
        WebElement error = wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("[data-view='kpis'] [data-state='error']")));
        assertThat(error.getText()).contains("400").contains("granularity");
        assertThat(error.getAttribute("role")).isEqualTo("alert");
        // the refused request is the one expected console error
        assertThat(severeLogs()).allSatisfy(e -> assertThat(e.getMessage()).contains("400"));
    }

    @Test
    @Order(8)
    void everyViewIsReadableAtPhoneWidth() {
        driver.manage().window().setSize(PHONE);
        try {
            for (String view : List.of("live", "kpis", "reps", "sessions", "accuracy")) {
                open("#/" + view + (view.equals("live") ? "" : "?" + RANGE));
                // nothing wider than the screen but the tables' own scrolling box
                Number overflow = (Number) js("return document.documentElement.scrollWidth - window.innerWidth");
                assertThat(overflow.intValue()).as(view + " overflows the phone width").isLessThanOrEqualTo(0);
                screenshot(view + "-phone");
                if (view.equals("kpis")) {
                    scrollTo("[data-chart='ewt']");
                    screenshot("kpis-charts-phone");
                }
            }
        } finally {
            driver.manage().window().setSize(DESKTOP);
        }
    }

    @Test
    @Order(9)
    void withClickHouseDownTheLiveViewStillShowsTheEwt() {
        ApiConfig config = ApiConfig.defaults(TestServers.KEYS).withPort(0)
                .withClickHouse("http://127.0.0.1:1", "chatkpi", "default", "")
                .withKafkaBootstrap(broker.bootstrapServers());
        try (ApiMain.Running degraded = ApiMain.start(config, Clock.systemUTC())) {
            HttpCalls direct = new HttpCalls(degraded.app().port());
            assertThat(direct.get("/api/v1/queues", TestServers.MANAGER_KEY).status()).isEqualTo(503);
            driver.get("http://127.0.0.1:" + degraded.app().port() + "/#/live");
            // another origin: a fresh sessionStorage, so sign in; the key is accepted although ClickHouse is down
            signIn(TestServers.MANAGER_KEY);
            WebElement banner = wait.until(ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("[data-state='degraded']")));
            assertThat(banner.getText()).contains("showing the live EWT only");
            wait.until(d -> !d.findElements(By.cssSelector("article[data-queue='billing']")).isEmpty()
                    && !field(card("billing"), "ewt").isEmpty());
            JsonNode ewt = direct.get("/api/v1/queues/billing/ewt", TestServers.MANAGER_KEY).json();
            assertThat(field(card("billing"), "ewt")).isEqualTo(fmtSeconds(ewt.get("estimatedWaitSeconds").asLong()));
            assertThat(field(card("billing"), "waiting")).isEqualTo("–");
            screenshot("live-clickhouse-down");
            // the console errors are the 503s of the queue state, nothing else
            assertThat(severeLogs()).isNotEmpty().allSatisfy(e -> assertThat(e.getMessage()).contains("503"));
            driver.get(base + "#/live");
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    void publish(String queue, Object... atAndWait) throws Exception {
        List<WaitSample> samples = new ArrayList<>();
        for (int i = 0; i < atAndWait.length; i += 2) {
            samples.add(new WaitSample(((Instant) atAndWait[i]).toEpochMilli(), ((Number) atAndWait[i + 1]).longValue()));
        }
        long asOf = samples.get(samples.size() - 1).atMs();
        List<WaitSample> inForce = calculator.inForce(samples, asOf);
        EwtSnapshot snapshot = new EwtSnapshot(queue, asOf, calculator.figures(inForce), inForce);
        producer.send(new ProducerRecord<>(Topics.QUEUE_EWT, queue, EwtSnapshotJson.encode(snapshot))).get();
    }

    static void awaitApi(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("the API never got there");
            Thread.sleep(50);
        }
    }

    JsonNode apiGet(String path) {
        var reply = http.get(path, TestServers.ANALYST_KEY);
        assertThat(reply.status()).as(path + " -> " + reply.body()).isEqualTo(200);
        return reply.json();
    }

    void signIn(String key) {
        WebElement input = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("api-key")));
        input.sendKeys(key);
        input.sendKeys(org.openqa.selenium.Keys.ENTER);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("nav")));
    }

    void open(String hash) {
        driver.get(base + hash);
        String view = hash.substring(2).split("\\?")[0];
        waitLoaded(view);
    }

    /** The view's content is there: not loading any more, charts drawn. */
    void waitLoaded(String view) {
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("main [data-view='" + view + "']")));
        wait.until(d -> d.findElements(By.cssSelector("[data-state='loading']")).isEmpty()
                && (!view.equals("live") || !d.findElements(By.cssSelector("article[data-queue]")).isEmpty()));
        assertThat(driver.findElements(By.cssSelector("[data-state='error']"))).as("error states")
                .extracting(WebElement::getText).isEmpty();
    }

    void setThreshold(String name, String seconds) {
        WebElement input = driver.findElement(By.name(name));
        input.clear();
        input.sendKeys(seconds + "\t");
    }

    WebElement card(String queue) {
        return driver.findElement(By.cssSelector("article[data-queue='" + queue + "']"));
    }

    static String field(WebElement card, String name) {
        return card.findElement(By.cssSelector("[data-field='" + name + "']")).getText();
    }

    static String cell(WebElement row, String col) {
        return row.findElement(By.cssSelector("[data-col='" + col + "']")).getText();
    }

    WebElement tile(String id) {
        return driver.findElement(By.cssSelector("[data-tile='" + id + "']"));
    }

    String tileValue(String id) {
        return tile(id).findElement(By.cssSelector(".value")).getText();
    }

    void assertTiles(JsonNode summary) {
        JsonNode t = summary.get("totals");
        for (String count : List.of("started", "answered", "abandoned", "notRouted", "casesCreated")) {
            assertThat(tileValue(count)).as(count).isEqualTo(fmtInt(t.get(count).asLong()));
        }
        for (var rate : Map.of("serviceLevel", "serviceLevel", "abandonmentRate", "abandonmentRate").entrySet()) {
            JsonNode v = t.get("rates").get(rate.getValue());
            String raw = tile(rate.getKey()).findElement(By.cssSelector(".value")).getAttribute("data-raw");
            if (v.isNull()) assertThat(raw).isEmpty();
            else assertThat(Double.parseDouble(raw)).as(rate.getKey()).isEqualTo(v.asDouble());
        }
        String rawWait = tile("waitAvg").findElement(By.cssSelector(".value")).getAttribute("data-raw");
        if (t.get("waitMs").get("avg").isNull()) assertThat(rawWait).isEmpty();
        else assertThat(Double.parseDouble(rawWait)).isEqualTo(t.get("waitMs").get("avg").asDouble());
    }

    /** Points of the first series of a drawn chart (ECharts' own option), -1 while the chart is not drawn. */
    int chartPoints(String chart) {
        Object n = ((JavascriptExecutor) driver).executeScript("const box = document.querySelector("
                + "\"[data-chart='\" + arguments[0] + \"'] .chart\"); const c = box && echarts.getInstanceByDom(box);"
                + " return c ? c.getOption().series[0].data.length : -1;", chart);
        return ((Number) n).intValue();
    }

    List<Long> column(String col) {
        return driver.findElements(By.cssSelector("tr[data-rep] [data-col='" + col + "']")).stream()
                .map(e -> Long.parseLong(e.getText().replace(",", ""))).toList();
    }

    List<String> sessionIds() {
        return driver.findElements(By.cssSelector("tr[data-session]")).stream()
                .map(e -> e.getAttribute("data-session")).toList();
    }

    static List<String> ids(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.get("sessions").forEach(s -> out.add(s.get("sessionId").asText()));
        return out;
    }

    void scrollTo(String css) {
        ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView()",
                driver.findElement(By.cssSelector(css)));
    }

    Object js(String script) {
        return ((JavascriptExecutor) driver).executeScript(script);
    }

    List<LogEntry> severeLogs() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
    }

    void screenshot(String name) {
        try {
            Dimension size = driver.manage().window().getSize();
            Path file = SCREENSHOTS.resolve(name + "-" + size.width + "x" + size.height + ".png");
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** As the dashboard's fmtInt. */
    static String fmtInt(long n) {
        return java.text.NumberFormat.getIntegerInstance(Locale.US).format(n);
    }

    /** As the dashboard's fmtSeconds. */
    static String fmtSeconds(double s) {
        if (s < 10) return (s % 1 == 0 ? String.valueOf((long) s) : String.format(Locale.ROOT, "%.1f", s)) + " s";
        if (s < 60) return Math.round(s) + " s";
        long total = Math.round(s);
        if (total < 3600) return total / 60 + " min " + String.format(Locale.ROOT, "%02d", total % 60) + " s";
        if (total < 86_400) {
            return total / 3600 + " h " + String.format(Locale.ROOT, "%02d", (total % 3600) / 60) + " min";
        }
        return total / 86_400 + " d " + String.format(Locale.ROOT, "%02d", (total % 86_400) / 3600) + " h";
    }
}
