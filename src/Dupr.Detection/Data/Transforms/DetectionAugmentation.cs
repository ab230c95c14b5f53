using Dupr.Core.Runtime;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Detection.Data.Transforms;

/// <summary>
/// The detection input pipeline: resize (random short edge in training, fixed at test), random
/// horizontal flip (training), boxes clipped to the image and empty ones dropped (detectron2's
/// filter_empty_instances). Images stay uint8: the batch is normalised on the model's device
/// (<see cref="DetectionBatch.ModelInput"/>).
/// </summary>
public sealed class DetectionAugmentation
{
    readonly ResizeShortestEdge _resize;
    readonly int? _testLength;
    readonly double _flipProbability;

    DetectionAugmentation(ResizeShortestEdge resize, int? testLength, double flipProbability)
    {
        _resize = resize;
        _testLength = testLength;
        _flipProbability = flipProbability;
    }

    /// <summary>The training pipeline of <paramref name="options"/>.</summary>
    public static DetectionAugmentation ForTraining(DetectionTransformOptions options) =>
        new(new ResizeShortestEdge(options.MinSizeTrain, options.MaxSizeTrain, options.MinSizeTrainSampling), null, options.FlipProbability);

    /// <summary>The deterministic test pipeline of <paramref name="options"/>.</summary>
    public static DetectionAugmentation ForTest(DetectionTransformOptions options) =>
        new(new ResizeShortestEdge([options.MinSizeTest], options.MaxSizeTest), options.MinSizeTest, 0);

    /// <summary>Transforms a decoded sample (uint8 image, uint8 out), randomness from <paramref name="rng"/>.</summary>
    public DetectionSample Apply(DetectionSample sample, SampleRng rng)
    {
        using var scope = NewDisposeScope();
        DetectionSample resized = _testLength is int length ? _resize.Apply(sample, length) : _resize.Apply(sample, rng);
        DetectionSample flipped = _flipProbability > 0 ? DetectionFlip.Apply(resized, _flipProbability, rng) : resized;
        DetectionSample result = DropEmpty(flipped);
        scope.MoveToOuter(result.Tensors);
        return result;
    }

    /// <summary>Clips boxes to the image and drops instances whose box is empty after clipping (with their masks and flags).</summary>
    public static DetectionSample DropEmpty(DetectionSample sample, double threshold = 1e-5)
    {
        using var scope = NewDisposeScope();
        Tensor[] c = sample.Boxes.unbind(1);
        Tensor boxes = stack([c[0].clamp(S(0), S(sample.Width)), c[1].clamp(S(0), S(sample.Height)), c[2].clamp(S(0), S(sample.Width)), c[3].clamp(S(0), S(sample.Height))], 1);
        Tensor keep = ((boxes[.., 2] - boxes[.., 0]) > S(threshold)).logical_and_((boxes[.., 3] - boxes[.., 1]) > S(threshold));
        long[] kept = nonzero(keep).flatten().ReadArray<long>();
        var result = sample with
        {
            Image = sample.Image.alias(),
            Boxes = boxes[keep],
            Classes = sample.Classes[keep],
            Polygons = sample.Polygons is null ? null : kept.Select(i => sample.Polygons[(int)i]).ToList(),
            Masks = sample.Masks?[keep],
            Difficult = sample.Difficult?[keep],
        };
        scope.MoveToOuter(result.Tensors);
        return result;
    }
}
