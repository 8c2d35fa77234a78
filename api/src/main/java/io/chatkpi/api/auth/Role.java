package io.chatkpi.api.auth;

import io.javalin.security.RouteRole;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Who calls the API. Each route names the roles that may call it; roles do not nest implicitly. */
public enum Role implements RouteRole {
    /** The chat service: live EWT only, called on every chat start. */
    CHAT_SERVICE("chat-service"),
    /** Managers: EWT, queues, KPIs, sessions, the dashboard. */
    MANAGER("manager"),
    /** Analysts: everything a manager may, plus reports and SQL. */
    ANALYST("analyst");

    private final String id;

    Role(String id) {
        this.id = id;
    }

    /** The name used in CHATKPI_API_KEYS and in documents. */
    public String id() {
        return id;
    }

    public static Optional<Role> fromId(String id) {
        String wanted = id.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(r -> r.id.equals(wanted)).findFirst();
    }

    @Override
    public String toString() {
        return id;
    }
}
