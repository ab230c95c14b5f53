using Dupr.Core.Imaging;
using Dupr.Core.Runtime;

namespace Dupr.Pretrain.Data;

/// <summary>
/// The augmentation of one pre-training view. Defaults are MoCo v2's (the paper's ablation setting,
/// section 3.2.3); <see cref="RandAugmentOps"/> > 0 adds the main experiments' RandAugment. Serialises
/// as a config section (snake_case keys).
/// </summary>
public sealed class ViewAugmentationOptions
{
    /// <summary>Side of the square view in pixels.</summary>
    public int Size { get; set; } = 224;

    /// <summary>RandomResizedCrop area range, as a fraction of the image.</summary>
    public double[] Scale { get; set; } = [0.2, 1.0];

    /// <summary>RandomResizedCrop aspect-ratio (width / height) range.</summary>
    public double[] Ratio { get; set; } = [3.0 / 4.0, 4.0 / 3.0];

    /// <summary>Probability of a horizontal flip.</summary>
    public double FlipProbability { get; set; } = 0.5;

    /// <summary>ColorJitter strengths: brightness, contrast, saturation, hue (torchvision's meaning).</summary>
    public double[] ColorJitter { get; set; } = [0.4, 0.4, 0.4, 0.1];

    /// <summary>Probability of applying the colour jitter.</summary>
    public double ColorJitterProbability { get; set; } = 0.8;

    /// <summary>Probability of converting to grayscale (3 equal channels).</summary>
    public double GrayscaleProbability { get; set; } = 0.2;

    /// <summary>Probability of a Gaussian blur.</summary>
    public double BlurProbability { get; set; } = 0.5;

    /// <summary>Range of the blur's standard deviation in pixels, drawn uniformly.</summary>
    public double[] BlurSigma { get; set; } = [0.1, 2.0];

    /// <summary>Blur kernel size (odd); 0 picks 2 ceil(3 sigma) + 1, which keeps 99.7% of the Gaussian, like MoCo v2's PIL blur.</summary>
    public int BlurKernelSize { get; set; }

    /// <summary>RandAugment operations per view (N); 0 turns RandAugment off (MoCo v2).</summary>
    public int RandAugmentOps { get; set; }

    /// <summary>RandAugment magnitude index (M) into <see cref="RandAugmentBins"/> bins, torchvision's scale.</summary>
    public int RandAugmentMagnitude { get; set; } = 9;

    /// <summary>Number of RandAugment magnitude bins (torchvision's num_magnitude_bins).</summary>
    public int RandAugmentBins { get; set; } = 31;

    /// <summary>Per-channel mean subtracted at the end, in [0, 1] units (ImageNet's by default).</summary>
    public float[] Mean { get; set; } = [.. ImageTensor.ImageNetMean];

    /// <summary>Per-channel standard deviation divided by at the end.</summary>
    public float[] Std { get; set; } = [.. ImageTensor.ImageNetStd];

    /// <summary>MoCo v2's augmentation (the paper's ablation setting).</summary>
    public static ViewAugmentationOptions MocoV2(int size = 224) => new() { Size = size };

    /// <summary>MoCo v2 plus RandAugment (the paper's main experiments), N = 2 ops at torchvision's default magnitude 9.</summary>
    public static ViewAugmentationOptions MocoV2WithRandAugment(int size = 224) => new() { Size = size, RandAugmentOps = 2 };

    /// <summary>Only crop, flip and normalisation: for tests of the view geometry.</summary>
    public static ViewAugmentationOptions GeometryOnly(int size) =>
        new() { Size = size, ColorJitterProbability = 0, GrayscaleProbability = 0, BlurProbability = 0 };

    /// <summary>Throws <see cref="DuprException"/> naming the first bad option.</summary>
    public void Validate()
    {
        if (Size < 8) throw Bad("size", $"must be at least 8, got {Size}");
        CheckRange("scale", Scale, 0, 1, exclusiveLow: true);
        CheckRange("ratio", Ratio, 0, double.PositiveInfinity, exclusiveLow: true);
        CheckRange("blur_sigma", BlurSigma, 0, double.PositiveInfinity, exclusiveLow: true);
        foreach (var (name, p) in new[] { ("flip_probability", FlipProbability), ("color_jitter_probability", ColorJitterProbability),
                     ("grayscale_probability", GrayscaleProbability), ("blur_probability", BlurProbability) })
            if (!(p is >= 0 and <= 1)) throw Bad(name, $"must be a probability in [0, 1], got {p}");
        if (ColorJitter.Length != 4 || ColorJitter.Any(s => s < 0)) throw Bad("color_jitter", "needs 4 non-negative strengths (brightness, contrast, saturation, hue)");
        if (ColorJitter[3] > 0.5) throw Bad("color_jitter", $"hue strength must be at most 0.5, got {ColorJitter[3]}");
        if (BlurKernelSize < 0 || (BlurKernelSize > 0 && BlurKernelSize % 2 == 0)) throw Bad("blur_kernel_size", $"must be 0 (auto) or odd, got {BlurKernelSize}");
        if (RandAugmentOps < 0) throw Bad("rand_augment_ops", $"must be non-negative, got {RandAugmentOps}");
        if (RandAugmentBins < 2) throw Bad("rand_augment_bins", $"must be at least 2, got {RandAugmentBins}");
        if (RandAugmentMagnitude < 0 || RandAugmentMagnitude >= RandAugmentBins)
            throw Bad("rand_augment_magnitude", $"must be in [0, {RandAugmentBins - 1}], got {RandAugmentMagnitude}");
        if (Mean.Length != 3 || Std.Length != 3 || Std.Any(s => s <= 0)) throw Bad("mean/std", "need 3 values each, std positive");
    }

    static void CheckRange(string name, double[] range, double low, double high, bool exclusiveLow)
    {
        if (range.Length != 2 || !(range[0] <= range[1]) || range[1] > high || (exclusiveLow ? range[0] <= low : range[0] < low))
            throw Bad(name, $"must be [min, max] with {low} {(exclusiveLow ? "<" : "<=")} min <= max <= {high}, got [{string.Join(", ", range)}]");
    }

    static DuprException Bad(string key, string problem) => new($"views.{key}: {problem}");
}
