using Dupr.Core.Imaging;
using Dupr.Core.Runtime;
using static TorchSharp.torch;

namespace Dupr.Pretrain.Data;

/// <summary>
/// Makes one pre-training view: RandomResizedCrop (window recorded), horizontal flip (recorded),
/// colour jitter, optional RandAugment (photometric ops only), grayscale, Gaussian blur; a uint8 view that
/// <see cref="ModelInput"/> normalises where the model runs.
/// </summary>
/// <remarks>
/// Order: crop+resize, flip, ColorJitter (p), RandAugment, grayscale (p), blur (p): MoCo v2's order with RandAugment
/// inserted after the colour jitter. Pixels stay float in [0, 1] while they are augmented (RandAugment works on a uint8
/// copy, as torchvision requires) and the view is stored as uint8, as MoCo's PIL pipeline hands it to ToTensor: a quarter
/// of the bytes through the loader, the pinned memory and the copy to an accelerator, normalised there.
/// </remarks>
public sealed class ViewTransform
{
    readonly ViewAugmentationOptions _options;
    readonly ColorJitter _jitter;
    readonly PhotometricRandAugment? _randAugment;

    /// <summary>A transform with <paramref name="options"/> (validated here).</summary>
    public ViewTransform(ViewAugmentationOptions options)
    {
        options.Validate();
        _options = options;
        _jitter = new ColorJitter(options.ColorJitter[0], options.ColorJitter[1], options.ColorJitter[2], options.ColorJitter[3]);
        _randAugment = options.RandAugmentOps > 0
            ? new PhotometricRandAugment(options.RandAugmentOps, options.RandAugmentMagnitude, options.RandAugmentBins)
            : null;
    }

    /// <summary>A random view of <paramref name="image"/> (uint8 or float [3, H, W]) as uint8 pixels; all randomness from <paramref name="rng"/>.</summary>
    public AugmentedView Apply(Tensor image, SampleRng rng)
    {
        using AugmentedView view = Augment(image, rng);
        return view with { Pixels = ImageTensor.ToUInt8(view.Pixels) };
    }

    /// <summary>The same view before it is stored as uint8: float pixels in [0, 1] (what the geometry tests check at sub-pixel precision).</summary>
    public AugmentedView Augment(Tensor image, SampleRng rng)
    {
        int height = (int)image.shape[^2], width = (int)image.shape[^1];
        var o = _options;
        CropBox box = RandomResizedCrop.Sample(rng, width, height, (o.Scale[0], o.Scale[1]), (o.Ratio[0], o.Ratio[1]));
        bool flipped = rng.Bernoulli(o.FlipProbability);

        using var scope = NewDisposeScope();
        Tensor crop = ImageTensor.ToFloat(ImageGeometry.Crop(image, box.Top, box.Left, box.Height, box.Width));
        Tensor x = ImageGeometry.Resize(crop, o.Size, o.Size);
        if (flipped) x = ImageGeometry.HorizontalFlip(x);
        if (rng.Bernoulli(o.ColorJitterProbability)) x = _jitter.Apply(x, rng);
        if (_randAugment != null) x = ImageTensor.ToFloat(_randAugment.Apply(ImageTensor.ToUInt8(x), rng));
        if (rng.Bernoulli(o.GrayscaleProbability)) x = ColorAdjust.Grayscale(x, 3);
        if (rng.Bernoulli(o.BlurProbability))
        {
            double sigma = rng.Uniform(o.BlurSigma[0], o.BlurSigma[1]);
            x = GaussianBlur.Apply(x, KernelSize(sigma), sigma);
        }
        return new AugmentedView(x.MoveToOuterDisposeScope(), box, flipped);
    }

    /// <summary>
    /// The model's input for uint8 views [N, 3, S, S] (or one view [3, S, S]) on <paramref name="device"/>: copied there without
    /// blocking the host (from pinned memory the copy runs asynchronously), then scaled to [0, 1] and normalised with the
    /// options' mean and std there. The result belongs to the caller's dispose scope.
    /// </summary>
    public static Tensor ModelInput(Tensor views, ViewAugmentationOptions options, Device device)
    {
        if (views.dtype != ScalarType.Byte) throw new ArgumentException($"views are uint8, not {views.dtype}", nameof(views));
        using var scope = NewDisposeScope();
        return ImageTensor.Normalize(ImageTensor.ToFloat(views.to(device, non_blocking: true)), options.Mean, options.Std).MoveToOuterDisposeScope();
    }

    int KernelSize(double sigma)
    {
        int size = _options.BlurKernelSize > 0 ? _options.BlurKernelSize : 2 * (int)Math.Ceiling(3 * sigma) + 1;
        // Reflect padding needs the kernel's half-width below the view size.
        return Math.Min(size, 2 * _options.Size - 1);
    }
}
