using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Detection.Modeling.Losses;

/// <summary>The focal loss of RetinaNet (torchvision.ops.sigmoid_focal_loss and fvcore's sigmoid_focal_loss, elementwise).</summary>
public static class SigmoidFocalLoss
{
    /// <summary>
    /// Per element: alpha_t * (1 - p_t)^gamma * BCE(logit, target) with p = sigmoid(logit), p_t = p for target 1 and
    /// 1 - p for target 0, alpha_t = alpha resp. 1 - alpha (no alpha weighting when <paramref name="alpha"/> &lt; 0).
    /// </summary>
    public static Tensor Elementwise(Tensor logits, Tensor targets, double alpha = 0.25, double gamma = 2.0)
    {
        if (!logits.shape.SequenceEqual(targets.shape))
            throw new ArgumentException($"logits [{string.Join(", ", logits.shape)}] and targets [{string.Join(", ", targets.shape)}] differ in shape");
        using var scope = NewDisposeScope();
        var p = logits.sigmoid();
        var ce = nn.functional.binary_cross_entropy_with_logits(logits, targets, reduction: nn.Reduction.None);
        var pT = (p * targets).add(p.negative().add(S(1), One) * targets.negative().add(S(1), One), One);
        var loss = ce * pT.negative().add(S(1), One).pow(S(gamma));
        if (alpha >= 0) loss = targets.mul(S(alpha)).add(targets.negative().add(S(1), One).mul(S(1 - alpha)), One) * loss;
        return scope.MoveToOuter(loss);
    }

    /// <summary>The sum of <see cref="Elementwise"/> (RetinaNet's reduction="sum").</summary>
    public static Tensor Sum(Tensor logits, Tensor targets, double alpha = 0.25, double gamma = 2.0)
    {
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(Elementwise(logits, targets, alpha, gamma).sum());
    }
}
