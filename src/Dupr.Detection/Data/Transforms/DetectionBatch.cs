using Dupr.Core.Data;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Detection.Data.Transforms;

/// <summary>
/// Normalised detection samples batched as one padded tensor (detectron2's ImageList): images
/// top-left aligned, padded with zeros to a common size rounded up to a multiple of the size
/// divisibility; each image's own size is kept for the losses and for rescaling predictions.
/// </summary>
public sealed class DetectionBatch : IBatch
{
    /// <summary>Padded images [B, 3, Hp, Wp] float.</summary>
    public Tensor Images { get; }

    /// <summary>(height, width) of each image before padding.</summary>
    public IReadOnlyList<(int Height, int Width)> ImageSizes { get; }

    /// <summary>The samples (targets: boxes, classes, masks, ids); each image is the unpadded view into <see cref="Images"/>.</summary>
    public IReadOnlyList<DetectionSample> Samples { get; }

    DetectionBatch(Tensor images, IReadOnlyList<(int, int)> sizes, IReadOnlyList<DetectionSample> samples) =>
        (Images, ImageSizes, Samples) = (images, sizes, samples);

    /// <summary>Pads and stacks <paramref name="samples"/> (normalised float images) into a batch; the inputs stay the caller's.</summary>
    public static DetectionBatch Collate(IReadOnlyList<DetectionSample> samples, int sizeDivisibility = 32, double padValue = 0)
    {
        if (samples.Count == 0) throw new ArgumentException("cannot batch zero samples", nameof(samples));
        if (sizeDivisibility < 1) throw new ArgumentOutOfRangeException(nameof(sizeDivisibility), sizeDivisibility, "must be at least 1");
        int height = RoundUp(samples.Max(s => s.Height), sizeDivisibility);
        int width = RoundUp(samples.Max(s => s.Width), sizeDivisibility);
        Tensor first = samples[0].Image;
        using var scope = NewDisposeScope();
        Tensor images = full([samples.Count, first.shape[0], height, width], S(padValue), first.dtype, first.device);
        // The batch's samples see their image as a view into the padded tensor: no second copy.
        var kept = new List<DetectionSample>(samples.Count);
        for (int i = 0; i < samples.Count; i++)
        {
            DetectionSample s = samples[i];
            Tensor view = images[i].narrow(1, 0, s.Height).narrow(2, 0, s.Width);
            view.copy_(s.Image);
            kept.Add(s with { Image = view, Boxes = s.Boxes.alias(), Classes = s.Classes.alias(), Masks = s.Masks?.alias(), Difficult = s.Difficult?.alias() });
        }
        var batch = new DetectionBatch(images, kept.Select(s => (s.Height, s.Width)).ToList(), kept);
        scope.MoveToOuter(batch.Tensors);
        return batch;
    }

    static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    public IEnumerable<Tensor> Tensors => Samples.SelectMany(s => s.Tensors).Prepend(Images);

    public void Dispose()
    {
        Images.Dispose();
        foreach (DetectionSample sample in Samples) sample.Dispose();
    }
}
