package dev.imed.fusion.teacher;

import dev.imed.core.bundle.Bundle;
import dev.imed.core.bundle.Manifest;
import dev.imed.ensemble.component.Component;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The members a teacher tuned jointly with its fusion, written as component bundles inside the teacher's
 * bundle ({@code members/member0} …): the teacher then names those, by path relative to itself and by
 * checksum, so that it loads with the weights it was trained with and the original components stay as they were.
 */
final class TunedMembers {
    static final String DIR = "members";

    private TunedMembers() {}

    /** Writes the tuned members into {@code teacher}'s directory and points its manifest at them. */
    static Bundle write(Bundle teacher, List<Bundle> originals, List<Component> tuned) {
        List<String> paths = new ArrayList<>();
        List<String> tunedFrom = new ArrayList<>();
        Map<String, String> lineage = new LinkedHashMap<>(teacher.manifest().lineage());
        for (int i = 0; i < tuned.size(); i++) {
            Manifest original = originals.get(i).manifest();
            Map<String, Object> training = new LinkedHashMap<>(original.training());
            training.put("tunedInTeacher", true);
            Map<String, String> memberLineage = new LinkedHashMap<>(original.lineage());
            memberLineage.put("tunedFrom", originals.get(i).sha256());
            Manifest manifest = new Manifest(Manifest.FORMAT, original.kind(), original.method(), original.architecture(),
                    original.classNames(), original.input(), training, original.seed(), original.source(), original.target(),
                    Map.of(), memberLineage, null, null, 0);
            String relative = DIR + "/member" + i;
            Bundle member = Bundle.write(teacher.dir().resolve(relative), manifest, tuned.get(i).net());
            paths.add(relative);
            tunedFrom.add(originals.get(i).sha256());
            lineage.put("component" + i, member.sha256());
        }
        Manifest m = teacher.manifest();
        Map<String, Object> training = new LinkedHashMap<>(m.training());
        training.put("components", paths);
        training.put("membersTunedFrom", tunedFrom);
        return teacher.updateManifest(new Manifest(m.format(), m.kind(), m.method(), m.architecture(), m.classNames(), m.input(),
                training, m.seed(), m.source(), m.target(), m.metrics(), lineage, m.created(), m.weightsSha256(), m.version()));
    }
}
