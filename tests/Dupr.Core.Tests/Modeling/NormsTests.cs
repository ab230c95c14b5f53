using Dupr.Core.Modeling;
using Dupr.Core.Runtime;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Core.Tests.Modeling;

public class NormsTests
{
    public NormsTests() => TorchRuntime.EnsureLoaded();

    [Theory]
    [InlineData(NormKind.BN)]
    [InlineData(NormKind.GN)]
    [InlineData(NormKind.FrozenBN)]
    public void NewNormsStartAsTheIdentityAffine(NormKind kind)
    {
        // TorchSharp's GroupNorm alone leaves weight and bias uninitialised; several fresh layers make garbage likely to show.
        for (int i = 0; i < 4; i++)
        {
            using var norm = Norms.Create(kind, 64);
            var state = norm.state_dict();
            Assert.True(state["weight"].eq(S(1)).all().item<bool>(), $"{kind} weight");
            Assert.True(state["bias"].eq(S(0)).all().item<bool>(), $"{kind} bias");
        }
    }

    [Fact]
    public void FreshGroupNormNormalisesEachGroup()
    {
        using var scope = NewDisposeScope();
        using var norm = Norms.Create(NormKind.GN, 64);
        var y = norm.call(randn(2, 64, 5, 5).mul(S(3)).add(S(7), One)).view(2, 32, -1);
        Assert.True(y.mean(new long[] { 2 }).abs().max().item<float>() < 1e-4);
        Assert.True(y.var(2, unbiased: false).sub(S(1)).abs().max().item<float>() < 1e-3);
    }
}
