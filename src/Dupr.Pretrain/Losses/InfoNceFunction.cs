using Dupr.Core.Modeling;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace Dupr.Pretrain.Losses;

/// <summary>
/// The autograd node of <see cref="InfoNce.PerQuery"/>: -log softmax of the positive logit among [positive, negatives]
/// per query, with one [M, K] tensor kept for the backward (the unnormalised softmax of the negatives) where autograd
/// through the plain formula keeps the logits, their concatenation, the shifted exponentials and their gradients.
/// </summary>
/// <remarks>
/// vars: queries [M, D], keys [M, D], negatives [K, D] (the memory bank: a constant, no gradient), the temperature.
/// Outputs: the loss per query [M] and whether the positive outscored every negative [M] (1 or 0, no gradient).
/// </remarks>
internal sealed class InfoNceFunction : MultiTensorFunction<InfoNceFunction>
{
    public override string Name => "InfoNceBackward";

    public override List<Tensor> forward(AutogradContext ctx, params object[] vars)
    {
        var queries = (Tensor)vars[0];
        var keys = (Tensor)vars[1];
        var negatives = (Tensor)vars[2];
        double temperature = (double)vars[3];

        var scaledNegatives = negatives.div(S(temperature));                     // [K, D]: 1/tau folded into the small operand
        var positive = (queries * keys).sum(-1).div(S(temperature));              // [M]
        // The [M, K] products in the autocast precision (the backward keeps the forward's); the softmax in float32.
        var low = Autocast.Current;
        var exponentials = Autocast.Matmul(queries, scaledNegatives.t(), low); // [M, K] negative logits, then their exp
        var maxNegative = exponentials.amax([-1]);
        var shift = maximum(maxNegative, positive);                        // every exponent <= 0
        exponentials.sub_(shift.unsqueeze(-1)).exp_();
        var positiveExp = (positive - shift).exp();
        var total = exponentials.sum(-1).add(positiveExp, One);                    // sum_j exp(l_j - shift) over all 1 + K
        var loss = total.log().add(shift, One) - positive;
        var correct = positive.ge(maxNegative).to(queries.dtype);          // argmax of the logits is the positive (ties to it)

        ctx.save_for_backward([queries, keys, scaledNegatives, exponentials, total, positiveExp]);
        ctx.save_data("temperature", temperature);
        ctx.save_data("low", low!);
        ctx.save_data("keysNeedGrad", keys.requires_grad);
        ctx.mark_non_differentiable([correct]);
        // No zero gradient for `correct`: TorchSharp would build it from a per-output cache that the caller's dispose
        // scope has already freed.
        ctx.set_materialize_grads(false);
        return [loss, correct];
    }

    public override List<Tensor> backward(AutogradContext ctx, List<Tensor> grad_outputs)
    {
        var saved = ctx.get_saved_variables();
        Tensor queries = saved[0], keys = saved[1], scaledNegatives = saved[2], exponentials = saved[3], total = saved[4], positiveExp = saved[5];
        double temperature = (double)ctx.get_data("temperature");
        var low = (ScalarType?)ctx.get_data("low");
        var upstream = grad_outputs[0];                                     // dL/dloss [M]

        // d loss / d q = sum_j p_j n_j / tau + (p_+ - 1) k / tau, with p = softmax over [positive, negatives]. The rows of
        // the saved exponentials are scaled after the product (diag(s) E N = diag(s) (E N)), so E itself is never copied.
        var rowScale = (upstream / total).unsqueeze(-1);                    // [M, 1]
        var positiveWeight = (upstream * (positiveExp / total).sub(S(1))).div(S(temperature)).unsqueeze(-1);
        var queryGrad = Autocast.Matmul(exponentials, scaledNegatives, low).mul_(rowScale).add_(keys * positiveWeight, One);
        var keyGrad = (bool)ctx.get_data("keysNeedGrad") ? queries * positiveWeight : null;
        return [queryGrad, keyGrad!, null!, null!];
    }
}
