package io.chatkpi.ingest.event;

/** Where the end user chats from. */
public enum Channel {
    WEB,
    IN_APP
}
