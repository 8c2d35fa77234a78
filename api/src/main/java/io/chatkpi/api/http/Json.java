package io.chatkpi.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The API's one Jackson mapper: nulls are written (an unknown figure is null, never absent). */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private Json() {}

    /**
     * Writes a large body straight into the response stream: {@code ctx.json} builds it as a String first, then
     * bytes, then copies those into Jetty's buffer (a 30-day hourly KPI series is ~1 MB of JSON: that path was a
     * third of the KPI endpoint's CPU in a JFR recording of the API).
     */
    public static void stream(Context ctx, JsonNode body) {
        ctx.contentType(ContentType.APPLICATION_JSON);
        try {
            MAPPER.writeValue(ctx.outputStream(), body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
