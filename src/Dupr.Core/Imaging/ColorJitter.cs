using Dupr.Core.Runtime;
using static TorchSharp.torch;

namespace Dupr.Core.Imaging;

/// <summary>
/// torchvision's ColorJitter: brightness, contrast, saturation and hue factors drawn uniformly from
/// their ranges and applied in a random order. Strengths follow torchvision: brightness 0.4 means
/// factors in [0.6, 1.4]; hue 0.1 means shifts in [-0.1, 0.1].
/// </summary>
public sealed record ColorJitter(double Brightness, double Contrast, double Saturation, double Hue)
{
    /// <summary>Applies one random jitter to <paramref name="image"/> (float or uint8, [..., 3, H, W]).</summary>
    public Tensor Apply(Tensor image, SampleRng rng)
    {
        int[] order = rng.Permutation(4);
        double brightness = Factor(rng, Brightness), contrast = Factor(rng, Contrast), saturation = Factor(rng, Saturation);
        double hue = Hue > 0 ? rng.Uniform(-Hue, Hue) : 0;
        using var scope = NewDisposeScope();
        Tensor x = image;
        foreach (int op in order)
        {
            x = op switch
            {
                0 when Brightness > 0 => ColorAdjust.Brightness(x, brightness),
                1 when Contrast > 0 => ColorAdjust.Contrast(x, contrast),
                2 when Saturation > 0 => ColorAdjust.Saturation(x, saturation),
                3 when Hue > 0 => ColorAdjust.Hue(x, hue),
                _ => x,
            };
        }
        return (ReferenceEquals(x, image) ? image.alias() : x).MoveToOuterDisposeScope();
    }

    static double Factor(SampleRng rng, double strength) => strength > 0 ? rng.Uniform(Math.Max(0, 1 - strength), 1 + strength) : 1;
}
