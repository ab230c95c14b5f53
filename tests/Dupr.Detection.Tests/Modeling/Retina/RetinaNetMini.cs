using Dupr.Core.Modeling;
using Dupr.Detection.Config;
using Dupr.Detection.Modeling;
using Dupr.Detection.Modeling.MetaArch;

namespace Dupr.Detection.Tests.Modeling.Retina;

/// <summary>A CPU-sized RetinaNet config for the tiny scenes of <see cref="SyntheticScenes"/>.</summary>
internal static class RetinaNetMini
{
    /// <summary>ResNet-18 of width 16 with BN, a 32-channel FPN and head, anchors 16 on P3 .. 256 on P7 (3 scales x 3 ratios).</summary>
    public static DetectionConfig Config(int classes) => new()
    {
        Architecture = DetectorArchitecture.RetinaNet,
        Backbone = new ResNetSection { Depth = 18, Width = 16, Norm = NormKind.BN, FreezeAt = 0 },
        Anchors = new AnchorSection
        {
            Sizes = AnchorGenerator.OctaveScales([16, 32, 64, 128, 256], 3).Select(s => s.ToList()).ToList(),
            AspectRatios = [[0.5, 1.0, 2.0]],
        },
        RetinaNet = new RetinaNetSection { NumClasses = classes, FpnOutChannels = 32, FpnNorm = NormKind.BN, SmoothL1Beta = 0 },
    };

    /// <summary>A mini RetinaNet (convenience for tests that only need some model).</summary>
    public static RetinaNet Model(int classes) => new(Config(classes));
}
