package io.chatkpi.api.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chatkpi.api.auth.Role;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Builds the OpenAPI 3 document from the same {@link RouteSpec}s the server registers. */
public final class OpenApiDocument {

    private OpenApiDocument() {}

    public static ObjectNode build(List<RouteSpec> routes, String version) {
        ObjectNode doc = Json.MAPPER.createObjectNode();
        doc.put("openapi", "3.0.3");
        ObjectNode info = doc.putObject("info");
        info.put("title", "chatkpi reporting API");
        info.put("version", version);
        info.put("description", "Live EWT for the chat service, KPIs for managers, reports and SQL for analysts. "
                + "Errors are {\"error\": CODE, \"message\": ...}.");
        ObjectNode components = doc.putObject("components");
        ObjectNode bearer = components.putObject("securitySchemes").putObject("bearer");
        bearer.put("type", "http");
        bearer.put("scheme", "bearer");
        ObjectNode error = components.putObject("schemas").putObject("Error");
        error.put("type", "object");
        error.putArray("required").add("error").add("message");
        ObjectNode errProps = error.putObject("properties");
        errProps.putObject("error").put("type", "string");
        errProps.putObject("message").put("type", "string");
        errProps.putObject("parameter").put("type", "string");

        ObjectNode paths = doc.putObject("paths");
        routes.stream().sorted(Comparator.comparing(RouteSpec::path).thenComparing(RouteSpec::method))
                .forEach(r -> {
                    ObjectNode path = paths.has(r.path()) ? (ObjectNode) paths.get(r.path()) : paths.putObject(r.path());
                    ObjectNode op = path.putObject(r.method().toLowerCase(Locale.ROOT));
                    op.put("summary", r.summary());
                    op.put("operationId", operationId(r));
                    if (!r.roles().isEmpty()) {
                        op.putArray("security").addObject().putArray("bearer");
                        op.put("x-roles", r.roles().stream().map(Role::id).sorted()
                                .collect(Collectors.joining(",")));
                    } else {
                        op.putArray("security");
                    }
                    ArrayNode params = op.putArray("parameters");
                    for (RouteSpec.Param p : r.params()) {
                        ObjectNode pn = params.addObject();
                        pn.put("name", p.name());
                        pn.put("in", p.in());
                        pn.put("required", p.required());
                        pn.put("description", p.description());
                        pn.putObject("schema").put("type", p.type());
                    }
                    if (r.requestBodyDescription() != null) {
                        ObjectNode body = op.putObject("requestBody");
                        body.put("required", true);
                        body.put("description", r.requestBodyDescription());
                        body.putObject("content").putObject("application/json").putObject("schema")
                                .put("type", "object");
                    }
                    ObjectNode responses = op.putObject("responses");
                    ObjectNode ok = responses.putObject("200");
                    ok.put("description", "OK");
                    ObjectNode content = ok.putObject("content");
                    for (String type : r.produces()) content.putObject(type).putObject("schema");
                    addError(responses, "400", "bad parameter (named in the message)");
                    if (!r.roles().isEmpty()) {
                        addError(responses, "401", "missing or unknown API key");
                        addError(responses, "403", "the key's role may not call this");
                        addError(responses, "429", "rate limit; see Retry-After");
                    }
                    addError(responses, "503", "a dependency is unavailable");
                });
        return doc;
    }

    private static void addError(ObjectNode responses, String status, String description) {
        ObjectNode r = responses.putObject(status);
        r.put("description", description);
        r.putObject("content").putObject("application/json").putObject("schema")
                .put("$ref", "#/components/schemas/Error");
    }

    private static String operationId(RouteSpec r) {
        StringBuilder b = new StringBuilder(r.method().toLowerCase(Locale.ROOT));
        for (String part : r.path().split("[/{}.]")) {
            if (part.isEmpty() || part.equals("api") || part.equals("v1")) continue;
            b.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return b.toString();
    }
}
