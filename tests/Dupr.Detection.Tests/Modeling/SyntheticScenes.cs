using Dupr.Detection.Config;
using Dupr.Detection.Data;
using Dupr.Detection.Data.Transforms;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Detection.Tests.Modeling;

/// <summary>
/// Tiny scenes for detector tests: coloured rectangles (class = colour) on a noisy grey background, each with its polygon
/// mask (the rectangle's outline), and mini C4 / FPN configs.
/// </summary>
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
            var image = full(3, size, size, S(120f)).add(randn(3, size, size, generator: new Generator((ulong)(seed * 100 + n))).mul(S(10)), One);
            var boxes = new List<float>();
            var labels = new List<long>();
            var polygons = new List<InstancePolygons>();
            int objects = random.Next(1, 4);
            for (int k = 0; k < objects; k++)
            {
                int w = random.Next(size / 5, size / 2), h = random.Next(size / 5, size / 2);
                int x = random.Next(0, size - w), y = random.Next(0, size - h);
                int c = random.Next(classes);
                for (int ch = 0; ch < 3; ch++) image[ch, y..(y + h), x..(x + w)] = tensor(Colours[c][ch]);
                boxes.AddRange([x, y, x + w, y + h]);
                polygons.Add(new InstancePolygons([new double[] { x, y, x + w, y, x + w, y + h, x, y + h }]));
                labels.Add(c);
            }
            samples.Add(new DetectionSample
            {
                Image = PixelNormalization.Torchvision.Apply(image.clamp(S(0), S(255))),
                Boxes = tensor(boxes.ToArray()).view(-1, 4),
                Classes = tensor(labels.ToArray()),
                Polygons = polygons,
                ImageId = n,
                OriginalSize = (size, size),
            });
        }
        return samples;
    }

    /// <summary>A ResNet-18 C4 detector sized for 64..160 pixel images on CPU (Mask R-CNN C4: 14x14 masks from a 32-channel deconvolution).</summary>
    public static DetectionConfig MiniConfig(int classes, DetectorArchitecture architecture = DetectorArchitecture.FasterRcnnC4) => new()
    {
        Architecture = architecture,
        Backbone = new ResNetSection { Depth = 18, Width = 16, Norm = Core.Modeling.NormKind.BN, FreezeAt = 0 },
        Anchors = new AnchorSection { Sizes = [[16, 32, 64, 128]] },
        Rpn = new RpnSection { PreNmsTopkTrain = 1000, PostNmsTopkTrain = 300, PreNmsTopkTest = 500, PostNmsTopkTest = 100, BatchSizePerImage = 128 },
        RoiHeads = new RoiHeadsSection { NumClasses = classes, BatchSizePerImage = 64 },
        MaskHead = new MaskHeadSection { NumConv = 0, ConvDim = 32 },
    };

    /// <summary>
    /// A ResNet-18 FPN detector (32-channel pyramid, anchors 16..256 on P2..P6, a 2 x 128 box head, a 4 x 16 mask head)
    /// sized for 64..160 pixel images on CPU.
    /// </summary>
    public static DetectionConfig MiniFpnConfig(int classes, DetectorArchitecture architecture = DetectorArchitecture.FasterRcnnFpn) => new()
    {
        Architecture = architecture,
        Backbone = new ResNetSection { Depth = 18, Width = 16, Norm = Core.Modeling.NormKind.BN, FreezeAt = 0 },
        Fpn = new FpnSection { OutChannels = 32 },
        Anchors = new AnchorSection { Sizes = [[16], [32], [64], [128], [256]] },
        Rpn = new RpnSection
        {
            InFeatures = ["p2", "p3", "p4", "p5", "p6"],
            PreNmsTopkTrain = 500, PostNmsTopkTrain = 300, PreNmsTopkTest = 250, PostNmsTopkTest = 100, BatchSizePerImage = 128,
        },
        RoiHeads = new RoiHeadsSection { NumClasses = classes, BatchSizePerImage = 64, InFeatures = ["p2", "p3", "p4", "p5"], PoolerResolution = 7 },
        BoxHead = new BoxHeadSection { FcDim = 128 },
        // 4 convs of 32 channels on 14x14 for every foreground ROI would cost more than the whole backbone here.
        MaskHead = new MaskHeadSection { NumConv = 4, ConvDim = 16 },
    };
}
