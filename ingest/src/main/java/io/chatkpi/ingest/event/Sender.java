package io.chatkpi.ingest.event;

/** Who wrote a MESSAGE. AUTO covers auto-responses and bots, which never count as a rep's reply. */
public enum Sender {
    END_USER,
    REP,
    AUTO
}
