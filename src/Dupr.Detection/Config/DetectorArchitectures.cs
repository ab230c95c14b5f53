namespace Dupr.Detection.Config;

/// <summary>Facts about each <see cref="DetectorArchitecture"/> that data and evaluation depend on.</summary>
public static class DetectorArchitectures
{
    /// <summary>True for the detectors with a mask head (they train on polygons and are evaluated on segm too).</summary>
    public static bool PredictsMasks(this DetectorArchitecture architecture) =>
        architecture is DetectorArchitecture.MaskRcnnC4 or DetectorArchitecture.MaskRcnnFpn;
}
