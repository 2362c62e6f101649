package dev.imed.ensemble.train;

/**
 * The annealed learning rate used across the UDA literature: {@code lr · (1 + γ·it)^(−decay)}.
 *
 * @param base the initial rate
 * @param gamma γ
 * @param decay the exponent, 0.75 by convention
 */
public record LearningRate(float base, float gamma, float decay) {
    public float at(long iteration) {
        return (float) (base * Math.pow(1 + gamma * iteration, -decay));
    }
}
