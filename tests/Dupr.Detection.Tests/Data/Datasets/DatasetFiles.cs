using Dupr.Core.Imaging;
using Dupr.Detection.Data.Transforms;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Detection.Tests.Data.Datasets;

/// <summary>Small files and pipelines the dataset tests share.</summary>
static class DatasetFiles
{
    /// <summary>Writes a grey <paramref name="width"/> x <paramref name="height"/> image (format by extension), creating its folder.</summary>
    public static void WriteImage(string path, int width, int height)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using Tensor image = full([3, height, width], S(128), ScalarType.Byte);
        ImageEncoder.Save(image, path);
    }

    /// <summary>A test pipeline that keeps images at their stored size (short edge <paramref name="shortEdge"/>), so boxes stay in file pixels.</summary>
    public static DetectionAugmentation Identity(int shortEdge) =>
        DetectionAugmentation.ForTest(new DetectionTransformOptions { MinSizeTest = shortEdge, MaxSizeTest = 10_000 });
}
