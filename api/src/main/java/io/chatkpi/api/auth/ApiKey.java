package io.chatkpi.api.auth;

import java.util.Objects;

/** One configured API key. toString never shows the secret. */
public record ApiKey(Role role, String secret) {
    public ApiKey {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(secret, "secret");
        if (secret.isBlank()) throw new IllegalArgumentException("an API key for role " + role.id() + " is empty");
        if (!secret.equals(secret.strip()) || secret.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("an API key for role " + role.id() + " contains whitespace");
        }
    }

    @Override
    public String toString() {
        return "ApiKey[role=" + role.id() + ", secret=***]";
    }
}
