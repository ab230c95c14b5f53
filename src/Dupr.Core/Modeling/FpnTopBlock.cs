namespace Dupr.Core.Modeling;

/// <summary>The extra coarse levels an FPN adds above its last lateral level.</summary>
public enum FpnTopBlock
{
    /// <summary>No extra level.</summary>
    None,

    /// <summary>P6 = max-pool (kernel 1, stride 2) of the last output (detectron2's LastLevelMaxPool; R-CNN).</summary>
    MaxPool,

    /// <summary>P6 = 3x3 stride-2 conv on C5, P7 = the same on relu(P6) (detectron2's LastLevelP6P7; RetinaNet).</summary>
    P6P7,
}
