using Dupr.Core.Runtime;
using Newtonsoft.Json.Linq;
using TorchSharp.Modules;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Core.Training;

/// <summary>
/// Dynamic loss scaling for fp16 (torch.amp.GradScaler's rule and defaults): the loss is multiplied by the scale before
/// the backward, so that small gradients survive float16; the gradients are divided by it before the optimiser step. A
/// step whose gradients overflowed is skipped (weights and momentum untouched) and the scale halved; after
/// <see cref="GrowthInterval"/> good steps in a row it doubles.
/// </summary>
public sealed class LossScaler
{
    /// <summary>The scale of the first step (2^16).</summary>
    public const double InitialScale = 65536;

    /// <summary>Good steps in a row after which the scale doubles.</summary>
    public const int GrowthInterval = 2000;

    /// <summary>The factor the loss is multiplied by now.</summary>
    public double Scale { get; private set; } = InitialScale;

    /// <summary>Good steps since the scale last changed.</summary>
    public int GoodSteps { get; private set; }

    /// <summary>The loss to call backward on.</summary>
    public Tensor ScaleLoss(Tensor loss) => loss.mul(S(Scale));

    /// <summary>
    /// Divides every gradient of <paramref name="parameters"/> by the scale and says whether all of them are finite (one
    /// host read for all); then updates the scale. Skip the optimiser step when it returns false.
    /// </summary>
    public bool UnscaleAndUpdate(IEnumerable<Parameter> parameters)
    {
        bool finite;
        using (var scope = NewDisposeScope())
        {
            var grads = parameters.Select(p => p.grad).OfType<Tensor>().ToList();
            foreach (var grad in grads) grad.mul_(S(1 / Scale));
            finite = grads.Count == 0 || stack(grads.Select(g => g.isfinite().all()).ToList()).all().ReadItem<bool>();
        }
        if (finite && ++GoodSteps >= GrowthInterval) (Scale, GoodSteps) = (Scale * 2, 0);
        if (!finite) (Scale, GoodSteps) = (Scale / 2, 0);
        return finite;
    }

    /// <summary>The scale and the count of good steps, for a checkpoint.</summary>
    public JObject ToJson() => new() { ["scale"] = Scale, ["good_steps"] = GoodSteps };

    /// <summary>Restores what <see cref="ToJson"/> wrote; <paramref name="source"/> names the file for errors.</summary>
    public void Restore(JObject json, string source)
    {
        double? scale = json.Value<double?>("scale");
        int? good = json.Value<int?>("good_steps");
        if (scale is not double s || !double.IsFinite(s) || s <= 0 || good is not int g || g < 0)
            throw new DuprException($"{source}: loss_scaler needs a positive scale and a non-negative good_steps, got {json.ToString(Newtonsoft.Json.Formatting.None)}");
        (Scale, GoodSteps) = (s, g);
    }
}
