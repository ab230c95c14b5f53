using Dupr.Core.Modeling;
using Dupr.Detection.Config;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dupr.Detection.Modeling.RoiHeads;

/// <summary>
/// detectron2's FastRCNNConvFCHead: 3x3 convs (+ norm, ReLU), then flatten and fully connected layers (+ ReLU) over
/// pooled box features [R, C, S, S]; gives [R, D] (D = the last layer's width, or C x S x S with no layer).
/// </summary>
public sealed class FastRcnnConvFcHead : nn.Module<Tensor, Tensor>
{
    // Registered under detectron2's names conv1.., fc1.. (keys roi_heads.box_head.fc1.weight, ...).
    private readonly Conv2dNorm[] convs;
    private readonly AutocastLinear[] fcs;

    /// <summary>A head over pooled features of <paramref name="channels"/> x <paramref name="resolution"/> x <paramref name="resolution"/>.</summary>
    public FastRcnnConvFcHead(BoxHeadSection config, long channels, int resolution) : base(nameof(FastRcnnConvFcHead))
    {
        convs = new Conv2dNorm[config.NumConv];
        for (int k = 0; k < convs.Length; k++)
        {
            convs[k] = new Conv2dNorm(k == 0 ? channels : config.ConvDim, config.ConvDim, 3, 1, config.Norm);
            HeadInit.MsraFill(convs[k]);
            register_module($"conv{k + 1}", convs[k]);
        }
        long size = (convs.Length > 0 ? config.ConvDim : channels) * resolution * resolution;
        fcs = new AutocastLinear[config.NumFc];
        for (int k = 0; k < fcs.Length; k++)
        {
            fcs[k] = new AutocastLinear(k == 0 ? size : config.FcDim, config.FcDim);
            HeadInit.XavierFill(fcs[k]);
            register_module($"fc{k + 1}", fcs[k]);
        }
        OutputSize = fcs.Length > 0 ? config.FcDim : size;
        RegisterComponents();
    }

    /// <summary>Width of the features the head gives each box.</summary>
    public long OutputSize { get; }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input;
        foreach (var conv in convs) x = nn.functional.relu(conv.call(x));
        x = x.flatten(1);
        foreach (var fc in fcs) x = nn.functional.relu(fc.call(x));
        return scope.MoveToOuter(x);
    }
}
