using Dupr.Core.Modeling;
using TorchSharp.Modules;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Detection.Modeling.Retina;

/// <summary>
/// detectron2's RetinaNetHead, shared by every pyramid level: a classification and a box subnet of
/// <c>numConvs</c> x (conv3x3 [+ norm] + ReLU) each, then 3x3 convs giving A x K class logits and A x 4 anchor deltas.
/// </summary>
public sealed class RetinaNetHead : nn.Module<IReadOnlyList<Tensor>, (Tensor[] Logits, Tensor[] Deltas)>
{
    // detectron2's attribute names; the subnets number their layers as nn.Sequential does (cls_subnet.0.weight, ...).
    private readonly Sequential cls_subnet;
    private readonly Sequential bbox_subnet;
    private readonly AutocastConv2d cls_score;
    private readonly AutocastConv2d bbox_pred;

    /// <summary>
    /// A head over <paramref name="channels"/>-channel levels, <paramref name="anchorsPerLocation"/> anchors per location
    /// and <paramref name="numClasses"/> classes; <paramref name="priorProb"/> is every class's initial probability.
    /// </summary>
    public RetinaNetHead(long channels, int anchorsPerLocation, int numClasses, int numConvs, NormKind norm, double priorProb)
        : base(nameof(RetinaNetHead))
    {
        if (!(priorProb is > 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(priorProb), priorProb, "must be in (0, 1)");
        NumClasses = numClasses;
        cls_subnet = Subnet(channels, numConvs, norm);
        bbox_subnet = Subnet(channels, numConvs, norm);
        cls_score = new AutocastConv2d(channels, anchorsPerLocation * numClasses, 3, padding: 1);
        bbox_pred = new AutocastConv2d(channels, anchorsPerLocation * 4, 3, padding: 1);
        RegisterComponents();

        // detectron2: every conv normal(std=0.01) with zero bias; the classifier bias makes sigmoid = prior_prob at the start,
        // so the many background anchors do not swamp the first steps' loss.
        foreach (var conv in modules().OfType<AutocastConv2d>()) HeadInit.NormalFill(conv, 0.01);
        using var _ = no_grad();
        nn.init.constant_(cls_score.Bias!, S(-Math.Log((1 - priorProb) / priorProb)));
    }

    /// <summary>Classes scored per anchor.</summary>
    public int NumClasses { get; }

    /// <summary>Per level: logits [N, A * K, H, W] and deltas [N, A * 4, H, W].</summary>
    public override (Tensor[] Logits, Tensor[] Deltas) forward(IReadOnlyList<Tensor> features)
    {
        var logits = new Tensor[features.Count];
        var deltas = new Tensor[features.Count];
        for (int i = 0; i < features.Count; i++)
        {
            using var scope = NewDisposeScope();
            logits[i] = scope.MoveToOuter(cls_score.call(cls_subnet.call(features[i])));
            deltas[i] = scope.MoveToOuter(bbox_pred.call(bbox_subnet.call(features[i])));
        }
        return (logits, deltas);
    }

    static Sequential Subnet(long channels, int numConvs, NormKind norm)
    {
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        for (int i = 0; i < numConvs; i++)
        {
            layers.Add((layers.Count.ToString(), new AutocastConv2d(channels, channels, 3, padding: 1)));
            if (norm != NormKind.None) layers.Add((layers.Count.ToString(), Norms.Create(norm, channels)));
            layers.Add((layers.Count.ToString(), nn.ReLU()));
        }
        return nn.Sequential(layers);
    }
}
