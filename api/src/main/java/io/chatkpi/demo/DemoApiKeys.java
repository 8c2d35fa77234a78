package io.chatkpi.demo;

import io.chatkpi.api.auth.ApiKey;
import io.chatkpi.api.auth.Role;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The demo's API keys: those of CHATKPI_API_KEYS, or, when none are configured, one random key per role generated
 * for this run (the API never runs open). Only generated keys are ever printed.
 */
public record DemoApiKeys(List<ApiKey> all, boolean generated) {

    private static final SecureRandom RANDOM = new SecureRandom();

    public DemoApiKeys {
        all = List.copyOf(all);
    }

    /** One key per role, 144 random bits each, URL-safe so that it pastes into a shell and a header as is. */
    public static DemoApiKeys generate() {
        List<ApiKey> keys = new ArrayList<>();
        for (Role role : Role.values()) {
            byte[] secret = new byte[18];
            RANDOM.nextBytes(secret);
            keys.add(new ApiKey(role, Base64.getUrlEncoder().withoutPadding().encodeToString(secret)));
        }
        return new DemoApiKeys(keys, true);
    }

    public static DemoApiKeys configured(List<ApiKey> keys) {
        return new DemoApiKeys(keys, false);
    }

    public Optional<String> keyOf(Role role) {
        return all.stream().filter(k -> k.role() == role).map(ApiKey::secret).findFirst();
    }

    /** What the printed examples put after "Bearer": the key itself if generated, else a placeholder naming the role. */
    public String shown(Role role) {
        return generated ? keyOf(role).orElseThrow() : "<your " + role.id() + " key>";
    }

    /** A key that may read the EWT (every role may), for the live counter. */
    public String ewtReader() {
        return keyOf(Role.CHAT_SERVICE).or(() -> keyOf(Role.MANAGER)).or(() -> keyOf(Role.ANALYST))
                .orElseThrow(() -> new IllegalStateException("no API key configured"));
    }

    /** Never shows a secret. */
    @Override
    public String toString() {
        return "DemoApiKeys[" + all.size() + " keys, generated=" + generated + "]";
    }
}
