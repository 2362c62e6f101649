package dev.imed.core.device;

import ai.djl.Device;
import ai.djl.engine.Engine;

/**
 * Chooses where tensors live: the first GPU when DJL sees one, the CPU otherwise. The system
 * property {@code imed.device} ({@code cpu}, {@code gpu}, {@code gpu1}) overrides the choice.
 */
public final class Devices {
    private Devices() {}

    public static Device preferred() {
        String forced = System.getProperty("imed.device");
        if (forced != null && !forced.isBlank()) {
            return Device.fromName(forced);
        }
        Engine engine = Engine.getInstance();
        return engine.getGpuCount() > 0 ? Device.gpu() : Device.cpu();
    }
}
