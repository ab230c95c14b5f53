using Dupr.Detection.Modeling;
using Dupr.Core.Runtime;
using static TorchSharp.torch;

namespace Dupr.Detection.Evaluation;

/// <summary>One image's detections copied to host arrays for the results writers: boxes (4 per detection, x1 y1 x2 y2), scores, classes.</summary>
internal readonly record struct HostDetections(float[] Boxes, float[] Scores, long[] Classes)
{
    /// <summary>Number of detections.</summary>
    public int Count => Scores.Length;

    /// <summary>The arrays of <paramref name="detections"/>, from any device.</summary>
    public static HostDetections From(Detections detections)
    {
        // TorchSharp's ToArray throws on an empty tensor.
        if (detections.Count == 0) return new HostDetections([], [], []);
        using var scope = NewDisposeScope();
        return new HostDetections(
            detections.Boxes.cpu().contiguous().ReadArray<float>(),
            detections.Scores.cpu().contiguous().ReadArray<float>(),
            detections.Classes.cpu().contiguous().ReadArray<long>());
    }
}
