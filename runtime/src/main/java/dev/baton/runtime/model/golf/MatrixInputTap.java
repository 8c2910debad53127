package dev.baton.runtime.model.golf;

import dev.baton.runtime.tensor.Tensor;

import java.util.List;

/**
 * A forward hook on the golf model's matrix inputs (PyTorch's forward hooks, as GPTQ calibration
 * uses them): during an evaluation forward the model hands each Linear weight's input rows (T, in)
 * to the tap, once per use, with the state_dict names of the weights that read them (c_q, c_k and
 * c_v share one input; the tied embedding as the output head reads the final-norm rows). The rows
 * are a view valid only during the call.
 */
public interface MatrixInputTap {
    void observe(List<String> weights, Tensor input);
}
