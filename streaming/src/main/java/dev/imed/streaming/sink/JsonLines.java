package dev.imed.streaming.sink;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.imed.core.bundle.Json;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.serialization.SimpleStringEncoder;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.BasePathBucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;

/** One JSON object per line, and the file sink that writes such lines. */
public final class JsonLines {
    /** The project's mapper, on one line. */
    public static final ObjectMapper MAPPER = Json.MAPPER.copy().disable(SerializationFeature.INDENT_OUTPUT);

    public static final String SUFFIX = ".jsonl";

    private JsonLines() {}

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static <T> T read(String line, Class<T> type) {
        try {
            return MAPPER.readValue(line, type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Maps records to their JSON line. A class, not {@code JsonLines::write}: two serialisable method
     * references to one method in one class deserialise to the same lambda on the task managers,
     * with the first one's cast, whatever type the second was written for.
     */
    public static final class ToLine<T> implements MapFunction<T, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String map(T value) {
            return write(value);
        }
    }

    /**
     * A sink of lines into {@code dir}, in files named {@code <prefix>-<id>-<n>.jsonl}. Files roll at
     * every checkpoint and become visible only when it completes (until then they are hidden,
     * in-progress files), which is what makes the output exactly once.
     */
    public static FileSink<String> sink(Path dir, String prefix) {
        return FileSink.forRowFormat(org.apache.flink.core.fs.Path.fromLocalFile(dir.toAbsolutePath().toFile()),
                        new SimpleStringEncoder<String>("UTF-8"))
                .withBucketAssigner(new BasePathBucketAssigner<>())
                .withRollingPolicy(OnCheckpointRollingPolicy.build())
                .withOutputFileConfig(OutputFileConfig.builder().withPartPrefix(prefix).withPartSuffix(SUFFIX).build())
                .build();
    }
}
