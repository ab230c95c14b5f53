using static TorchSharp.torch;

namespace Dupr.Detection.Modeling;

/// <summary>One image's detections, best first: boxes [K, 4] float32 (x1, y1, x2, y2), scores [K], 0-based classes [K] int64.</summary>
public sealed record Detections(Tensor Boxes, Tensor Scores, Tensor Classes) : IDisposable
{
    /// <summary>
    /// Instance masks of a mask-predicting detector: [K, 1, M, M] per-box probabilities out of the head, or, once
    /// <see cref="MetaArch.DetectorPostprocess"/> has pasted them, [K, H, W] uint8 (0/1) in the original image; null otherwise.
    /// </summary>
    public Tensor? Masks { get; init; }

    /// <summary>Number of detections.</summary>
    public int Count => (int)Boxes.size(0);

    /// <summary>Every tensor the detections hold (for moving them out of a dispose scope).</summary>
    public IEnumerable<Tensor> Tensors => Masks is null ? [Boxes, Scores, Classes] : [Boxes, Scores, Classes, Masks];

    public void Dispose()
    {
        foreach (Tensor t in Tensors) t.Dispose();
    }
}
