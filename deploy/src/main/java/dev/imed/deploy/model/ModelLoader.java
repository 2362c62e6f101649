package dev.imed.deploy.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.imed.core.transform.InputSpec;
import dev.imed.model.student.Student;
import java.nio.file.Path;

/**
 * Loads a registry version and proves it can serve before anyone sees it: the checksum (by
 * {@link dev.imed.core.bundle.Bundle#open}), the parameter shapes, the manifest's version, and one
 * forward pass on a zero image whose logits must be finite and {@code [1, C]}.
 */
public final class ModelLoader {

    public ServedModel load(long version, Path dir) {
        Student student;
        try {
            student = Student.load(dir);
        } catch (RuntimeException e) {
            String message = String.valueOf(e.getMessage());
            throw new ModelRejected(message.contains(dir.toString()) ? message : dir + ": " + message, e);
        }
        try {
            check(student, version, dir);
            return new ServedModel(student, version);
        } catch (RuntimeException e) {
            student.close();
            throw e instanceof ModelRejected ? e : new ModelRejected(dir + ": smoke inference failed: " + e.getMessage(), e);
        }
    }

    private static void check(Student student, long version, Path dir) {
        long recorded = student.manifest().version();
        if (recorded != 0 && recorded != version) {
            throw new ModelRejected(dir + ": the manifest says version " + recorded + " but the directory is version " + version, null);
        }
        int classes = student.classNames().size();
        if (classes < 2) {
            throw new ModelRejected(dir + ": the manifest names " + classes + " classes, a classifier needs at least 2", null);
        }
        InputSpec spec = student.inputSpec();
        if (spec == null) {
            throw new ModelRejected(dir + ": the manifest has no input spec", null);
        }
        try (NDManager scratch = student.manager().newSubManager()) {
            NDArray zeros = scratch.zeros(new Shape(1, spec.channels(), spec.height(), spec.width()));
            NDArray logits = student.logits(zeros);
            Shape expected = new Shape(1, classes);
            if (!logits.getShape().equals(expected)) {
                throw new ModelRejected(dir + ": logits have shape " + logits.getShape() + ", expected " + expected, null);
            }
            for (float value : logits.toFloatArray()) {
                if (!Float.isFinite(value)) {
                    throw new ModelRejected(dir + ": the smoke inference gave a non-finite logit (" + value + ")", null);
                }
            }
        }
    }
}
