using static TorchSharp.torch;

namespace Dupr.Detection.Data;

/// <summary>
/// One detection training or test image with its instances, as the COCO and VOC datasets produce it
/// and the detection transforms change it. Owns its tensors; transforms return a new sample whose
/// unchanged tensors are aliases, so either sample can be disposed first.
/// </summary>
public sealed record DetectionSample : IDisposable
{
    /// <summary>The image [3, H, W]: uint8 RGB as decoded, float once normalised.</summary>
    public required Tensor Image { get; init; }

    /// <summary>Instance boxes [N, 4] float32, (x1, y1, x2, y2) in pixels of <see cref="Image"/>.</summary>
    public required Tensor Boxes { get; init; }

    /// <summary>Contiguous class indices [N] int64 (0-based, background excluded).</summary>
    public required Tensor Classes { get; init; }

    /// <summary>Polygon masks, one per instance, in pixels of <see cref="Image"/>; null when the dataset has none.</summary>
    public IReadOnlyList<InstancePolygons>? Polygons { get; init; }

    /// <summary>Bitmap masks [N, H, W] uint8 (0/1), e.g. decoded crowd RLEs; null when the dataset has none.</summary>
    public Tensor? Masks { get; init; }

    /// <summary>
    /// VOC "difficult" flags [N] bool: instances kept as training targets (as detectron2 does) that VOC
    /// evaluation ignores; null when the dataset has no such flags.
    /// </summary>
    public Tensor? Difficult { get; init; }

    /// <summary>The dataset's image id (COCO image id, or the VOC image's index).</summary>
    public long ImageId { get; init; }

    /// <summary>Height and width of the image as stored, before any transform (what evaluation rescales predictions to).</summary>
    public (int Height, int Width) OriginalSize { get; init; }

    /// <summary>The image file, for error messages and debugging.</summary>
    public string? FileName { get; init; }

    /// <summary>Current image height.</summary>
    public int Height => (int)Image.shape[^2];

    /// <summary>Current image width.</summary>
    public int Width => (int)Image.shape[^1];

    /// <summary>Number of instances.</summary>
    public int Count => (int)Boxes.shape[0];

    /// <summary>Every tensor the sample holds.</summary>
    public IEnumerable<Tensor> Tensors
    {
        get
        {
            yield return Image;
            yield return Boxes;
            yield return Classes;
            if (Masks is not null) yield return Masks;
            if (Difficult is not null) yield return Difficult;
        }
    }

    public void Dispose()
    {
        foreach (Tensor t in Tensors) t.Dispose();
    }
}
