package dev.imed.experiments.suite;

import dev.imed.experiments.report.SuiteResults.RowInfo;
import dev.imed.experiments.report.SuiteResults.RowKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The report's rows: the keys a run's results are stored under and the labels the tables print. */
final class SuiteRows {
    private static final String COMPONENT_ROW = "component:";

    private SuiteRows() {}

    /** The rows of a suite, in the order the report prints them. */
    static List<RowInfo> of(ResolvedSuite suite) {
        List<String> members = suite.members();
        List<RowInfo> rows = new ArrayList<>();
        // Source-only first, as papers print it; then the UDA methods; then the ensembles and students.
        List<String> ordered = new ArrayList<>(suite.methods());
        ordered.sort((a, b) -> Boolean.compare(!a.equals("source-only"), !b.equals("source-only")));
        for (String method : ordered) {
            String label = method.equals("source-only") ? "Source only (" + shortBackbone(suite.componentBackbone()) + ")"
                    : methodLabel(method);
            rows.add(new RowInfo(componentRow(method), label, RowKind.COMPONENT, members.contains(method)));
        }
        int k = members.size();
        rows.add(new RowInfo("average", "Averaging (" + k + " members)", RowKind.AVERAGE, false));
        rows.add(new RowInfo("vote", "Majority vote (" + k + " members)", RowKind.VOTE, false));
        // An averaging ensemble too, listed after plain averaging, which the findings compare the teacher with.
        rows.add(new RowInfo("entropy", "Entropy-weighted averaging (" + k + " members)", RowKind.AVERAGE, false));
        String fusion = suite.preset().teacher().fusion();
        rows.add(new RowInfo("teacher", fusion.equalsIgnoreCase("imed") ? "IMED teacher" : methodLabel(fusion) + "-fusion teacher",
                RowKind.TEACHER, false));
        String student = shortBackbone(suite.studentBackbone());
        rows.add(new RowInfo("student", "IMED student (" + student + ")", RowKind.STUDENT, false));
        rows.add(new RowInfo("student-source-only", "Student, source only (" + student + ")", RowKind.STUDENT_SOURCE_ONLY, false));
        return rows;
    }

    /** The row a component's results are stored under. */
    static String componentRow(String method) {
        return COMPONENT_ROW + method;
    }

    /** The method whose results a component row holds. */
    static String componentMethod(String row) {
        return row.substring(COMPONENT_ROW.length());
    }

    /** {@code cdan+e+mcc} → {@code CDAN+E+MCC}. */
    static String methodLabel(String method) {
        return method.toUpperCase(Locale.ROOT);
    }

    private static String shortBackbone(String backbone) {
        return backbone.startsWith("torchscript:") ? "TorchScript " + Path.of(backbone.substring("torchscript:".length())).getFileName()
                : backbone;
    }
}
