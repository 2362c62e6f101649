package dev.imed.cli;

import ai.djl.ndarray.NDManager;
import dev.imed.core.bundle.Bundle;
import dev.imed.core.bundle.BundleException;
import dev.imed.core.device.Devices;
import dev.imed.core.model.Classifier;
import dev.imed.ensemble.component.Component;
import dev.imed.model.student.Student;

/** Loads any bundle as a classifier, by the kind its manifest declares. */
final class Models {
    private Models() {}

    static Classifier load(Bundle bundle) {
        return switch (bundle.manifest().kind()) {
            case "component" -> Component.load(bundle, NDManager.newBaseManager(Devices.preferred()));
            case Student.KIND -> Student.load(bundle, NDManager.newBaseManager(Devices.preferred()));
            case dev.imed.fusion.teacher.Teacher.KIND -> dev.imed.fusion.teacher.Teacher.load(bundle.dir());
            default -> throw new BundleException(bundle.dir() + ": unknown bundle kind '" + bundle.manifest().kind() + "'");
        };
    }
}
