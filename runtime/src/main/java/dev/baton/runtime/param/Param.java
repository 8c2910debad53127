package dev.baton.runtime.param;

import dev.baton.runtime.tensor.Tensor;

/**
 * A trainable tensor under its record name (e.g. {@code attn_bank}) with the gradient buffer that
 * backward accumulates into; both are owned by the {@link ParamSet} that holds the param.
 */
public record Param(String name, Tensor value, Tensor grad) {
}
