package dev.imed.ensemble.method;

import com.google.auto.service.AutoService;

/**
 * Source cross-entropy only, but the unlabelled target batch is forwarded with the source batch, so
 * that training-mode BatchNorm normalises over both domains (imed's source-only before 2026-11; a
 * mild, label-free form of adaptation, hence its own name). Its running statistics mix both domains.
 */
@AutoService(UdaMethod.class)
public final class SourceOnlySharedBn extends SourceTrainingOnly {
    public static final String NAME = "source-only-shared-bn";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean forwardsTarget() {
        return true;
    }
}
