package io.chatkpi.api.http;

import io.chatkpi.api.auth.Role;
import java.util.List;
import java.util.Set;

/**
 * One endpoint as registered with Javalin and as described in /openapi.json: both come from the same list, so the
 * document cannot drift from the routes.
 *
 * @param roles who may call it; empty = public (health, readiness, metrics, the document itself)
 */
public record RouteSpec(
        String method,
        String path,
        Set<Role> roles,
        String summary,
        List<Param> params,
        String requestBodyDescription,
        List<String> produces) {

    /** A query or path parameter. */
    public record Param(String name, String in, boolean required, String type, String description) {
        public static Param query(String name, String type, String description) {
            return new Param(name, "query", false, type, description);
        }

        public static Param requiredQuery(String name, String type, String description) {
            return new Param(name, "query", true, type, description);
        }

        public static Param path(String name, String description) {
            return new Param(name, "path", true, "string", description);
        }
    }

    public RouteSpec {
        roles = Set.copyOf(roles);
        params = List.copyOf(params);
        produces = List.copyOf(produces);
    }
}
