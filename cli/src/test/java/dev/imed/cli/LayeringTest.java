package dev.imed.cli;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The stages depend only downstream, core ← ensemble ← fusion ← distill ← {streaming, deploy} ← cli,
 * and no module's packages form a cycle. Maven already refuses a back-edge between modules (it
 * would be a dependency cycle); this also catches one that a new module dependency would let in, and
 * cycles between packages of one module, which Maven cannot see.
 *
 * <p>TODO: deploy should serve a student without depending on distill (only on core and a small
 * student-loading API); once that split is done, narrow deploy's allowed layers to core and ensemble.
 *
 * <p>TODO: deploy's subpackages still reach back into its root package ({@code Rejected}, wired by
 * {@code ServeBeans} and {@code InferenceServer}), which makes root ↔ batch/inference cycles. The cycle
 * rule ignores exactly those edges (subpackage → {@code dev.imed.deploy}) until deploy's owners move
 * {@code Rejected} down; every other edge of deploy, and every other module, is checked in full.
 */
@AnalyzeClasses(packages = "dev.imed", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {

    @ArchTest
    static final ArchRule stagesDependOnlyDownstream = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("core").definedBy("dev.imed.core..")
            .layer("ensemble").definedBy("dev.imed.ensemble..")
            .layer("fusion").definedBy("dev.imed.fusion..")
            .layer("distill").definedBy("dev.imed.distill..")
            .layer("streaming").definedBy("dev.imed.streaming..")
            .layer("deploy").definedBy("dev.imed.deploy..")
            .layer("cli").definedBy("dev.imed.cli..")
            .whereLayer("cli").mayNotBeAccessedByAnyLayer()
            // streaming and deploy are siblings: neither may use the other.
            .whereLayer("streaming").mayOnlyBeAccessedByLayers("cli")
            .whereLayer("deploy").mayOnlyBeAccessedByLayers("cli")
            .whereLayer("distill").mayOnlyBeAccessedByLayers("streaming", "deploy", "cli")
            .whereLayer("fusion").mayOnlyBeAccessedByLayers("distill", "streaming", "deploy", "cli")
            .whereLayer("ensemble").mayOnlyBeAccessedByLayers("fusion", "distill", "streaming", "deploy", "cli")
            .whereLayer("core").mayOnlyBeAccessedByLayers("ensemble", "fusion", "distill", "streaming", "deploy", "cli");

    /** Every package is its own slice; the layering rule above already keeps cycles from spanning modules. */
    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("dev.imed.(**)").should().beFreeOfCycles()
            .ignoreDependency(resideInAPackage("dev.imed.deploy.*.."), resideInAPackage("dev.imed.deploy"));
}
