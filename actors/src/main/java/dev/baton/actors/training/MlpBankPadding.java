package dev.baton.actors.training;

import dev.baton.actors.plan.ShardPlan;
import dev.baton.runtime.model.GptConfig;

/**
 * The one rule for the entries of the MLP bank at W devices: the configuration's own padding
 * ({@link GptConfig#mlpBankLayers()}, the record's 8-way padding: 12 entries for 11 layers) when
 * its matrices split evenly over W, else the fewest entries above it that do
 * ({@link ShardPlan#paddedUnits} of the configuration's entries, two matrices per entry).
 *
 * <p>Why not pad for W alone ({@code paddedUnits(11, 2, W)}, 11 entries at W = 1 and 2): the bank
 * would then have another shape at every W, and a checkpoint written at W = 4 (12 entries) would
 * carry a padding entry that W = 2 does not have. With this rule every W that divides the
 * configuration's 24 matrices (1, 2, 3, 4, 6, 8, 12, 24) uses the very shapes of the single-device
 * model, and only the others (W = 5: 15 entries, W = 7: 14) add padding, which never receives a
 * gradient and which resharded checkpoints start at zero state.
 */
public final class MlpBankPadding {
    /** Matrices per bank entry: c_fc and c_proj. */
    public static final int MATRICES_PER_ENTRY = 2;

    private MlpBankPadding() {
    }

    /** Entries (layers plus padding) of the MLP bank to allocate for {@code world} devices. */
    public static int layers(GptConfig config, int world) {
        return ShardPlan.paddedUnits(config.mlpBankLayers(), MATRICES_PER_ENTRY, world);
    }
}
