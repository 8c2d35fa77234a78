package io.chatkpi.ingest.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EventCodecTest {

    private static final long TS = 1_795_600_800_250L; // 2026-11-25T10:00:00.250Z

    @Test
    void roundTripsEveryField() {
        SessionEvent e = new SessionEvent("e-1", "s-1", EventType.NOT_ROUTED, TS, Channel.IN_APP, "billing", "q1",
                "r1", Sender.AUTO, Actor.SYSTEM, NotRoutedReason.QUEUE_FULL, Boolean.FALSE);
        String json = EventCodec.encode(e);
        Decoded back = EventCodec.decode(json);
        assertThat(back.isValid()).as(String.valueOf(back.rejected())).isTrue();
        assertThat(back.event()).isEqualTo(e);
        assertThat(EventCodec.decode(EventCodec.encodeToBytes(e)).event()).isEqualTo(e);
    }

    @Test
    void roundTripsMinimalEventWithoutOptionalFields() {
        SessionEvent e = SessionEvent.of("e-2", "s-2", EventType.ENDED, TS);
        String json = EventCodec.encode(e);
        assertThat(json).isEqualTo(
                "{\"eventId\":\"e-2\",\"sessionId\":\"s-2\",\"type\":\"ENDED\",\"ts\":\"2026-11-25T10:00:00.250Z\"}");
        assertThat(EventCodec.decode(json).event()).isEqualTo(e);
    }

    @Test
    void roundTripsEveryValidSample() {
        for (EventSamples.Sample s : EventSamples.ALL) {
            if (!s.valid()) continue;
            SessionEvent first = EventCodec.decode(s.json()).event();
            assertThat(first).as(s.name()).isNotNull();
            assertThat(EventCodec.decode(EventCodec.encode(first)).event()).as(s.name()).isEqualTo(first);
        }
    }

    @Test
    void truncatedJsonIsRejectedWithThePositionAndNoParserInternals() {
        String reason = EventCodec.decode("{\"eventId\":\"x\"").rejected().reason();
        assertThat(reason).startsWith("not JSON: Unexpected end-of-input").endsWith("(at character 15)")
                .doesNotContain("Source:").doesNotContain("start marker");
    }

    @Test
    void roundTripsTextThatNeedsEscaping() {
        SessionEvent e = SessionEvent.of("e\"3", "s\\3\n", EventType.SESSION_STARTED, TS).withTopic("café ☕ \u0001");
        assertThat(EventCodec.decode(EventCodec.encode(e)).event()).isEqualTo(e);
        assertThat(new String(EventCodec.encodeToBytes(e), StandardCharsets.UTF_8)).isEqualTo(EventCodec.encode(e));
    }

    @Test
    void offsetsAreConvertedToTheInstantAndKeptToTheMillisecond() {
        SessionEvent plusOne = decodeValid("{\"eventId\":\"e\",\"sessionId\":\"s\",\"type\":\"ENDED\","
                + "\"ts\":\"2026-11-25T11:00:00.250999+01:00\"}");
        assertThat(plusOne.ts()).isEqualTo(TS);
        assertThat(EventCodec.encode(plusOne)).contains("\"ts\":\"2026-11-25T10:00:00.250Z\"");
    }

    @Test
    void unknownFieldsAreIgnoredAndNotReEncoded() {
        SessionEvent e = decodeValid("{\"eventId\":\"e\",\"sessionId\":\"s\",\"type\":\"ENDED\","
                + "\"ts\":\"2026-11-25T10:00:00.250Z\",\"future\":{\"a\":[1,2]},\"by\":\"REP\"}");
        assertThat(e.by()).isEqualTo(Actor.REP);
        assertThat(EventCodec.encode(e)).doesNotContain("future");
    }

    /** The hand-written ts reader against java.time on random instants, offsets and fraction lengths. */
    @Test
    void timestampReaderAgreesWithJavaTime() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(7);
        for (int i = 0; i < 5_000; i++) {
            long epochSecond = r.nextLong(-2_208_988_800L, 32_503_680_000L); // 1900 .. 3000
            int nanos = r.nextInt(1_000_000_000);
            int offset = r.nextInt(-18 * 60, 18 * 60 + 1) * 60;
            java.time.OffsetDateTime t = java.time.Instant.ofEpochSecond(epochSecond, nanos)
                    .atOffset(java.time.ZoneOffset.ofTotalSeconds(offset));
            String fraction = String.format("%09d", nanos).substring(0, r.nextInt(10));
            String text = t.format(java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss"))
                    + (fraction.isEmpty() ? "" : "." + fraction)
                    + (offset == 0 && r.nextBoolean() ? "Z" : t.getOffset().getId().equals("Z") ? "+00:00" : t.getOffset().getId());
            long expected = java.time.OffsetDateTime.parse(text).toInstant().toEpochMilli();
            assertThat(EventValidator.parseTs(text)).as(text).isEqualTo(expected);
            assertThat(EventCodec.decode("{\"eventId\":\"e\",\"sessionId\":\"s\",\"type\":\"ENDED\",\"ts\":\""
                    + text + "\"}").event().ts()).as(text).isEqualTo(expected);
        }
    }

    /**
     * The hand-written check of the canonical UTC form never accepts what the contract's regular expression rejects,
     * and accepts what our producers write (Instant.toString at millisecond precision).
     */
    @Test
    void theCanonicalShapeCheckAcceptsOnlyWhatThePatternAccepts() {
        java.util.regex.Pattern pattern = java.util.regex.Pattern.compile(EventValidator.TS_PATTERN);
        java.util.Random r = new java.util.Random(7);
        String alphabet = "0123456789-:TZz.+ t";
        int accepted = 0;
        for (int i = 0; i < 200_000; i++) {
            long millis = r.nextLong(-2_208_988_800_000L, 32_503_680_000_000L);
            String canonical = java.time.Instant.ofEpochMilli(millis - (r.nextBoolean() ? millis % 1000 : 0)).toString();
            if (canonical.length() == 20 || canonical.length() == 24) {
                assertThat(EventValidator.hasCanonicalUtcShape(canonical)).as(canonical).isTrue();
            }
            StringBuilder mutated = new StringBuilder(canonical);
            for (int m = r.nextInt(3); m >= 0; m--) {
                int at = r.nextInt(mutated.length());
                switch (r.nextInt(3)) {
                    case 0 -> mutated.setCharAt(at, alphabet.charAt(r.nextInt(alphabet.length())));
                    case 1 -> mutated.deleteCharAt(at);
                    default -> mutated.insert(at, alphabet.charAt(r.nextInt(alphabet.length())));
                }
            }
            String text = mutated.toString();
            if (EventValidator.hasCanonicalUtcShape(text)) {
                accepted++;
                assertThat(pattern.matcher(text).matches()).as(text).isTrue();
            }
        }
        assertThat(accepted).as("some mutations keep the shape").isGreaterThan(1_000);
    }

    static Stream<EventSamples.Sample> invalidSamples() {
        return EventSamples.ALL.stream().filter(s -> !s.valid());
    }

    /** Every rejection keeps the raw text and names the field (or says the text is not a JSON object). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidSamples")
    void rejectionNamesTheField(EventSamples.Sample s) {
        Decoded d = EventCodec.decode(s.json());
        assertThat(d.isValid()).as(s.json()).isFalse();
        assertThat(d.event()).isNull();
        assertThat(d.rejected().raw()).isEqualTo(s.json());
        String expectedPrefix = s.field().startsWith("not ") ? s.field() : s.field() + ": ";
        assertThat(d.rejected().reason()).as(s.json()).startsWith(expectedPrefix);
    }

    @Test
    void rejectionReasonsSayWhatIsWrong() {
        assertThat(reason("nope")).startsWith("not JSON: ");
        assertThat(reason("[1]")).isEqualTo("not a JSON object");
        assertThat(reason("{\"sessionId\":\"s\",\"type\":\"ENDED\",\"ts\":\"2026-11-25T10:00:00Z\"}"))
                .isEqualTo("eventId: missing");
        assertThat(reason("{\"eventId\":\"\",\"sessionId\":\"s\",\"type\":\"ENDED\",\"ts\":\"2026-11-25T10:00:00Z\"}"))
                .isEqualTo("eventId: must not be empty");
        assertThat(reason("{\"eventId\":\"e\",\"sessionId\":\"s\",\"type\":\"FOO\",\"ts\":\"2026-11-25T10:00:00Z\"}"))
                .startsWith("type: unknown value 'FOO'");
        assertThat(reason("{\"eventId\":\"e\",\"sessionId\":\"s\",\"type\":\"ENDED\",\"ts\":\"2026-11-25T10:00:00\"}"))
                .startsWith("ts: has no zone offset");
        assertThat(reason("{\"eventId\":\"e\",\"sessionId\":\"s\",\"type\":\"ENDED\",\"ts\":\"tomorrow\"}"))
                .startsWith("ts: not an ISO-8601 timestamp");
        assertThat(reason("{\"eventId\":\"e\",\"sessionId\":\"s\",\"type\":\"ENDED\",\"ts\":\"2026-02-30T10:00:00Z\"}"))
                .startsWith("ts: not a valid date-time");
        assertThat(reason("{\"eventId\":\"e\",\"sessionId\":\"s\",\"type\":\"ENDED\",\"ts\":5}"))
                .isEqualTo("ts: must be a string");
        assertThat(reason("{\"eventId\":\"e\",\"sessionId\":\"s\",\"type\":\"NOT_ROUTED\","
                + "\"ts\":\"2026-11-25T10:00:00Z\",\"caseCreated\":\"yes\"}"))
                .isEqualTo("caseCreated: must be a boolean");
        assertThat(reason("{\"eventId\":\"e\",\"sessionId\":\"s\",\"type\":\"INACTIVE\","
                + "\"ts\":\"2026-11-25T10:00:00Z\",\"by\":\"SYSTEM\"}"))
                .startsWith("by: 'SYSTEM' is not allowed on INACTIVE");
    }

    /**
     * A Kafka record gives exactly what its text gives: the same event, or the same rejection (raw text, reason,
     * character position), for every sample and for random byte-level damage to them (bytes dropped, inserted or
     * replaced, including bytes that are not UTF-8).
     */
    @Test
    void bytesDecodeExactlyAsTheirText() {
        java.util.Random r = new java.util.Random(11);
        byte[] specials = "\"\\{}[],: \u00e9\u2615".getBytes(StandardCharsets.UTF_8);
        int valid = 0;
        int rejected = 0;
        for (int i = 0; i < 40_000; i++) {
            EventSamples.Sample s = EventSamples.ALL.get(r.nextInt(EventSamples.ALL.size()));
            byte[] bytes = s.json().getBytes(StandardCharsets.UTF_8);
            if (i % 4 != 0 && bytes.length > 0) {
                java.io.ByteArrayOutputStream damaged = new java.io.ByteArrayOutputStream();
                int at = r.nextInt(bytes.length);
                damaged.write(bytes, 0, at);
                switch (r.nextInt(4)) {
                    case 0 -> { } // one byte dropped
                    case 1 -> damaged.write(0x80 + r.nextInt(0x80)); // not UTF-8 on its own
                    case 2 -> damaged.write(specials[r.nextInt(specials.length)]);
                    default -> damaged.write(r.nextInt(256));
                }
                int from = r.nextInt(4) == 0 ? at : at + 1; // sometimes inserted, else replaced
                damaged.write(bytes, Math.min(from, bytes.length), bytes.length - Math.min(from, bytes.length));
                bytes = damaged.toByteArray();
            }
            Decoded fromText = EventCodec.decode(new String(bytes, StandardCharsets.UTF_8));
            assertThat(EventCodec.decode(bytes)).as(new String(bytes, StandardCharsets.UTF_8)).isEqualTo(fromText);
            if (fromText.isValid()) valid++; else rejected++;
        }
        assertThat(valid).as("valid records among them").isGreaterThan(3_000);
        assertThat(rejected).as("rejected records among them").isGreaterThan(10_000);
    }

    @Test
    void nullAndEmptyInputAreRejectedNotThrown() {
        assertThat(EventCodec.decode((String) null).rejected().reason()).startsWith("not JSON");
        assertThat(EventCodec.decode((byte[]) null).rejected().reason()).startsWith("not JSON");
        assertThat(EventCodec.decode("   ").rejected().reason()).startsWith("not JSON");
    }

    private static SessionEvent decodeValid(String json) {
        Decoded d = EventCodec.decode(json);
        assertThat(d.isValid()).as(String.valueOf(d.rejected())).isTrue();
        return d.event();
    }

    private static String reason(String json) {
        Decoded d = EventCodec.decode(json);
        assertThat(d.isValid()).as(json).isFalse();
        return d.rejected().reason();
    }
}
