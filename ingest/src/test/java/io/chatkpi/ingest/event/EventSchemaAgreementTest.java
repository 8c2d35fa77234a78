package io.chatkpi.ingest.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The published JSON Schema and the Java validator must accept and reject exactly the same texts. */
class EventSchemaAgreementTest {

    static final String SCHEMA_RESOURCE = "/schema/session-event.schema.json";

    // Strict like EventCodec: a second value after the object makes the line "not JSON".
    private static final ObjectMapper STRICT_JSON =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static JsonSchema schema;
    private static JsonNode schemaTree;

    @BeforeAll
    static void loadSchema() throws IOException {
        // Draft 2020-12 leaves 'format' as an annotation; asserting it is allowed and makes the schema reject
        // impossible dates as the Java validator does. The pattern alone already fixes the shape.
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        try (InputStream in = EventSchemaAgreementTest.class.getResourceAsStream(SCHEMA_RESOURCE)) {
            assertThat(in).as("schema resource " + SCHEMA_RESOURCE).isNotNull();
            schemaTree = STRICT_JSON.readTree(in);
        }
        schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schemaTree, config);
    }

    static Stream<EventSamples.Sample> samples() {
        return EventSamples.ALL.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void schemaAndCodecAgree(EventSamples.Sample sample) {
        Decoded decoded = EventCodec.decode(sample.json());
        List<String> schemaErrors = schemaErrors(sample.json());

        assertThat(decoded.isValid())
                .as("codec on %s: %s", sample.json(), decoded.rejected())
                .isEqualTo(sample.valid());
        assertThat(schemaErrors.isEmpty())
                .as("schema on %s: %s", sample.json(), schemaErrors)
                .isEqualTo(sample.valid());
    }

    @Test
    void schemaDeclaresDraft202012() {
        assertThat(schemaTree.path("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
    }

    @Test
    void schemaTimestampPatternIsTheValidatorsPattern() {
        assertThat(schemaTree.path("properties").path("ts").path("pattern").asText())
                .isEqualTo(EventValidator.TS_PATTERN);
    }

    @Test
    void schemaEnumsListEveryJavaEnumValue() {
        JsonNode props = schemaTree.path("properties");
        assertEnum(props.path("type"), EventType.values());
        assertEnum(props.path("channel"), Channel.values());
        assertEnum(props.path("sender"), Sender.values());
        assertEnum(props.path("by"), Actor.values());
        assertEnum(props.path("reason"), NotRoutedReason.values());
    }

    private static void assertEnum(JsonNode node, Enum<?>[] values) {
        List<String> inSchema = Stream.of(STRICT_JSON.convertValue(node.path("enum"), Object[].class))
                .filter(v -> v != null).map(Object::toString).toList();
        assertThat(inSchema).containsExactlyInAnyOrder(Stream.of(values).map(Enum::name).toArray(String[]::new));
    }

    /** Schema errors for a text; a text that is not a single JSON value cannot satisfy the schema at all. */
    private static List<String> schemaErrors(String text) {
        JsonNode node;
        try {
            node = STRICT_JSON.readTree(text);
        } catch (IOException e) {
            return List.of("not JSON: " + e.getMessage());
        }
        if (node == null || node.isMissingNode()) {
            return List.of("not JSON: empty");
        }
        Set<ValidationMessage> errors = schema.validate(node);
        return errors.stream().map(ValidationMessage::getMessage).toList();
    }
}
