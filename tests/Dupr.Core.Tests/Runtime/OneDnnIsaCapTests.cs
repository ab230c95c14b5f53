using Dupr.Core.Modeling;
using Dupr.Core.Runtime;
using static TorchSharp.torch;

namespace Dupr.Core.Tests.Runtime;

public class OneDnnIsaCapTests
{
    [Fact]
    public void CapFollowsTheCacheTopology()
    {
        // The test assembly applied the cap when it loaded (tests/Shared/OneDnnCapAtLoad.cs).
        string? value = Environment.GetEnvironmentVariable(OneDnnIsaCap.Variable);
        if (OneDnnIsaCap.Status.Contains("set by the user")) return;
        if (OneDnnIsaCap.CacheTopologyHidden())
        {
            Assert.Equal(OneDnnIsaCap.CappedIsa, value);
            Assert.StartsWith(OneDnnIsaCap.CappedIsa, OneDnnIsaCap.Status);
        }
        else
        {
            Assert.Null(value);
            Assert.StartsWith("none needed", OneDnnIsaCap.Status);
        }
    }

    [Fact]
    public void ResNet50TrainingStepsStayFinite()
    {
        // Strided bottlenecks backward: the kernels that crash (SIGFPE) or return NaN where oneDNN is not capped.
        TorchRuntime.EnsureLoaded();
        manual_seed(0);
        using var model = new ResNet(new ResNetConfig { Depth = 50, Norm = NormKind.BN, FreezeAt = 0 });
        model.train();
        for (int step = 0; step < 3; step++)
        {
            using var scope = NewDisposeScope();
            var features = model.forward(randn(4, 3, 64, 64));
            features.Values.Select(f => f.square().mean()).Aggregate((a, b) => a + b).backward();
            foreach (var (name, parameter) in model.named_parameters())
                Assert.True(parameter.grad is not null && parameter.grad.isfinite().all().item<bool>(), $"step {step}: gradient of {name} is not finite");
            model.zero_grad();
        }
    }
}
