using static TorchSharp.torch;

namespace Dupr.Detection.Modeling.RoiHeads;

/// <summary>
/// The proposals of one image chosen for the ROI-head losses: boxes [S, 4], their target class [S] int64
/// (0..K-1 foreground, K background) and their matched ground-truth box [S, 4] (zeros where there is none).
/// </summary>
public sealed record SampledProposals(Tensor Proposals, Tensor Classes, Tensor GtBoxes);
