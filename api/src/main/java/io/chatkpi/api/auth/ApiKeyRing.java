package io.chatkpi.api.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Resolves a presented bearer key to its role. Only SHA-256 digests of the keys are kept; every configured key is
 * compared with {@link MessageDigest#isEqual} (constant time, no early exit), so neither the matching key's
 * position nor a common prefix shows in the response time. Comparing digests also hides the keys' lengths.
 */
public final class ApiKeyRing {

    private record Entry(Role role, byte[] digest, String keyId) {}

    private final List<Entry> entries;

    public ApiKeyRing(List<ApiKey> keys) {
        this.entries = keys.stream().map(k -> {
            byte[] d = sha256(k.secret());
            return new Entry(k.role(), d, HexFormat.of().formatHex(d, 0, 4));
        }).toList();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public Optional<Caller> authenticate(String presented) {
        if (presented == null || presented.isEmpty()) return Optional.empty();
        byte[] d = sha256(presented);
        Entry found = null;
        for (Entry e : entries) {
            if (MessageDigest.isEqual(e.digest(), d) && found == null) found = e;
        }
        return found == null ? Optional.empty() : Optional.of(new Caller(found.role(), found.keyId()));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
