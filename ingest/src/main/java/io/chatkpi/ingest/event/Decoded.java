package io.chatkpi.ingest.event;

/**
 * What decoding one line or record gives: a valid event, or the rejection of its raw text. Exactly one of the
 * two is non-null.
 */
public record Decoded(SessionEvent event, RejectedEvent rejected) {

    public static Decoded valid(SessionEvent event) {
        return new Decoded(event, null);
    }

    public static Decoded rejected(String raw, String reason) {
        return new Decoded(null, new RejectedEvent(raw, reason));
    }

    public boolean isValid() {
        return event != null;
    }
}
