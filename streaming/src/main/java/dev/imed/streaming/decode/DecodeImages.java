package dev.imed.streaming.decode;

import dev.imed.core.image.GuardedImageDecoder;
import dev.imed.core.transform.InputSpec;
import dev.imed.core.transform.Transform;
import dev.imed.streaming.source.ImageFile;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes each file and preprocesses it with the evaluation pipeline of the models' input spec;
 * rejected files go to the {@link #DEAD_LETTERS} side output with their reason.
 */
public final class DecodeImages extends ProcessFunction<ImageFile, DecodedImage> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    private final SerializableSpec spec;
    private final long maxPixels;
    private transient GuardedImageDecoder decoder;
    private transient InputSpec inputSpec;
    private transient List<Transform> steps;
    private transient Random random;
    private transient Counter deadLetters;

    public DecodeImages(InputSpec spec, long maxPixels) {
        this.spec = SerializableSpec.of(spec);
        this.maxPixels = maxPixels;
    }

    @Override
    public void open(OpenContext context) {
        decoder = new GuardedImageDecoder(maxPixels);
        inputSpec = spec.toInputSpec();
        steps = inputSpec.evalTransforms();
        // The evaluation pipeline is deterministic: the random source is never drawn from.
        random = new Random(0);
        deadLetters = getRuntimeContext().getMetricGroup().addGroup("imed").counter("deadLetters");
    }

    @Override
    public void processElement(ImageFile file, Context context, Collector<DecodedImage> out) {
        if (!file.wasRead()) {
            reject(context, new DeadLetter(file.path(), file.problem(), file.detail(), file.size()));
            return;
        }
        GuardedImageDecoder.Result result = decoder.decode(file.bytes());
        if (result instanceof GuardedImageDecoder.Decoded decoded) {
            float[] pixels = new float[inputSpec.pixelsPerImage()];
            inputSpec.toTensor(decoded.image(), steps, random, pixels, 0);
            out.collect(new DecodedImage(file.path(), pixels));
        } else if (result instanceof GuardedImageDecoder.Refused refused) {
            reject(context, new DeadLetter(file.path(), DeadLetter.reasonFor(refused.problem()), refused.detail(), file.size()));
        }
    }

    private void reject(Context context, DeadLetter letter) {
        deadLetters.inc();
        context.output(DEAD_LETTERS, letter);
    }

    /** {@link InputSpec} in a form Java serialisation takes, since functions travel to the task managers. */
    public record SerializableSpec(int height, int width, int resize, float[] mean, float[] std, boolean augment)
            implements java.io.Serializable {
        public static SerializableSpec of(InputSpec s) {
            return new SerializableSpec(s.height(), s.width(), s.resize(), s.mean(), s.std(), s.augment());
        }

        public InputSpec toInputSpec() {
            return new InputSpec(height, width, resize, mean, std, augment);
        }
    }
}
