package dev.imed.distill.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.imed.core.testing.GradientFixture;
import dev.imed.model.net.ComponentNet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link DistillationLoss#compute} for a tiny student {@link ComponentNet} with a projection to the
 * teacher's width, as the distiller trains it, against PyTorch: loss, outputs, every student and
 * projection gradient and the input gradient, at the default weights and at other ones
 * ({@code bench/parity/make_gradient_fixtures.py}).
 */
class DistillationGradientTest {

    @ParameterizedTest
    @ValueSource(strings = {"distillation_defaults", "distillation_weighted"})
    void lossAndEveryGradientMatchPyTorch(String name) {
        GradientFixture fixture = GradientFixture.load(name);
        DistillationLoss distillation = new DistillationLoss((float) fixture.hyper("temperature"),
                (float) fixture.hyper("logitWeight"), (float) fixture.hyper("featureWeight"));
        try (NDManager manager = NDManager.newBaseManager()) {
            ComponentNet student = new ComponentNet(new SequentialBlock()
                    .add(Linear.builder().setUnits(fixture.hyperInt("backboneUnits")).build())
                    .add(Activation::relu), fixture.hyperInt("width"), fixture.hyperInt("classes"));
            Linear projection = Linear.builder().setUnits(fixture.hyperInt("teacherWidth")).build();
            NDArray x = fixture.input(manager, "x", true);
            student.initialize(manager, DataType.FLOAT32, x.getShape());
            projection.initialize(manager, DataType.FLOAT32, new Shape(1, fixture.hyperInt("width")));
            fixture.setParameters("student", student);
            fixture.setParameters("projection", projection);
            NDArray teacherFeatures = fixture.input(manager, "teacherFeatures", false);
            NDArray teacherLogits = fixture.input(manager, "teacherLogits", false);
            NDArray y = fixture.labels(manager, "y");
            ParameterStore store = new ParameterStore(manager, false);
            NDArray f;
            NDArray z;
            NDArray loss;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDList learned = student.forward(store, new NDList(x), true);
                f = projection.forward(store, new NDList(learned.get(0)), true).head();
                z = learned.get(1);
                loss = distillation.compute(f, z, teacherFeatures, teacherLogits, fixture.hyperInt("sourceCount"), y);
                collector.backward(loss);
            }
            fixture.assertLoss(loss);
            fixture.assertOutput("studentFeatures", f);
            fixture.assertOutput("studentLogits", z);
            fixture.assertParameterGradients("student", student);
            fixture.assertParameterGradients("projection", projection);
            fixture.assertInputGradient("x", x);
            fixture.report();
        }
    }
}
