using Dupr.Core.Modeling;
using Dupr.Core.Runtime;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Core.Tests.Runtime;

public class NativeEnvironmentTests
{
    [Fact]
    public void OneDnnCapFollowsTheCacheTopology()
    {
        // The test assembly applied it when it loaded (tests/Shared/NativeEnvironmentAtLoad.cs).
        string? value = Environment.GetEnvironmentVariable(NativeEnvironment.OneDnnIsaVariable);
        if (NativeEnvironment.OneDnnIsa.Contains("set by the user")) return;
        if (NativeEnvironment.CacheTopologyHidden())
        {
            Assert.Equal(NativeEnvironment.CappedIsa, value);
            Assert.StartsWith(NativeEnvironment.CappedIsa, NativeEnvironment.OneDnnIsa);
        }
        else
        {
            Assert.Null(value);
            Assert.StartsWith("none needed", NativeEnvironment.OneDnnIsa);
        }
    }

    [Fact]
    public void HugePagesAreAskedForOnLinux()
    {
        if (NativeEnvironment.HugePages.Contains("set by the user") || !OperatingSystem.IsLinux()) return;
        Assert.Equal("1", Environment.GetEnvironmentVariable(NativeEnvironment.HugePagesVariable));
        Assert.StartsWith("on", NativeEnvironment.HugePages);
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
            features.Values.Select(f => f.pow(S(2)).mean()).Aggregate((a, b) => a.add(b, One)).backward();
            foreach (var (name, parameter) in model.named_parameters())
                Assert.True(parameter.grad is not null && parameter.grad.isfinite().all().item<bool>(), $"step {step}: gradient of {name} is not finite");
            model.zero_grad();
        }
    }
}
