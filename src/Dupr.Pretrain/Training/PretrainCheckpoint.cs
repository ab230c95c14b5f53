using Dupr.Core.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dupr.Pretrain.Training;

/// <summary>Checkpoints of a pre-training run (<see cref="RunCheckpoints{TState}"/>), whose trainer state is the iteration and the skipped pairs.</summary>
public sealed class PretrainCheckpoint
{
    sealed record TrainerState(long Iteration, long SkippedPairs);

    readonly RunCheckpoints<TrainerState> _checkpoints;

    /// <summary>Checkpoints under <paramref name="runDirectory"/>/checkpoints of a run started from <paramref name="origin"/>.</summary>
    public PretrainCheckpoint(string runDirectory, RunOrigin origin) => _checkpoints = new RunCheckpoints<TrainerState>(runDirectory, origin);

    /// <summary>The newest complete checkpoint folder, or null when there is none.</summary>
    public string? Latest => _checkpoints.Latest;

    /// <summary>Writes a checkpoint after <paramref name="iteration"/> steps and returns its folder.</summary>
    public string Save(nn.Module model, OptimizerHelper optimizer, long iteration, long skippedPairs) =>
        _checkpoints.Save(model, optimizer, iteration, new TrainerState(iteration, skippedPairs));

    /// <summary>Restores the latest checkpoint into <paramref name="model"/> and <paramref name="optimizer"/>; returns (iteration, skipped pairs).</summary>
    public (long Iteration, long SkippedPairs) Load(nn.Module model, OptimizerHelper optimizer)
    {
        var state = _checkpoints.Load(model, optimizer);
        return (state.Iteration, state.SkippedPairs);
    }
}
