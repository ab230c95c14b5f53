using Dupr.Core.Checkpoints;
using Dupr.Core.Modeling;
using Dupr.Core.Training;
using Dupr.Tests;
using TorchSharp;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Core.Tests.Training;

public class OptimizerParametersTests
{
    // conv -> BN -> conv -> GN: conv weights decay by weight_decay, norm weights and biases by weight_decay_norm.
    static nn.Module<Tensor, Tensor> Model() =>
        nn.Sequential(nn.Conv2d(3, 32, 3), new BatchNorm2d(32), nn.Conv2d(32, 32, 1), Norms.Create(NormKind.GN, 32));

    // One step with zero gradients at lr 1: what moves is the weight decay alone, p <- p - decay * p.
    static Dictionary<string, (Tensor Before, Tensor After)> StepWithZeroGradients(nn.Module<Tensor, Tensor> model, SolverConfig solver)
    {
        var before = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
        using var sgd = OptimizerParameters.CreateSgd(model, model.parameters(), solver, learningRate: 1.0);
        sgd.zero_grad();
        model.call(randn(2, 3, 6, 6)).sum().mul(S(0.0)).backward();
        sgd.step();
        return model.named_parameters().ToDictionary(p => p.name, p => (before[p.name], p.parameter.detach().clone()));
    }

    [Fact]
    public void NormParametersSeeWeightDecayNormWhileConvWeightsSeeWeightDecay()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(3);
        var model = Model();
        var solver = new SolverConfig { Momentum = 0.9, WeightDecay = 0.1, WeightDecayNorm = 0.0 };
        var moved = StepWithZeroGradients(model, solver);

        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias", "2.weight", "2.bias", "3.weight", "3.bias"], moved.Keys);
        foreach (string conv in new[] { "0.weight", "0.bias", "2.weight", "2.bias" })
            Assert.True(moved[conv].After.allclose(moved[conv].Before.mul(S(0.9)), rtol: 1e-6, atol: 1e-7), conv);
        foreach (string norm in new[] { "1.weight", "1.bias", "3.weight", "3.bias" })
            Assert.Equal(moved[norm].Before.data<float>().ToArray(), moved[norm].After.data<float>().ToArray());
    }

    [Fact]
    public void WithoutWeightDecayNormEveryParameterDecaysInOneGroupAsBefore()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(3);
        var model = Model();
        using (var sgd = OptimizerParameters.CreateSgd(model, model.parameters(), new SolverConfig { WeightDecay = 0.1 }, 1.0))
            Assert.Single(sgd.ParamGroups);
        // Set to the same value, it is the same optimisation: one group.
        using (var sgd = OptimizerParameters.CreateSgd(model, model.parameters(), new SolverConfig { WeightDecay = 0.1, WeightDecayNorm = 0.1 }, 1.0))
            Assert.Single(sgd.ParamGroups);

        var moved = StepWithZeroGradients(model, new SolverConfig { Momentum = 0.9, WeightDecay = 0.1 });
        foreach (var (name, (before, after)) in moved)
            Assert.True(after.allclose(before.mul(S(0.9)), rtol: 1e-6, atol: 1e-7), name);
    }

    [Fact]
    public void OnlyTrainableParametersAreOptimised()
    {
        using var scope = NewDisposeScope();
        var model = Model();
        var trainable = model.named_parameters().Where(p => p.name.StartsWith('2') || p.name.StartsWith('3')).Select(p => p.parameter).ToList();
        using var sgd = OptimizerParameters.CreateSgd(model, trainable, new SolverConfig { WeightDecay = 0.1, WeightDecayNorm = 0.0 }, 1.0);
        Assert.Equal([2, 2], sgd.ParamGroups.Cast<TorchSharp.Modules.ParamGroup>().Select(g => g.Parameters.Count()));
    }

    [Fact]
    public void BothGroupsSurviveASaveAndLoad()
    {
        using var temp = TestPaths.Temp();
        using var scope = NewDisposeScope();
        random.manual_seed(3);
        var first = Model();
        var second = Model();
        var solver = new SolverConfig { Momentum = 0.9, WeightDecay = 0.1, WeightDecayNorm = 0.0 };
        var x = randn(2, 3, 6, 6);
        void Step(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer)
        {
            optimizer.zero_grad();
            model.call(x).pow(S(2)).mean().backward();
            optimizer.step();
        }

        using var a = OptimizerParameters.CreateSgd(first, first.parameters(), solver, 0.1);
        Step(first, a);
        second.load_state_dict(first.state_dict());
        OptimizerCheckpoint.Save(a, temp.File("optimizer.bin"));
        using var b = OptimizerParameters.CreateSgd(second, second.parameters(), solver, 0.1);
        OptimizerCheckpoint.Load(b, temp.File("optimizer.bin"));
        Step(first, a);
        Step(second, b);
        foreach (var ((name, expected), (_, actual)) in first.named_parameters().Zip(second.named_parameters()))
            Assert.True(actual.allclose(expected, rtol: 1e-6, atol: 1e-7), name);
    }
}
