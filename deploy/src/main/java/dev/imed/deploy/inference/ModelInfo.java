package dev.imed.deploy.inference;

import dev.imed.core.transform.InputSpec;
import java.util.List;

/** What is being served: version, class names, input spec. */
public record ModelInfo(long version, List<String> classNames, InputSpec inputSpec) {}
