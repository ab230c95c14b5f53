using Dupr.Core.Data;
using Dupr.Core.Runtime;
using Dupr.Detection.Data;
using Dupr.Detection.Data.Transforms;
using Dupr.Pretrain.Data;
using static TorchSharp.torch;

namespace Dupr.Benchmarks.Performance;

/// <summary>
/// Detection samples for timing the detection input pipeline: images from a folder, each with four
/// stand-in instances (boxes and 8-point polygons at fixed relative places). The pipeline's cost is
/// decoding, resizing, flipping and normalising, which do not depend on what the boxes mean; the
/// COCO and VOC datasets replace this once they produce <see cref="DetectionSample"/>s.
/// </summary>
public sealed class StandInDetectionDataset(UnlabeledImageFolder images, DetectionAugmentation augmentation) : IDataset<DetectionSample>
{
    static readonly (double X1, double Y1, double X2, double Y2)[] Places = [(0.1, 0.1, 0.4, 0.5), (0.5, 0.2, 0.9, 0.6), (0.2, 0.55, 0.6, 0.95), (0.65, 0.65, 0.85, 0.9)];

    public int Count => images.Count;

    public DetectionSample Get(int index, SampleRng rng)
    {
        using var scope = NewDisposeScope();
        Tensor image = images.Load(index);
        int height = (int)image.shape[1], width = (int)image.shape[2];
        var boxes = Places.Select(p => new[] { p.X1 * width, p.Y1 * height, p.X2 * width, p.Y2 * height }).ToList();
        var sample = new DetectionSample
        {
            Image = image,
            Boxes = tensor(boxes.SelectMany(b => b.Select(v => (float)v)).ToArray()).view(-1, 4),
            Classes = arange(Places.Length, ScalarType.Int64),
            Polygons = boxes.Select(Octagon).ToList(),
            ImageId = index,
            OriginalSize = (height, width),
            FileName = images.PathOf(index),
        };
        DetectionSample result = augmentation.Apply(sample, rng);
        scope.MoveToOuter(result.Tensors);
        return result;
    }

    static InstancePolygons Octagon(double[] box)
    {
        double cx = (box[0] + box[2]) / 2, cy = (box[1] + box[3]) / 2, rx = (box[2] - box[0]) / 2, ry = (box[3] - box[1]) / 2;
        var ring = new double[16];
        for (int k = 0; k < 8; k++)
        {
            ring[2 * k] = cx + rx * Math.Cos(k * Math.PI / 4);
            ring[2 * k + 1] = cy + ry * Math.Sin(k * Math.PI / 4);
        }
        return new InstancePolygons([ring]);
    }
}
