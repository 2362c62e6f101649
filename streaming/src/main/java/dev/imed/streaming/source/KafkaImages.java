package dev.imed.streaming.source;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Images from a Kafka topic: each record's value is an image file's bytes, its key an id (UTF-8) that
 * the labels and dead letters carry in place of a path (a record without a key is
 * {@code TOPIC-PARTITION@OFFSET}). Read with Flink's Kafka connector: the readers' offsets are part of
 * every checkpoint, so a restored or resumed job reads every record exactly once; they are also
 * committed to the consumer group {@code imed-stream-RUN} for monitoring. A run reads its topic from the
 * earliest offset; bounded, up to the offsets at its start; continuous, on.
 */
public final class KafkaImages {
    private static final String SCHEME = "kafka:";

    private KafkaImages() {}

    /**
     * An {@code --input kafka:BOOTSTRAP/TOPIC}.
     *
     * @param bootstrap {@code host:port[,host:port…]}
     * @param topic the topic
     */
    public record Input(String bootstrap, String topic) implements Serializable {
        @Override
        public String toString() {
            return SCHEME + bootstrap + "/" + topic;
        }
    }

    /** Whether {@code input} names a Kafka topic rather than a directory. */
    public static boolean isKafka(Path input) {
        return input.toString().startsWith(SCHEME);
    }

    /** Parses {@code kafka:HOST:PORT[,HOST:PORT…]/TOPIC}. */
    public static Input parse(String spec) {
        if (!spec.startsWith(SCHEME)) {
            throw new IllegalArgumentException(spec + ": not a Kafka input (kafka:HOST:PORT/TOPIC)");
        }
        String rest = spec.substring(SCHEME.length());
        int slash = rest.lastIndexOf('/');
        if (slash <= 0 || slash == rest.length() - 1) {
            throw new IllegalArgumentException(spec + ": expected kafka:HOST:PORT/TOPIC");
        }
        return new Input(rest.substring(0, slash), rest.substring(slash + 1));
    }

    /** The source; {@code maxBytes} as for files: a larger record is flagged too large, its bytes dropped. */
    public static KafkaSource<ImageFile> source(Input input, boolean continuous, long maxBytes, String runId) {
        var builder = KafkaSource.<ImageFile>builder()
                .setBootstrapServers(input.bootstrap())
                .setTopics(input.topic())
                .setGroupId("imed-stream-" + runId)
                .setClientIdPrefix("imed-stream-" + runId)
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new ImageRecords(input.topic(), maxBytes))
                // Records as large as the byte limit (the consumer's default fetch limits are per partition and request).
                .setProperty("max.partition.fetch.bytes", Long.toString(Math.max(1 << 20, Math.min(Integer.MAX_VALUE, maxBytes + 1024))))
                .setProperty("commit.offsets.on.checkpoint", "true");
        if (continuous) {
            builder.setProperty("partition.discovery.interval.ms", "10000");
        } else {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    /** A record as an {@link ImageFile} named by its key. */
    static final class ImageRecords implements KafkaRecordDeserializationSchema<ImageFile> {
        private static final long serialVersionUID = 1L;
        private final String topic;
        private final long maxBytes;

        ImageRecords(String topic, long maxBytes) {
            this.topic = topic;
            this.maxBytes = maxBytes;
        }

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ImageFile> out) {
            String id = record.key() == null ? topic + "-" + record.partition() + "@" + record.offset()
                    : new String(record.key(), StandardCharsets.UTF_8);
            byte[] value = record.value();
            if (value == null) {
                // A tombstone: no image at all, a dead letter downstream.
                out.collect(ImageFile.read(id, new byte[0]));
            } else if (value.length > maxBytes) {
                out.collect(ImageFile.unread(id, value.length, ImageFile.TOO_LARGE,
                        value.length + " bytes, the limit is " + maxBytes));
            } else {
                out.collect(ImageFile.read(id, value));
            }
        }

        @Override
        public TypeInformation<ImageFile> getProducedType() {
            return TypeInformation.of(ImageFile.class);
        }
    }
}
