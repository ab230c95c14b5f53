using Dupr.Core.Imaging;
using Dupr.Core.Runtime;
using static TorchSharp.torch;

namespace Dupr.Pretrain.Data;

/// <summary>
/// RandAugment (Cubuk et al.) with torchvision's op semantics and magnitude bins, restricted to its
/// nine photometric ops: Identity, Brightness, Color, Contrast, Sharpness, Posterize, Solarize,
/// AutoContrast, Equalize.
/// </summary>
/// <remarks>
/// torchvision's geometric ops (ShearX/Y, TranslateX/Y, Rotate) are excluded on purpose: they move
/// pixels inside the view, so the recorded crop box would no longer say which original-image region
/// each view pixel shows, and patch re-identification matches patches through exactly that mapping.
/// Shear and rotation cannot be expressed as an axis-aligned box at all. The crop, scale and flip of
/// the view already supply the geometric variation, and they are recorded.
/// </remarks>
public sealed class PhotometricRandAugment
{
    enum Op { Identity, Brightness, Color, Contrast, Sharpness, Posterize, Solarize, AutoContrast, Equalize }

    static readonly Op[] Ops = Enum.GetValues<Op>();

    readonly int _count;
    readonly int _magnitude;
    readonly int _bins;

    /// <summary>Applies <paramref name="count"/> random ops (N) at magnitude bin <paramref name="magnitude"/> (M) of <paramref name="bins"/>.</summary>
    public PhotometricRandAugment(int count, int magnitude, int bins = 31)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "must be non-negative");
        if (bins < 2 || magnitude < 0 || magnitude >= bins) throw new ArgumentOutOfRangeException(nameof(magnitude), magnitude, $"must be in [0, {bins - 1}]");
        _count = count;
        _magnitude = magnitude;
        _bins = bins;
    }

    /// <summary>Applies N random ops to a uint8 image [..., 3, H, W], as torchvision's RandAugment does.</summary>
    public Tensor Apply(Tensor image, SampleRng rng)
    {
        using var scope = NewDisposeScope();
        Tensor x = image;
        for (int i = 0; i < _count; i++)
        {
            Op op = Ops[rng.NextInt(Ops.Length)];
            double magnitude = Magnitude(op);
            if (Signed(op) && rng.Bernoulli(0.5)) magnitude = -magnitude;
            x = op switch
            {
                Op.Brightness => ColorAdjust.Brightness(x, 1.0 + magnitude),
                Op.Color => ColorAdjust.Saturation(x, 1.0 + magnitude),
                Op.Contrast => ColorAdjust.Contrast(x, 1.0 + magnitude),
                Op.Sharpness => ToneAdjust.Sharpness(x, 1.0 + magnitude),
                Op.Posterize => ToneAdjust.Posterize(x, (int)magnitude),
                Op.Solarize => ToneAdjust.Solarize(x, magnitude),
                Op.AutoContrast => ToneAdjust.AutoContrast(x),
                Op.Equalize => ToneAdjust.Equalize(x),
                _ => x,
            };
        }
        return (ReferenceEquals(x, image) ? image.alias() : x).MoveToOuterDisposeScope();
    }

    // torchvision's _augmentation_space, evaluated at bin M (float32 linspace there; double here).
    double Magnitude(Op op)
    {
        double fraction = (double)_magnitude / (_bins - 1);
        return op switch
        {
            Op.Brightness or Op.Color or Op.Contrast or Op.Sharpness => (float)(0.9 * fraction),
            Op.Posterize => 8 - (int)Math.Round(_magnitude / ((_bins - 1) / 4.0)),
            Op.Solarize => (float)(255.0 * (1 - fraction)),
            _ => 0,
        };
    }

    static bool Signed(Op op) => op is Op.Brightness or Op.Color or Op.Contrast or Op.Sharpness;
}
