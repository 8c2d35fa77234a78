package io.chatkpi.jobs.replay;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

/**
 * Reads a JSON-lines file as numbered lines. Not splittable: line numbers are only known reading from the start,
 * and event time needs the file's order anyway.
 */
public final class NumberedLineFormat extends SimpleStreamFormat<NumberedLine> {

    @Override
    public StreamFormat.Reader<NumberedLine> createReader(Configuration config, FSDataInputStream stream) {
        BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8), 1 << 16);
        return new StreamFormat.Reader<>() {
            private long lineNumber;

            @Override
            public NumberedLine read() throws IOException {
                String text;
                do {
                    text = reader.readLine();
                    if (text == null) return null;
                    lineNumber++;
                } while (text.isBlank());
                return new NumberedLine(lineNumber, text);
            }

            @Override
            public void close() throws IOException {
                reader.close();
            }
        };
    }

    @Override
    public TypeInformation<NumberedLine> getProducedType() {
        return TypeInformation.of(NumberedLine.class);
    }
}
