package dev.baton.runtime.model.golf;

import dev.baton.runtime.model.PortableInit;
import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.tensor.Shape;

import java.util.List;
import java.util.Map;

/**
 * The parameters of seed 002's input stage ({@link BigramHash}, {@link SmearGate},
 * {@link PreEnrichment}) when switched on: shapes, initialisation, and which are Muon matrices.
 */
final class GolfInputParams {
    /** Matrices outside the blocks that Muon updates (the seed trains them with the block matrices). */
    static final List<String> MATRICES = List.of(BigramHash.PROJ, PreEnrichment.FC, PreEnrichment.PROJ);

    private GolfInputParams() {
    }

    static void putShapes(GolfConfig c, Map<String, Shape> s) {
        GolfInputConfig in = c.input();
        int d = c.modelDim();
        if (in.bigram()) {
            s.put(BigramHash.EMBED, Shape.of(in.bigramBuckets(), in.bigramDim()));
            s.put(BigramHash.PROJ, Shape.of(d, in.bigramDim()));
            s.put(BigramHash.SCALE, Shape.of(1));
        }
        if (in.smearGate()) {
            s.put(SmearGate.GATE, Shape.of(d));
        }
        if (in.preEnrich()) {
            s.put(PreEnrichment.FC, Shape.of(in.preEnrichHidden(), d));
            s.put(PreEnrichment.PROJ, Shape.of(d, in.preEnrichHidden()));
        }
    }

    /** bigram.embed 0, bigram.proj Linear default, bigram.scale 0.05; smear.gate 0; pre_enrich Linear default. */
    static void initialize(Ops ops, GolfConfig c, ParamSet set, PortableInit init) {
        GolfInputConfig in = c.input();
        if (in.bigram()) {
            UniversalParams.uniform(ops, set.get(BigramHash.PROJ), init);
            ops.fill(set.get(BigramHash.SCALE).value(), BigramHash.SCALE_INIT);
        }
        if (in.preEnrich()) {
            UniversalParams.uniform(ops, set.get(PreEnrichment.FC), init);
            UniversalParams.uniform(ops, set.get(PreEnrichment.PROJ), init);
        }
    }
}
