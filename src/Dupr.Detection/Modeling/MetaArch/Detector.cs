using Dupr.Core.Checkpoints;
using Dupr.Core.Runtime;
using TorchSharp.Modules;
using Dupr.Detection.Config;
using Dupr.Detection.Data.Transforms;
using static TorchSharp.torch;

namespace Dupr.Detection.Modeling.MetaArch;

/// <summary>
/// What every detector offers the trainer and inference: the losses of a batch, and each image's detections in its
/// original pixels. Inputs are normalised, padded batches (<see cref="DetectionBatch"/>).
/// </summary>
public abstract class Detector : nn.Module
{
    protected Detector(string name, DetectionConfig config) : base(name)
    {
        config.Validate();
        Config = config;
    }

    /// <summary>The configuration the detector was built from.</summary>
    public DetectionConfig Config { get; }

    /// <summary>Where a torchvision-named ResNet checkpoint's keys go in this detector (null: drop the key).</summary>
    public abstract KeyMapper BackbonePlacement { get; }

    /// <summary>The training losses of a batch by name; call in training mode.</summary>
    public abstract Dictionary<string, Tensor> Losses(DetectionBatch batch);

    /// <summary>The sum of a batch's <paramref name="losses"/>: what a step back-propagates.</summary>
    public static Tensor Total(IReadOnlyDictionary<string, Tensor> losses) => losses.Values.Aggregate((a, b) => a.add(b, Scalars.One));

    /// <summary>
    /// One plain optimiser step on <paramref name="batch"/> (gradients cleared, losses, backward, step) inside the caller's
    /// dispose scope; returns the total loss. The trainer's step adds accumulation, rank averaging and logging to this.
    /// </summary>
    public Tensor TrainStep(DetectionBatch batch, OptimizerHelper optimizer)
    {
        optimizer.zero_grad();
        var total = Total(Losses(batch));
        total.backward();
        optimizer.step();
        return total;
    }

    /// <summary>Each image's detections in its original pixels (<see cref="Data.DetectionSample.OriginalSize"/>); call in eval mode.</summary>
    public abstract Detections[] Inference(DetectionBatch batch);

    /// <summary>Throws unless the model is in training mode.</summary>
    protected void EnsureTraining()
    {
        if (!training) throw new InvalidOperationException("Losses needs the model in training mode");
    }

    /// <summary>Throws unless the model is in eval mode.</summary>
    protected void EnsureEval()
    {
        if (training) throw new InvalidOperationException("Inference needs the model in eval mode");
    }
}
