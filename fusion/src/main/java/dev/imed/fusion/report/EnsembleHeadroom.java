package dev.imed.fusion.report;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How much an ensemble's members leave a fusion to gain, measured with target labels (reporting only),
 * accumulated batch by batch over one pass:
 *
 * <ul>
 *   <li><b>oracle</b>: the share of images some member gets right, the ceiling of any per-instance choice;
 *   <li><b>best member wrong, another right</b>: the share where the member with the best accuracy on this
 *       pass is wrong while another member is right, what a fusion can gain over the best member (choosing
 *       that member needs the labels too, so it is a reporting figure);
 *   <li><b>confident minority right</b>: the share where more than half of the members agree on a wrong class
 *       while the members predicting the true class are, on average, more confident (mean max-probability)
 *       than the majority's members: what confidence, but no vote, could recover;
 *   <li><b>mean pairwise disagreement</b>: the share of images on which two members predict different
 *       classes, averaged over the pairs.
 * </ul>
 *
 * Rates are percentages of the images seen.
 */
public final class EnsembleHeadroom {
    private final int members;
    private final long[] correct;
    private final long[] wrongWhileAnotherRight;
    private final long[][] disagreements;
    private long images;
    private long oracle;
    private long confidentMinority;

    public EnsembleHeadroom(int members) {
        if (members < 2) {
            throw new IllegalArgumentException("headroom needs at least 2 members, got " + members);
        }
        this.members = members;
        this.correct = new long[members];
        this.wrongWhileAnotherRight = new long[members];
        this.disagreements = new long[members][members];
    }

    /**
     * Adds a batch: the true class of each image, and each member's predicted class and max-probability,
     * laid out image by image ({@code [n·K]}, member fastest).
     */
    public void add(int[] truth, long[] predictions, float[] confidence) {
        int k = members;
        for (int n = 0; n < truth.length; n++) {
            int base = n * k;
            int rightCount = 0;
            for (int i = 0; i < k; i++) {
                if (predictions[base + i] == truth[n]) {
                    correct[i]++;
                    rightCount++;
                }
                for (int j = i + 1; j < k; j++) {
                    if (predictions[base + i] != predictions[base + j]) {
                        disagreements[i][j]++;
                    }
                }
            }
            if (rightCount > 0) {
                oracle++;
                for (int i = 0; i < k; i++) {
                    if (predictions[base + i] != truth[n]) {
                        wrongWhileAnotherRight[i]++;
                    }
                }
            }
            if (rightCount > 0 && confidentMinorityRight(predictions, confidence, base, truth[n])) {
                confidentMinority++;
            }
        }
        images += truth.length;
    }

    /** Whether a strict majority agrees on a wrong class while the members right are more confident on average. */
    private boolean confidentMinorityRight(long[] predictions, float[] confidence, int base, int truth) {
        int k = members;
        for (int i = 0; i < k; i++) {
            long candidate = predictions[base + i];
            if (candidate == truth) {
                continue;
            }
            int votes = 0;
            double majorityConfidence = 0;
            int rightVotes = 0;
            double rightConfidence = 0;
            for (int j = 0; j < k; j++) {
                if (predictions[base + j] == candidate) {
                    votes++;
                    majorityConfidence += confidence[base + j];
                } else if (predictions[base + j] == truth) {
                    rightVotes++;
                    rightConfidence += confidence[base + j];
                }
            }
            if (2 * votes > k) {
                return rightConfidence / rightVotes > majorityConfidence / votes;
            }
        }
        return false;
    }

    public long images() {
        return images;
    }

    /** The member with the best accuracy on this pass (the first on a tie). */
    public int bestMember() {
        int best = 0;
        for (int i = 1; i < members; i++) {
            if (correct[i] > correct[best]) {
                best = i;
            }
        }
        return best;
    }

    public double oracleRate() {
        return percent(oracle);
    }

    public double bestMemberWrongAnotherRightRate() {
        return percent(wrongWhileAnotherRight[bestMember()]);
    }

    public double confidentMinorityRightRate() {
        return percent(confidentMinority);
    }

    public double meanPairwiseDisagreement() {
        long sum = 0;
        for (int i = 0; i < members; i++) {
            for (int j = i + 1; j < members; j++) {
                sum += disagreements[i][j];
            }
        }
        int pairs = members * (members - 1) / 2;
        return images == 0 ? 0 : 100.0 * sum / pairs / images;
    }

    /** The rates as a report records them, rounded to two decimals. */
    public Map<String, Object> summary() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("oracle", round(oracleRate()));
        out.put("bestMember", bestMember());
        out.put("bestMemberWrongAnotherRight", round(bestMemberWrongAnotherRightRate()));
        out.put("confidentMinorityRight", round(confidentMinorityRightRate()));
        out.put("meanPairwiseDisagreement", round(meanPairwiseDisagreement()));
        return out;
    }

    private double percent(long count) {
        return images == 0 ? 0 : 100.0 * count / images;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
