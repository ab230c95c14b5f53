using Dupr.Core.Modeling;
using Dupr.Detection.Config;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dupr.Detection.Modeling.RoiHeads;

/// <summary>
/// detectron2's MaskRCNNConvUpsampleHead: 3x3 convs (+ norm, ReLU), a 2x2 stride-2 deconvolution + ReLU and a 1x1
/// predictor: mask logits [R, K (1 if class-agnostic), 2S, 2S] from pooled features [R, C, S, S].
/// </summary>
public sealed class MaskRcnnConvUpsampleHead : nn.Module<Tensor, Tensor>
{
    // detectron2's names: keys roi_heads.mask_head.mask_fcn1.., .deconv, .predictor.
    private readonly Conv2dNorm[] convs;
    private readonly ConvTranspose2d deconv;
    private readonly AutocastConv2d predictor;

    /// <summary>A head over <paramref name="channels"/>-channel pooled features for <paramref name="numClasses"/> classes.</summary>
    public MaskRcnnConvUpsampleHead(MaskHeadSection config, long channels, int numClasses) : base(nameof(MaskRcnnConvUpsampleHead))
    {
        convs = new Conv2dNorm[config.NumConv];
        long current = channels;
        for (int k = 0; k < convs.Length; k++)
        {
            convs[k] = new Conv2dNorm(current, config.ConvDim, 3, 1, config.Norm);
            HeadInit.MsraFill(convs[k]);
            register_module($"mask_fcn{k + 1}", convs[k]);
            current = config.ConvDim;
        }
        deconv = nn.ConvTranspose2d(current, config.ConvDim, 2, stride: 2);
        predictor = new AutocastConv2d(config.ConvDim, config.ClassAgnostic ? 1 : numClasses, 1);
        RegisterComponents();
        HeadInit.MsraFill(deconv);
        // detectron2: normal(std 0.001) predictor weights, zero bias.
        HeadInit.NormalFill(predictor, 0.001);
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input;
        foreach (var conv in convs) x = nn.functional.relu(conv.call(x));
        x = nn.functional.relu(deconv.call(x));
        return scope.MoveToOuter(predictor.call(x));
    }
}
