using static TorchSharp.torch;

namespace Dupr.Detection.Modeling;

/// <summary>One image's detections, best first: boxes [K, 4] float32 (x1, y1, x2, y2), scores [K], 0-based classes [K] int64.</summary>
public sealed record Detections(Tensor Boxes, Tensor Scores, Tensor Classes) : IDisposable
{
    /// <summary>Number of detections.</summary>
    public int Count => (int)Boxes.size(0);

    public void Dispose()
    {
        Boxes.Dispose();
        Scores.Dispose();
        Classes.Dispose();
    }
}
