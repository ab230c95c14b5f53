using Dupr.Core.Modeling;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dupr.Detection.Modeling.Rpn;

/// <summary>
/// detectron2's StandardRPNHead, shared by every level: a 3x3 conv + ReLU, then 1x1 convs giving A objectness
/// logits and A x 4 anchor deltas per location.
/// </summary>
public sealed class RpnHead : nn.Module<IReadOnlyList<Tensor>, (Tensor[] Logits, Tensor[] Deltas)>
{
    // detectron2's attribute names, so its rpn_head.* keys load unchanged.
    private readonly AutocastConv2d conv;
    private readonly AutocastConv2d objectness_logits;
    private readonly AutocastConv2d anchor_deltas;

    /// <summary>A head over <paramref name="channels"/>-channel features with <paramref name="anchorsPerLocation"/> anchors per location.</summary>
    public RpnHead(long channels, int anchorsPerLocation) : base(nameof(RpnHead))
    {
        conv = new AutocastConv2d(channels, channels, 3, padding: 1);
        objectness_logits = new AutocastConv2d(channels, anchorsPerLocation, 1);
        anchor_deltas = new AutocastConv2d(channels, anchorsPerLocation * 4, 1);
        RegisterComponents();
        // detectron2: normal(std=0.01) weights, zero biases.
        foreach (var layer in new[] { conv, objectness_logits, anchor_deltas }) HeadInit.NormalFill(layer, 0.01);
    }

    /// <summary>Per level: logits [N, A, H, W] and deltas [N, 4A, H, W].</summary>
    public override (Tensor[] Logits, Tensor[] Deltas) forward(IReadOnlyList<Tensor> features)
    {
        var logits = new Tensor[features.Count];
        var deltas = new Tensor[features.Count];
        for (int i = 0; i < features.Count; i++)
        {
            using var scope = NewDisposeScope();
            var t = nn.functional.relu(conv.call(features[i]));
            logits[i] = scope.MoveToOuter(objectness_logits.call(t));
            deltas[i] = scope.MoveToOuter(anchor_deltas.call(t));
        }
        return (logits, deltas);
    }
}
