using static TorchSharp.torch;

namespace Dupr.Detection.Modeling.Rpn;

/// <summary>
/// What the RPN gives the ROI heads: per image, proposals [P, 4] in padded-input pixels and their objectness
/// logits [P], best first, both detached (detectron2 trains the two stages approximately jointly); and the
/// RPN losses in training (loss_rpn_cls, loss_rpn_loc), empty at test time.
/// </summary>
public sealed record RpnOutput(IReadOnlyList<Tensor> Proposals, IReadOnlyList<Tensor> Scores, IReadOnlyDictionary<string, Tensor> Losses);
