package io.chatkpi.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatkpi.api.http.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Real HTTP calls to a server started on a free port. */
public final class HttpCalls {

    /** A response with its body parsed when it is JSON. */
    public record Reply(int status, String body, HttpResponse<String> raw) {
        public JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON (" + status + "): " + body, e);
            }
        }

        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    private final HttpClient client = HttpClient.newHttpClient();
    private final String base;

    public HttpCalls(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    public Reply get(String path, String key) {
        return send(builder(path, key).GET().build());
    }

    /** GET that must answer 200; the JSON body. */
    public JsonNode getOk(String path, String key) {
        Reply r = get(path, key);
        assertThat(r.status()).as(path + " -> " + r.body()).isEqualTo(200);
        return r.json();
    }

    public Reply get(String path, String key, String accept) {
        return send(builder(path, key).header("Accept", accept).GET().build());
    }

    public Reply post(String path, String key, String body) {
        return send(builder(path, key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    public Reply method(String method, String path, String key, String body) {
        return send(builder(path, key).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private HttpRequest.Builder builder(String path, String key) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
        if (key != null) b.header("Authorization", "Bearer " + key);
        return b;
    }

    private Reply send(HttpRequest r) {
        try {
            HttpResponse<String> resp = client.send(r, HttpResponse.BodyHandlers.ofString());
            return new Reply(resp.statusCode(), resp.body(), resp);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
