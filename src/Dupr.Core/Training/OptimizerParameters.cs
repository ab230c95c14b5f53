using Dupr.Core.Modeling;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dupr.Core.Training;

/// <summary>The SGD a trainer steps, with its parameters grouped as detectron2's get_default_optimizer_params groups them.</summary>
public static class OptimizerParameters
{
    /// <summary>
    /// SGD over <paramref name="trainable"/> at <paramref name="learningRate"/> with <paramref name="solver"/>'s momentum and weight
    /// decay: one group, or, when solver.weight_decay_norm is set and differs from solver.weight_decay, the trainable parameters
    /// of <paramref name="model"/>'s norm layers (<see cref="Norms.IsNorm"/>) in a second group that decays by it.
    /// </summary>
    public static Sgd CreateSgd(nn.Module model, IEnumerable<Parameter> trainable, SolverConfig solver, double learningRate)
    {
        var parameters = trainable.ToList();
        if (solver.WeightDecayNorm is not double normDecay || normDecay == solver.WeightDecay)
            return new Sgd(parameters, learningRate, solver.Momentum, weightDecay: solver.WeightDecay);
        var norm = NormParameterHandles(model);
        var groups = new[]
        {
            new SGD.ParamGroup(parameters.Where(p => !norm.Contains(p.Handle)).ToList(), new SGD.Options { weight_decay = solver.WeightDecay }),
            new SGD.ParamGroup(parameters.Where(p => norm.Contains(p.Handle)).ToList(), new SGD.Options { weight_decay = normDecay }),
        };
        return new Sgd(groups.Where(g => g.Parameters.Any()), learningRate, solver.Momentum, weightDecay: solver.WeightDecay);
    }

    static HashSet<IntPtr> NormParameterHandles(nn.Module model) =>
        model.modules().Where(Norms.IsNorm).SelectMany(m => m.parameters(recurse: false)).Select(p => p.Handle).ToHashSet();
}
