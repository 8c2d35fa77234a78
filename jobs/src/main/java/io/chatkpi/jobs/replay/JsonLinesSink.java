package io.chatkpi.jobs.replay;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Writes each element as one JSON line to {@code <dir>/<prefix>-<subtask>.jsonl}: the bounded replay's output,
 * which {@link ReplayCli} then orders and condenses into the final files.
 */
public final class JsonLinesSink<T> implements Sink<T> {

    private final String dir;
    private final String prefix;
    private final SerializableFunction<T, String> toJson;

    public JsonLinesSink(Path dir, String prefix, SerializableFunction<T, String> toJson) {
        this.dir = dir.toString();
        this.prefix = prefix;
        this.toJson = toJson;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        int subtask = context.getTaskInfo().getIndexOfThisSubtask();
        Path file = Paths.get(dir).resolve(prefix + "-" + subtask + ".jsonl");
        Files.createDirectories(file.getParent());
        BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context ctx) throws IOException {
                out.write(toJson.apply(element));
                out.newLine();
            }

            @Override
            public void flush(boolean endOfInput) throws IOException {
                out.flush();
            }

            @Override
            public void close() throws IOException {
                out.close();
            }
        };
    }
}
