using Dupr.Core.Imaging;
using Dupr.Core.Runtime;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Detection.Data.Transforms;

/// <summary>Horizontal flip of a detection sample: image, boxes (x -> W - x), polygons and bitmap masks.</summary>
public static class DetectionFlip
{
    /// <summary>Flips with probability <paramref name="probability"/>.</summary>
    public static DetectionSample Apply(DetectionSample sample, double probability, SampleRng rng) =>
        rng.Bernoulli(probability) ? Apply(sample) : Unchanged(sample);

    /// <summary>The mirrored sample.</summary>
    public static DetectionSample Apply(DetectionSample sample)
    {
        int width = sample.Width;
        using var scope = NewDisposeScope();
        Tensor[] c = sample.Boxes.unbind(1);
        var result = sample with
        {
            Image = ImageGeometry.HorizontalFlip(sample.Image).contiguous(),
            Boxes = stack([c[2].negative().add(S(width), One), c[1], c[0].negative().add(S(width), One), c[3]], 1),
            Classes = sample.Classes.alias(),
            Polygons = sample.Polygons?.Select(p => p.Map((x, y) => (width - x, y))).ToList(),
            Masks = sample.Masks is null ? null : ImageGeometry.HorizontalFlip(sample.Masks).contiguous(),
            Difficult = sample.Difficult?.alias(),
        };
        scope.MoveToOuter(result.Tensors);
        return result;
    }

    static DetectionSample Unchanged(DetectionSample sample) => sample with
    {
        Image = sample.Image.alias(),
        Boxes = sample.Boxes.alias(),
        Classes = sample.Classes.alias(),
        Masks = sample.Masks?.alias(),
        Difficult = sample.Difficult?.alias(),
    };
}
