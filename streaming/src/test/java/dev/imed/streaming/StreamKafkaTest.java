package dev.imed.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imed.streaming.decode.DeadLetter;
import dev.imed.streaming.decode.DecodedImage;
import dev.imed.streaming.distill.OnlineDistillation;
import dev.imed.streaming.label.TeacherLabel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --input kafka:BOOTSTRAP/TOPIC} against a real Kafka 4.2 broker (KRaft, one combined broker and
 * controller, in this JVM on loopback): image records keyed by id, corrupt ones among them, read by a
 * job that fails once mid-stream and restarts from its checkpoint. Every good record is labelled
 * exactly once (the offsets come back from the checkpoint), every corrupt one is a dead letter with its
 * reason, and every image taught the student once.
 */
class StreamKafkaTest {
    private static final int GOOD = 160;
    private static final int TRAIN_BATCH = 8;

    static final AtomicBoolean FAILED = new AtomicBoolean();
    static final AtomicInteger CHECKPOINTS = new AtomicInteger();

    @TempDir
    Path dir;

    /** Slows the images so that checkpoints fall mid-stream, and fails once after two of them. */
    static final class FailOnce extends RichMapFunction<DecodedImage, DecodedImage> implements CheckpointListener {
        private transient int seen;

        @Override
        public DecodedImage map(DecodedImage image) throws Exception {
            Thread.sleep(3);
            if (++seen > 60 && CHECKPOINTS.get() >= 2 && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure after " + seen + " images");
            }
            return image;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            CHECKPOINTS.incrementAndGet();
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void labelsEveryRecordOnceAcrossARestartAndDeadLettersTheCorruptOnes() throws Exception {
        StreamFixtures.Models models = StreamFixtures.models();
        List<Path> digits = StreamFixtures.exportDigits(GOOD, dir.resolve("digits"));
        Map<String, byte[]> good = new LinkedHashMap<>();
        for (int i = 0; i < digits.size(); i++) {
            good.put("digit-" + i, Files.readAllBytes(digits.get(i)));
        }
        Map<String, byte[]> bad = new LinkedHashMap<>();
        bad.put("truncated", BadFiles.truncated(digits.get(3)));
        bad.put("noise", BadFiles.noise(2000));
        bad.put("empty", new byte[0]);
        bad.put("tombstone", null);
        Map<String, String> reasons = Map.of("truncated", DeadLetter.UNDECODABLE, "noise", DeadLetter.NOT_AN_IMAGE,
                "empty", DeadLetter.EMPTY, "tombstone", DeadLetter.EMPTY);

        try (KafkaClusterTestKit kafka = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1)
                .setBaseDirectory(Files.createDirectories(dir.resolve("kafka"))).build())
                // One broker: the internal topics cannot have the default three replicas.
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .build()) {
            kafka.format();
            kafka.startup();
            kafka.waitForReadyBrokers();
            String bootstrap = kafka.bootstrapServers();
            assertThat(bootstrap).contains("localhost");
            try (Admin admin = Admin.create(kafka.clientProperties())) {
                admin.createTopics(List.of(new NewTopic("images", 2, (short) 1))).all().get(60, TimeUnit.SECONDS);
            }
            Properties props = kafka.clientProperties();
            props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
                List<Map.Entry<String, byte[]>> all = new ArrayList<>(good.entrySet());
                // The corrupt records among the good ones.
                int at = 0;
                for (Map.Entry<String, byte[]> b : bad.entrySet()) {
                    all.add(at, b);
                    at += GOOD / bad.size();
                }
                for (Map.Entry<String, byte[]> record : all) {
                    producer.send(new ProducerRecord<>("images", record.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                            record.getValue()));
                }
                producer.flush();
            }

            StreamConfig config = StreamConfig.defaults(models.teacher(), models.student(), Path.of("kafka:" + bootstrap + "/images"),
                            dir.resolve("out"))
                    .withParallelism(2)
                    .withFileReaders(2)
                    .withBatch(16, 50)
                    // Every image must teach the student here, so no image is held out for the quality gate (tested on its own).
                    .withDistillation(OnlineDistillation.defaults().withBatchSize(TRAIN_BATCH).withPublishEvery(5).withoutGate())
                    .withCheckpointInterval(150)
                    .withRestarts(1, 100);
            StreamSummary summary = StreamJob.start(config, decoded -> decoded.map(new FailOnce()).name("fail once").uid("fail-once"))
                    .await();
            System.out.println(summary);

            assertThat(FAILED).as("the failure was injected").isTrue();
            StreamOutputs outputs = new StreamOutputs(config.out());
            List<String> labelled = outputs.labels(summary.runId()).stream().map(TeacherLabel::path).toList();
            assertThat(labelled).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(good.keySet());
            Map<String, DeadLetter> dead = outputs.deadLetters(summary.runId()).stream()
                    .collect(Collectors.toMap(DeadLetter::path, Function.identity()));
            assertThat(dead).hasSize(bad.size());
            reasons.forEach((id, reason) -> assertThat(dead.get(id).reason()).as(id).isEqualTo(reason));
            assertThat(summary.studentImagesSeen()).as("every good image taught the student once").isEqualTo(GOOD);
            assertThat(summary.studentSteps()).isEqualTo(GOOD / TRAIN_BATCH);
        }
    }
}
