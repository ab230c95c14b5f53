using static TorchSharp.torch;

namespace Dupr.Core.Modeling;

/// <summary>The initialisation TorchSharp's (and PyTorch's) Conv2d and Linear give themselves, for our layers that replace them.</summary>
internal static class TorchLayerInit
{
    /// <summary>torch.nn.Conv2d's and Linear's reset_parameters: kaiming_uniform(a = sqrt 5) weights, biases uniform in +-1/sqrt(fan_in).</summary>
    public static void Reset(Tensor weight, Tensor? bias)
    {
        using var _ = no_grad();
        nn.init.kaiming_uniform_(weight, a: Math.Sqrt(5));
        if (bias is null) return;
        var (fanIn, _) = nn.init.CalculateFanInAndFanOut(weight);
        if (fanIn > 0) nn.init.uniform_(bias, -1 / Math.Sqrt(fanIn), 1 / Math.Sqrt(fanIn));
    }
}
