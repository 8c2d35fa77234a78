package io.chatkpi.ingest.event;

import java.util.Objects;

/**
 * Input that breaks the event contract: kept whole, never dropped, with a reason that names the field.
 *
 * @param raw    the text as it arrived
 * @param reason e.g. {@code "ts: has no zone offset"}, {@code "type: unknown value 'FOO'"}
 */
public record RejectedEvent(String raw, String reason) {
    public RejectedEvent {
        Objects.requireNonNull(raw, "raw");
        Objects.requireNonNull(reason, "reason");
    }
}
