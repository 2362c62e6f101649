package dev.imed.model.backbone;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ReLU that overwrites its input, as torchvision's {@code ReLU(inplace=True)}: no new activation per layer, which in a
 * ResNet-50 step is ~50 allocations of up to 51 MB and their first-touch page faults. DJL's PyTorch engine has no
 * in-place ReLU, so it runs {@code torch.relu_} from a parameterless TorchScript module bundled with this class
 * ({@code inplace-relu.pt}, written by {@code model/src/main/torchscript/inplace_relu.py}).
 *
 * <p>Only for inputs nobody else reads afterwards: a BatchNorm's or a residual sum's fresh output. Autograd stays
 * exact (ReLU's backward reads its output, which is what the input becomes), and no slower if the input is not a view:
 * in place on a view, autograd rebuilds the view's base in backward. Hence {@link LeanForward} computes BatchNorm
 * without the axis swap of DJL's engine. Other engines, or a module that fails to load, fall back to
 * {@link Activation#relu(NDArray)}.
 */
public final class InPlaceRelu {
    private static final Logger LOG = LoggerFactory.getLogger(InPlaceRelu.class);
    /** Loaded once per JVM and never closed: it holds no parameters, and every thread may run it. */
    private static volatile PtSymbolBlock module;
    private static volatile boolean unavailable;

    private InPlaceRelu() {}

    /** The ReLU of the single array of {@code inputs}, written over it where the engine allows. */
    public static NDList apply(NDList inputs) {
        NDArray x = inputs.singletonOrThrow();
        PtSymbolBlock relu = x instanceof PtNDArray ? module() : null;
        if (relu == null) {
            return new NDList(Activation.relu(x));
        }
        return IValueUtils.forward(relu, inputs, JniUtils.isGradMode());
    }

    private static PtSymbolBlock module() {
        PtSymbolBlock loaded = module;
        if (loaded != null || unavailable) {
            return loaded;
        }
        synchronized (InPlaceRelu.class) {
            if (module == null && !unavailable) {
                try (InputStream in = InPlaceRelu.class.getResourceAsStream("inplace-relu.pt")) {
                    if (in == null) {
                        throw new IOException("inplace-relu.pt is not on the class path");
                    }
                    // A manager of its own, never closed: a caller's manager would free the module with it.
                    module = JniUtils.loadModule((PtNDManager) NDManager.newBaseManager(Device.cpu(), "PyTorch"), in, true, false);
                } catch (IOException | RuntimeException e) {
                    unavailable = true;
                    LOG.warn("In-place ReLU unavailable ({}); using DJL's out-of-place ReLU", e.toString());
                }
            }
            return module;
        }
    }
}
