using Dupr.Core.Data;
using static TorchSharp.torch;

namespace Dupr.Detection.Data.Transforms;

/// <summary>
/// Detection samples batched as one padded tensor (detectron2's ImageList): images top-left aligned, padded with zeros to a
/// common size rounded up to a multiple of the size divisibility; each image's own size is kept for the losses and for
/// rescaling predictions. The loader's batches hold uint8 pixels (a quarter of float32's bytes to copy to a device, pinned
/// for a GPU); <see cref="ModelInput"/> makes the model's normalised float input on the device.
/// </summary>
public sealed class DetectionBatch : IBatch
{
    /// <summary>Padded images [B, 3, Hp, Wp]: the loader's uint8 pixels, or the model's normalised float32 after <see cref="ModelInput"/>.</summary>
    public Tensor Images { get; }

    /// <summary>(height, width) of each image before padding.</summary>
    public IReadOnlyList<(int Height, int Width)> ImageSizes { get; }

    /// <summary>The samples (targets: boxes, classes, masks, ids); each image is the unpadded view into <see cref="Images"/>.</summary>
    public IReadOnlyList<DetectionSample> Samples { get; }

    DetectionBatch(Tensor images, IReadOnlyList<(int, int)> sizes, IReadOnlyList<DetectionSample> samples) =>
        (Images, ImageSizes, Samples) = (images, sizes, samples);

    /// <summary>
    /// Pads and stacks <paramref name="samples"/> into a batch, in pinned (page-locked) host memory when <paramref name="pinMemory"/>
    /// (for non-blocking copies to a GPU); with <paramref name="bitmapMasks"/> each sample's instance polygons are also
    /// rasterised into image-size bitmaps (for Mask R-CNN on a GPU: its mask targets are then cut there, MaskTargets).
    /// The inputs stay the caller's.
    /// </summary>
    public static DetectionBatch Collate(IReadOnlyList<DetectionSample> samples, int sizeDivisibility = 32, bool pinMemory = false, bool bitmapMasks = false)
    {
        if (samples.Count == 0) throw new ArgumentException("cannot batch zero samples", nameof(samples));
        if (sizeDivisibility < 1) throw new ArgumentOutOfRangeException(nameof(sizeDivisibility), sizeDivisibility, "must be at least 1");
        int height = RoundUp(samples.Max(s => s.Height), sizeDivisibility);
        int width = RoundUp(samples.Max(s => s.Width), sizeDivisibility);
        Tensor first = samples[0].Image;
        using var scope = NewDisposeScope();
        Tensor images = zeros([samples.Count, first.shape[0], height, width], first.dtype, first.device);
        if (pinMemory) images = images.pin_memory();
        // The batch's samples see their image as a view into the padded tensor: no second copy.
        var kept = new List<DetectionSample>(samples.Count);
        for (int i = 0; i < samples.Count; i++)
        {
            DetectionSample s = samples[i];
            Tensor view = images[i].narrow(1, 0, s.Height).narrow(2, 0, s.Width);
            view.copy_(s.Image);
            Tensor? masks = bitmapMasks && s.Masks is null && s.Polygons is { } polygons ? InstancePolygons.Bitmaps(polygons, s.Height, s.Width) : s.Masks?.alias();
            if (pinMemory && masks is not null) masks = masks.pin_memory();
            kept.Add(s with { Image = view, Boxes = s.Boxes.alias(), Classes = s.Classes.alias(), Masks = masks, Difficult = s.Difficult?.alias() });
        }
        var batch = new DetectionBatch(images, kept.Select(s => (s.Height, s.Width)).ToList(), kept);
        scope.MoveToOuter(batch.Tensors);
        return batch;
    }

    /// <summary>
    /// The model's input on <paramref name="device"/> (detectron2's preprocess_image): the uint8 images and the targets copied
    /// there without blocking the host (from pinned memory the copy runs asynchronously), converted and normalised there, the
    /// padding zero (detectron2 pads after normalising). The result belongs to the caller's dispose scope.
    /// </summary>
    public DetectionBatch ModelInput(PixelNormalization normalization, Device device)
    {
        if (Images.dtype != ScalarType.Byte) throw new InvalidOperationException($"the model input is made from the loader's uint8 images, not {Images.dtype}");
        Tensor images = normalization.Apply(Images.to(device, non_blocking: true));
        long height = images.shape[2], width = images.shape[3];
        var samples = new List<DetectionSample>(Samples.Count);
        for (int i = 0; i < Samples.Count; i++)
        {
            var (h, w) = ImageSizes[i];
            images[i].narrow(1, h, height - h).zero_();
            images[i].narrow(2, w, width - w).zero_();
            DetectionSample s = Samples[i];
            samples.Add(s with
            {
                Image = images[i].narrow(1, 0, h).narrow(2, 0, w), Boxes = s.Boxes.to(device, non_blocking: true), Classes = s.Classes.to(device, non_blocking: true),
                Masks = s.Masks?.to(device, non_blocking: true), Difficult = s.Difficult?.to(device, non_blocking: true),
            });
        }
        return new DetectionBatch(images, ImageSizes, samples);
    }

    static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    public IEnumerable<Tensor> Tensors => Samples.SelectMany(s => s.Tensors).Prepend(Images);

    public void Dispose()
    {
        Images.Dispose();
        foreach (DetectionSample sample in Samples) sample.Dispose();
    }
}
