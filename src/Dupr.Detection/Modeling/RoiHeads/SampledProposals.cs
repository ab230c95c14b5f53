using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Detection.Modeling.RoiHeads;

/// <summary>
/// The proposals of one image chosen for the ROI-head losses: boxes [S, 4], their target class [S] int64
/// (0..K-1 foreground, K background), their matched ground-truth box [S, 4] (zeros where there is none) and that
/// box's index [S] int64 among the image's instances (0 where there is none; the mask targets read it).
/// </summary>
public sealed record SampledProposals(Tensor Proposals, Tensor Classes, Tensor GtBoxes, Tensor GtIndices)
{
    /// <summary>Every tensor of the record.</summary>
    public IEnumerable<Tensor> Tensors => [Proposals, Classes, GtBoxes, GtIndices];

    /// <summary>The rows whose class is foreground (below <paramref name="numClasses"/>), in order (detectron2's select_foreground_proposals).</summary>
    public SampledProposals Foreground(int numClasses)
    {
        using var scope = NewDisposeScope();
        var keep = nonzero(IsForeground(numClasses)).view(-1);
        var result = new SampledProposals(Proposals[keep], Classes[keep], GtBoxes[keep], GtIndices[keep]);
        scope.MoveToOuter(result.Tensors);
        return result;
    }

    /// <summary>Per row: true where the proposal was matched to one of the <paramref name="numClasses"/> classes (not background, not ignored).</summary>
    public Tensor IsForeground(int numClasses) => Classes.ge(S(0)).logical_and(Classes.lt(S(numClasses)));

    /// <summary>The proposals of several images, concatenated in order.</summary>
    public static SampledProposals Concat(IReadOnlyList<SampledProposals> images)
    {
        using var scope = NewDisposeScope();
        var result = new SampledProposals(cat(images.Select(s => s.Proposals).ToList(), 0), cat(images.Select(s => s.Classes).ToList(), 0),
                                          cat(images.Select(s => s.GtBoxes).ToList(), 0), cat(images.Select(s => s.GtIndices).ToList(), 0));
        scope.MoveToOuter(result.Tensors);
        return result;
    }
}
