using Dupr.Core.Modeling;
using Dupr.Core.Runtime;
using Dupr.Core.Training;
using Dupr.Tests;
using TorchSharp.Modules;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Core.Tests.Training;

// Joins NonParallel: both runs' layers must start from the same draws of torch's global generator.
[Collection(NonParallel.Name)]
public class LossScalerTests
{
    sealed record State(long Iteration);

    // One fp16 (or fp32) run of a linear layer: the gradient of sum(layer(x)) * lossFactor, one optimiser step.
    static (float[] Weights, IReadOnlyList<(string Name, double Value)> Columns) Step(TrainerRun<State> session, AutocastLinear layer, Sgd sgd, double lossFactor)
    {
        using var scope = NewDisposeScope();
        sgd.zero_grad();
        session.Backward(layer.call(ones(2, 3)).sum().mul(S(lossFactor)));
        session.EndStep(new TrainingStep(0), sgd);
        return (layer.Weight.data<float>().ToArray(), session.StepColumns);
    }

    sealed class OneImageSteps() : TrainSectionBase(batchSize: 1, workers: 0);

    static (TrainerRun<State>, AutocastLinear, Sgd) Open(TempDirectory temp, Precision precision)
    {
        var solver = new SolverConfig { BaseLr = 0.1, Momentum = 0.9, WeightDecay = 1e-4 };
        var session = TrainerRun<State>.Open(temp.Path, solver, new OneImageSteps { Precision = precision }, new RunOrigin(0, "data"), resume: false);
        manual_seed(1);
        var layer = new AutocastLinear(3, 2);
        return (session, layer, session.Optimizer(layer, layer.parameters(), solver, 0.1));
    }

    [Fact]
    public void Fp16SkipsAStepWhoseGradientsOverflowAndThenStepsAsFloat32()
    {
        using var fp16Folder = TestPaths.Temp();
        using var fp32Folder = TestPaths.Temp();
        var (session, layer, sgd) = Open(fp16Folder, Precision.Fp16);
        var (reference, referenceLayer, referenceSgd) = Open(fp32Folder, Precision.Fp32);
        float[] start = layer.Weight.data<float>().ToArray();

        // 1e36 x the initial scale 65536 overflows float32: the step is skipped, weights (and momentum) untouched.
        var (afterOverflow, columns) = Step(session, layer, sgd, 1e36);
        Assert.Equal(start, afterOverflow);
        Assert.Equal(("loss_scale", LossScaler.InitialScale / 2), columns.Single());

        // A normal step: the scale (a power of two) divides out exactly, so fp16's step is float32's.
        var (weights, _) = Step(session, layer, sgd, 1);
        var (referenceWeights, referenceColumns) = Step(reference, referenceLayer, referenceSgd, 1);
        Assert.NotEqual(start, weights);
        Assert.Equal(referenceWeights, weights);
        Assert.Empty(referenceColumns);
        layer.Dispose();
        referenceLayer.Dispose();
        sgd.Dispose();
        referenceSgd.Dispose();
    }

    [Fact]
    public void TheScaleDoublesAfterTheGrowthIntervalOfGoodSteps()
    {
        using var scope = NewDisposeScope();
        var parameter = new Parameter(ones(2));
        var scaler = new LossScaler();
        for (int i = 0; i < LossScaler.GrowthInterval; i++)
        {
            parameter.grad = ones(2);
            Assert.True(scaler.UnscaleAndUpdate([parameter]));
        }
        Assert.Equal(LossScaler.InitialScale * 2, scaler.Scale);
        parameter.grad = full(2, S(float.NaN));
        Assert.False(scaler.UnscaleAndUpdate([parameter]));
        Assert.Equal((LossScaler.InitialScale, 0), (scaler.Scale, scaler.GoodSteps));
    }

    [Fact]
    public void TheScaleIsSavedWithACheckpointAndRestored()
    {
        using var temp = TestPaths.Temp();
        var saved = new LossScaler();
        using var parameter = new Parameter(ones(2));
        parameter.grad = full(2, S(float.PositiveInfinity));
        saved.UnscaleAndUpdate([parameter]);
        var checkpoints = new RunCheckpoints<State>(temp.Path, new RunOrigin(0, "data")) { Scaler = saved };
        using var model = new AutocastLinear(2, 1);
        using var sgd = new Sgd(model.parameters(), 0.1);
        checkpoints.Save(model, sgd, 3, new State(3));

        var restored = new LossScaler();
        var reader = new RunCheckpoints<State>(temp.Path, new RunOrigin(0, "data")) { Scaler = restored };
        Assert.Equal(3, reader.Load(model, sgd).Iteration);
        Assert.Equal(LossScaler.InitialScale / 2, restored.Scale);

        var error = Assert.Throws<DuprException>(() => restored.Restore(new Newtonsoft.Json.Linq.JObject { ["scale"] = -1, ["good_steps"] = 0 }, "state.json"));
        Assert.StartsWith("state.json: loss_scaler needs a positive scale", error.Message);
    }
}
