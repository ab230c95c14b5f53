using Dupr.Detection.Config;
using Dupr.Detection.Data;
using Dupr.Detection.Data.Transforms;
using static TorchSharp.torch;

namespace Dupr.Detection.Tests.Modeling;

/// <summary>Tiny scenes for detector tests: coloured rectangles (class = colour) on a noisy grey background, and a mini C4 config.</summary>
internal static class SyntheticScenes
{
    static readonly float[][] Colours = [[220, 40, 40], [40, 60, 220], [40, 200, 60]];

    /// <summary><paramref name="count"/> normalised samples of <paramref name="size"/> x <paramref name="size"/> pixels with 1..3 objects each.</summary>
    public static List<DetectionSample> Create(int count, int size, int classes, int seed)
    {
        var random = new Random(seed);
        var samples = new List<DetectionSample>();
        for (int n = 0; n < count; n++)
        {
            var image = full(3, size, size, 120f) + 10 * randn(3, size, size, generator: new Generator((ulong)(seed * 100 + n)));
            var boxes = new List<float>();
            var labels = new List<long>();
            int objects = random.Next(1, 4);
            for (int k = 0; k < objects; k++)
            {
                int w = random.Next(size / 5, size / 2), h = random.Next(size / 5, size / 2);
                int x = random.Next(0, size - w), y = random.Next(0, size - h);
                int c = random.Next(classes);
                for (int ch = 0; ch < 3; ch++) image[ch, y..(y + h), x..(x + w)] = tensor(Colours[c][ch]);
                boxes.AddRange([x, y, x + w, y + h]);
                labels.Add(c);
            }
            samples.Add(new DetectionSample
            {
                Image = PixelNormalization.Torchvision.Apply(image.clamp(0, 255)),
                Boxes = tensor(boxes.ToArray()).view(-1, 4),
                Classes = tensor(labels.ToArray()),
                ImageId = n,
                OriginalSize = (size, size),
            });
        }
        return samples;
    }

    /// <summary>A ResNet-18 C4 detector sized for 64..160 pixel images on CPU.</summary>
    public static DetectionConfig MiniConfig(int classes) => new()
    {
        Backbone = new ResNetSection { Depth = 18, Width = 16, Norm = Core.Modeling.NormKind.BN, FreezeAt = 0 },
        Anchors = new AnchorSection { Sizes = [[16, 32, 64, 128]] },
        Rpn = new RpnSection { PreNmsTopkTrain = 1000, PostNmsTopkTrain = 300, PreNmsTopkTest = 500, PostNmsTopkTest = 100, BatchSizePerImage = 128 },
        RoiHeads = new RoiHeadsSection { NumClasses = classes, BatchSizePerImage = 64 },
    };
}
