using Dupr.Core.Checkpoints;
using Dupr.Core.Runtime;
using Dupr.Core.Training;
using Dupr.Tests;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Core.Tests.Checkpoints;

public class OptimizerCheckpointTests
{
    public OptimizerCheckpointTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public void MomentumSurvivesASaveAndLoad()
    {
        using var temp = TestPaths.Temp();
        using var scope = NewDisposeScope();
        manual_seed(3);
        var first = nn.Linear(4, 2);
        var second = nn.Linear(4, 2);
        second.load_state_dict(first.state_dict());
        var x = randn(8, 4);
        var optimizerA = new Sgd(first.parameters(), 0.1, momentum: 0.9);
        void Step(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer)
        {
            optimizer.zero_grad();
            model.call(x).pow(S(2)).sum().backward();
            optimizer.step();
        }

        Step(first, optimizerA);
        second.load_state_dict(first.state_dict());
        OptimizerCheckpoint.Save(optimizerA, temp.File("optimizer.bin"));
        var optimizerB = new Sgd(second.parameters(), 0.1, momentum: 0.9);
        OptimizerCheckpoint.Load(optimizerB, temp.File("optimizer.bin"));
        Step(first, optimizerA);
        Step(second, optimizerB);

        // Without the momentum buffer the second step of B would differ.
        Assert.True(first.weight!.allclose(second.weight!, rtol: 0, atol: 1e-7));
        Assert.Throws<DuprException>(() => OptimizerCheckpoint.Load(optimizerB, temp.File("absent.bin")));
    }
}
