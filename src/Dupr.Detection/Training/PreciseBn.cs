using Dupr.Core.Data;
using Dupr.Core.Modeling;
using Dupr.Core.Runtime;
using Dupr.Core.Training;
using Dupr.Detection.Config;
using Dupr.Detection.Data;
using Dupr.Detection.Data.Transforms;
using Dupr.Detection.Modeling.MetaArch;

namespace Dupr.Detection.Training;

/// <summary>
/// detectron2's PreciseBN hook in a fine-tuning run (test.precise_bn): recomputes the detector's BN statistics
/// (<see cref="PreciseBatchNorm"/>) over num_iter batches of the training data, as the trainer loads them, with the detector's
/// training forward (losses computed and dropped). The batches and the samplers' draws depend only on the seed and the
/// iteration, so a resumed run recomputes what the uninterrupted one did.
/// </summary>
public sealed class PreciseBn(PreciseBnSection settings, DataLoader<DetectionSample, DetectionBatch> trainingLoader, long seed,
                              Func<DetectionBatch, DetectionBatch> modelInput)
{
    bool _reportedNothingToDo;

    /// <summary>Recomputes <paramref name="model"/>'s BN statistics for the evaluation after <paramref name="iteration"/> steps (nothing when off).</summary>
    public void Run(Detector model, long iteration, CancellationToken cancellation)
    {
        if (!settings.Enabled) return;
        if (PreciseBatchNorm.Layers(model).Count == 0)
        {
            if (!_reportedNothingToDo) Log.Info("test.precise_bn: the detector has no BN layer with batch statistics (FrozenBN or GN): nothing to recompute");
            _reportedNothingToDo = true;
            return;
        }
        // The step seed of iteration -1 - N, which no training step uses: batches and sampler draws of their own.
        int preciseSeed = TrainingLoop.StepSeed(seed, -1 - iteration);
        Seeding.SeedAll(preciseSeed);
        var loader = trainingLoader.WithSeed(preciseSeed);
        int layers = PreciseBatchNorm.Update(model, loader.Stream(0, cancellation), settings.NumIter, batch => model.Losses(modelInput(batch)));
        Log.Info($"precise BN at iteration {iteration}: running statistics of {layers} BN layers averaged over {settings.NumIter} training batches");
    }
}
