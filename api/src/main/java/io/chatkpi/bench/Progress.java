package io.chatkpi.bench;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/** Progress lines while the benchmark runs: the time and what is happening. */
final class Progress {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private Progress() {}

    static void say(String format, Object... args) {
        System.out.println(LocalTime.now().format(CLOCK) + "  " + String.format(format, args));
        System.out.flush();
    }
}
