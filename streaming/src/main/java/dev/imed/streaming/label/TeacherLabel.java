package dev.imed.streaming.label;

import java.util.List;

/**
 * One line of the labels output.
 *
 * @param path the file
 * @param label the teacher's class
 * @param confidence its probability
 * @param top the {@code k} most probable classes, most probable first
 * @param teacher sha256 of the teacher's weights
 * @param labelledAt when the teacher labelled it, epoch milliseconds
 */
public record TeacherLabel(String path, String label, double confidence, List<ClassProbability> top, String teacher,
                           long labelledAt) {

    /** A class and the teacher's probability for it. */
    public record ClassProbability(String label, double probability) {}
}
