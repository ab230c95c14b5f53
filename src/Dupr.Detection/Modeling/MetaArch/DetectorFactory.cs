using Dupr.Core.Runtime;
using Dupr.Detection.Config;

namespace Dupr.Detection.Modeling.MetaArch;

/// <summary>Builds the detector a config's "architecture" names.</summary>
public static class DetectorFactory
{
    /// <summary>A new detector for <paramref name="config"/> (validated first).</summary>
    public static Detector Create(DetectionConfig config) => config.Architecture switch
    {
        DetectorArchitecture.FasterRcnnC4 => new FasterRcnnC4(config),
        DetectorArchitecture.FasterRcnnFpn => new FasterRcnnFpn(config),
        DetectorArchitecture.MaskRcnnC4 => new MaskRcnnC4(config),
        DetectorArchitecture.MaskRcnnFpn => new MaskRcnnFpn(config),
        DetectorArchitecture.RetinaNet => new RetinaNet(config),
        _ => throw new DuprException($"architecture: unknown value {config.Architecture}"),
    };
}
