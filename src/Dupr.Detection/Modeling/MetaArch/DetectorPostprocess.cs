using Dupr.Core.Ops;
using Dupr.Detection.Data.Transforms;
using static TorchSharp.torch;

namespace Dupr.Detection.Modeling.MetaArch;

/// <summary>detectron2's detector_postprocess: detections rescaled from the network input to the original image, masks pasted into it.</summary>
public static class DetectorPostprocess
{
    /// <summary>Mask probability at or above which a pasted pixel belongs to the instance (detectron2's mask_threshold).</summary>
    public const double MaskThreshold = 0.5;

    /// <summary>
    /// Boxes scaled from <paramref name="inputSize"/> to <paramref name="outputSize"/>, clipped, empty ones dropped; per-box
    /// masks [K, 1, M, M], if any, pasted into the rescaled boxes as [K, H, W] uint8 of <paramref name="outputSize"/>.
    /// </summary>
    public static Detections Rescale(Detections detections, (int Height, int Width) inputSize, (int Height, int Width) outputSize)
    {
        using var scope = NewDisposeScope();
        double scaleX = outputSize.Width / (double)inputSize.Width;
        double scaleY = outputSize.Height / (double)inputSize.Height;
        var scale = tensor(new[] { (float)scaleX, (float)scaleY, (float)scaleX, (float)scaleY }, device: detections.Boxes.device);
        var boxes = BoxOps.Clip(detections.Boxes * scale, outputSize.Height, outputSize.Width);
        var keep = (boxes[.., 2] > boxes[.., 0]).logical_and(boxes[.., 3] > boxes[.., 1]);
        boxes = boxes[keep];
        var result = new Detections(boxes, detections.Scores[keep], detections.Classes[keep])
        {
            Masks = detections.Masks is { } masks ? MaskPaste.Paste(masks[keep], boxes, outputSize, MaskThreshold) : null,
        };
        scope.MoveToOuter(result.Tensors);
        return result;
    }

    /// <summary>Each of a batch's <paramref name="detections"/> (in network-input pixels) in its image's original pixels, as <see cref="Rescale(Detections, (int, int), (int, int))"/>.</summary>
    public static Detections[] Rescale(IReadOnlyList<Detections> detections, DetectionBatch batch) =>
        detections.Select((d, i) => Rescale(d, batch.ImageSizes[i], batch.Samples[i].OriginalSize)).ToArray();
}
