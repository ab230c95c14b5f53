using Dupr.Core.Modeling;
using Dupr.Core.Runtime;
using TorchSharp;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Core.Tests.Modeling;

public class FrozenBatchNorm2dTests
{
    public FrozenBatchNorm2dTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public void MatchesBatchNormInEvalModeOnEveryCall()
    {
        using var scope = NewDisposeScope();
#pragma warning disable DUPR002 // TorchSharp's BatchNorm2d in eval mode is the reference (its forward makes Scalars only in training)
        var bn = nn.BatchNorm2d(4);
#pragma warning restore DUPR002
        var frozen = new FrozenBatchNorm2d(4);
        using (no_grad())
        {
            var stats = new Dictionary<string, Tensor>
            {
                ["weight"] = rand(4).add(S(0.5), One), ["bias"] = randn(4), ["running_mean"] = randn(4), ["running_var"] = rand(4).add(S(0.1), One),
            };
            foreach (var (key, value) in stats)
            {
                bn.state_dict()[key].copy_(value);
                frozen.state_dict()[key].copy_(value);
            }
        }
        bn.eval();
        frozen.train(); // frozen whatever the mode
        var x = randn(2, 4, 5, 5);

        var expected = bn.call(x);
        // TorchVision 0.107's FrozenBatchNorm2d drifts from the second call on; this one must not.
        for (int call = 0; call < 3; call++)
            Assert.True(ModelingFixtures.RelativeError(frozen.call(x), expected) < 1e-6);
    }

    [Fact]
    public void HasPytorchsBufferNamesAndNoParameters()
    {
        using var frozen = new FrozenBatchNorm2d(3);

        Assert.Equal(new[] { "bias", "running_mean", "running_var", "weight" }, frozen.state_dict().Keys.Order());
        Assert.Empty(frozen.parameters());
    }

    [Fact]
    public void FollowsTheModuleToAnotherDtype()
    {
        using var frozen = new FrozenBatchNorm2d(3);
        frozen.to(float64);
        using var scope = NewDisposeScope();

        Assert.Equal(ScalarType.Float64, frozen.call(ones(1, 3, 2, 2, dtype: float64)).dtype);
    }
}
