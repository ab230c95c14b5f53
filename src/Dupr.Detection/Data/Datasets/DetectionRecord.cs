using Dupr.Core.Imaging;
using Dupr.Core.Runtime;
using Dupr.Detection.Data.Transforms;
using static TorchSharp.torch;

namespace Dupr.Detection.Data.Datasets;

/// <summary>
/// One image's annotations as a detection dataset keeps them between epochs (no tensors, no pixels): the image
/// file, its annotated size, and its training instances as (x1, y1, x2, y2) pixel boxes with contiguous classes.
/// </summary>
public sealed record DetectionRecord
{
    /// <summary>The image file.</summary>
    public required string FilePath { get; init; }

    /// <summary>The dataset's image id (COCO image id, or the image's index in a VOC union).</summary>
    public required long ImageId { get; init; }

    /// <summary>Annotated height in pixels; 0 when the annotation gives none (the decoded size is then used unchecked).</summary>
    public required int Height { get; init; }

    /// <summary>Annotated width in pixels; 0 when the annotation gives none.</summary>
    public required int Width { get; init; }

    /// <summary>Boxes, 4 values (x1, y1, x2, y2) per instance, in pixels of the stored image.</summary>
    public required float[] Boxes { get; init; }

    /// <summary>Contiguous class index of each instance.</summary>
    public required long[] Classes { get; init; }

    /// <summary>Polygon mask of each instance; null when the dataset has none.</summary>
    public IReadOnlyList<InstancePolygons>? Polygons { get; init; }

    /// <summary>VOC "difficult" flag of each instance; null when the dataset has none.</summary>
    public bool[]? Difficult { get; init; }

    /// <summary>Number of instances.</summary>
    public int Count => Classes.Length;

    /// <summary>
    /// Decodes the image, checks its size against the annotation (detectron2's check_image_size) and applies
    /// <paramref name="augmentation"/> with randomness from <paramref name="rng"/>. An unreadable image, or one
    /// whose size differs from the annotation's, raises <see cref="DataFileException"/> naming the file.
    /// </summary>
    public DetectionSample Load(DetectionAugmentation augmentation, SampleRng rng)
    {
        using var scope = NewDisposeScope();
        Tensor image = ImageDecoder.Decode(FilePath);
        int height = (int)image.shape[1], width = (int)image.shape[2];
        if (Height > 0 && Width > 0 && (height, width) != (Height, Width))
            throw new DataFileException(FilePath, $"image is {width}x{height} pixels but its annotation says {Width}x{Height}");
        var sample = new DetectionSample
        {
            Image = image,
            Boxes = tensor(Boxes).view(-1, 4),
            Classes = tensor(Classes),
            Polygons = Polygons,
            Difficult = Difficult is null ? null : tensor(Difficult),
            ImageId = ImageId,
            OriginalSize = (height, width),
            FileName = FilePath,
        };
        DetectionSample result = augmentation.Apply(sample, rng);
        scope.MoveToOuter(result.Tensors);
        return result;
    }
}
