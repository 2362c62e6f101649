package dev.imed.cli;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The stages depend only downstream, core ← model ← ensemble ← fusion ← distill ← streaming ← experiments
 * ← cli, and deploy (the server) on core and model alone, so no training code reaches its class path. The
 * stage modules are plain libraries: only experiments (suites, sweeps, reports, benchmarks) orchestrates them,
 * and only cli uses experiments. Maven
 * already refuses a back-edge between modules (a dependency cycle); this also catches one that a new
 * module dependency would let in, and cycles between packages of one module, which Maven cannot see.
 * {@code LayeringRulesCanFailTest} shows the rules do fail on a back-edge.
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
            .layer("model").definedBy("dev.imed.model..")
            .layer("ensemble").definedBy("dev.imed.ensemble..")
            .layer("fusion").definedBy("dev.imed.fusion..")
            .layer("distill").definedBy("dev.imed.distill..")
            .layer("streaming").definedBy("dev.imed.streaming..")
            .layer("experiments").definedBy("dev.imed.experiments..")
            .layer("deploy").definedBy("dev.imed.deploy..")
            .layer("cli").definedBy("dev.imed.cli..")
            .whereLayer("cli").mayNotBeAccessedByAnyLayer()
            // Orchestration sits above every stage: only the command line drives it.
            .whereLayer("experiments").mayOnlyBeAccessedByLayers("cli")
            // streaming and deploy are siblings: neither may use the other.
            .whereLayer("streaming").mayOnlyBeAccessedByLayers("experiments", "cli")
            .whereLayer("deploy").mayOnlyBeAccessedByLayers("cli")
            // The server loads and serves a student; it must not pull in any training stage.
            .whereLayer("deploy").mayOnlyAccessLayers("core", "model")
            .whereLayer("distill").mayOnlyBeAccessedByLayers("streaming", "experiments", "cli")
            .whereLayer("fusion").mayOnlyBeAccessedByLayers("distill", "streaming", "experiments", "cli")
            .whereLayer("ensemble").mayOnlyBeAccessedByLayers("fusion", "distill", "streaming", "experiments", "cli")
            .whereLayer("model").mayOnlyAccessLayers("core")
            .whereLayer("core").mayOnlyBeAccessedByLayers("model", "ensemble", "fusion", "distill", "streaming", "experiments",
                    "deploy", "cli")
            .whereLayer("core").mayNotAccessAnyLayer();

    /**
     * The stage modules are libraries: none reaches into the orchestration (suites, sweeps, reports, benchmarks),
     * which would make a stage depend on how experiments over it are run. Said apart from the layering, so that
     * the message names the rule.
     */
    @ArchTest
    static final ArchRule stagesDoNotDependOnExperiments = noClasses().that()
            .resideInAnyPackage("dev.imed.core..", "dev.imed.model..", "dev.imed.ensemble..", "dev.imed.fusion..",
                    "dev.imed.distill..", "dev.imed.streaming..", "dev.imed.deploy..")
            .should().dependOnClassesThat().resideInAPackage("dev.imed.experiments..");

    /** Libraries only training uses stay off the server: charts (reports) and Flink (the stream). */
    @ArchTest
    static final ArchRule serverUsesNoTrainingLibraries = noClasses().that().resideInAPackage("dev.imed.deploy..")
            .or().resideInAPackage("dev.imed.model..")
            .should().dependOnClassesThat().resideInAnyPackage("org.jfree..", "org.apache.flink..");

    /** Charts are reporting: only the experiments' reports draw them, so the stage libraries need no chart library. */
    @ArchTest
    static final ArchRule onlyReportsDrawCharts = noClasses().that().resideOutsideOfPackage("dev.imed.experiments.report..")
            .should().dependOnClassesThat().resideInAPackage("org.jfree..");

    /** The modules' top-level packages form no cycle (a redundant guard should a layer ever be widened). */
    @ArchTest
    static final ArchRule noModuleCycles = slices().matching("dev.imed.(*)..").should().beFreeOfCycles();

    /** Every package is its own slice. */
    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("dev.imed.(**)").should().beFreeOfCycles()
            .ignoreDependency(resideInAPackage("dev.imed.deploy.*.."), resideInAPackage("dev.imed.deploy"));
}
