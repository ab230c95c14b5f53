using static TorchSharp.torch;

namespace Dupr.Core.Modeling;

/// <summary>detectron2's LastLevelP6P7: P6 and P7 from the last backbone feature (C5 in RetinaNet).</summary>
public sealed class LastLevelP6P7 : nn.Module<Tensor, (Tensor P6, Tensor P7)>
{
    // Field names are detectron2's: they become the state_dict keys.
    private readonly Conv2dNorm p6;
    private readonly Conv2dNorm p7;

    /// <summary>Maps <paramref name="inChannels"/> input channels to two levels of <paramref name="outChannels"/>.</summary>
    public LastLevelP6P7(long inChannels, long outChannels) : base(nameof(LastLevelP6P7))
    {
        p6 = new Conv2dNorm(inChannels, outChannels, 3, 2, NormKind.None);
        p7 = new Conv2dNorm(outChannels, outChannels, 3, 2, NormKind.None);
        RegisterComponents();
    }

    public override (Tensor P6, Tensor P7) forward(Tensor input)
    {
        var level6 = p6.call(input);
        return (level6, p7.call(nn.functional.relu(level6)));
    }
}
