package io.chatkpi.api.auth;

/**
 * An authenticated caller. {@code keyId} is a short fingerprint of the key's hash (never the key), used to
 * separate rate limits; in insecure mode every caller is an analyst identified by address.
 */
public record Caller(Role role, String keyId) {}
