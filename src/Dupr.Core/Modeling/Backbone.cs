using static TorchSharp.torch;

namespace Dupr.Core.Modeling;

/// <summary>A network that maps an image batch to named feature maps, finest first (detectron2's Backbone).</summary>
public abstract class Backbone : nn.Module<Tensor, OrderedDictionary<string, Tensor>>
{
    protected Backbone(string name) : base(name) { }

    /// <summary>Channels and stride of every feature map <c>forward</c> returns, in the same order.</summary>
    public abstract IReadOnlyDictionary<string, FeatureSpec> OutputShapes { get; }

    /// <summary>Input height and width must be multiples of this for the outputs to align (0: no constraint).</summary>
    public virtual int SizeDivisibility => 0;
}
