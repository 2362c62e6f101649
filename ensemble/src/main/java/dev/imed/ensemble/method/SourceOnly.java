package dev.imed.ensemble.method;

import com.google.auto.service.AutoService;

/**
 * Empirical risk minimisation on the source domain alone, as thuml's Transfer-Learning-Library runs
 * it: only the source batch is forwarded, so BatchNorm sees source statistics only. Compare
 * {@link SourceOnlySharedBn}, which forwards the target batch too.
 */
@AutoService(UdaMethod.class)
public final class SourceOnly extends SourceTrainingOnly {
    public static final String NAME = "source-only";

    @Override
    public String name() {
        return NAME;
    }
}
