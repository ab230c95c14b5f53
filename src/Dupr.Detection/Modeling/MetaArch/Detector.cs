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
    public Dictionary<string, Tensor> Losses(DetectionBatch batch)
    {
        if (!training) throw new InvalidOperationException("Losses needs the model in training mode");
        using var scope = NewDisposeScope();
        var losses = ComputeLosses(batch);
        scope.MoveToOuter(losses.Values);
        return losses;
    }

    /// <summary>What <see cref="Losses"/> returns, inside its dispose scope.</summary>
    protected abstract Dictionary<string, Tensor> ComputeLosses(DetectionBatch batch);

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

    /// <summary>
    /// Each image's detections in its original pixels (<see cref="Data.DetectionSample.OriginalSize"/>), with Mask R-CNN's
    /// masks pasted as [K, H, W] uint8; call in eval mode.
    /// </summary>
    public Detections[] Inference(DetectionBatch batch)
    {
        if (training) throw new InvalidOperationException("Inference needs the model in eval mode");
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var result = DetectorPostprocess.Rescale(Detect(batch), batch);
        foreach (var d in result) scope.MoveToOuter(d.Tensors);
        return result;
    }

    /// <summary>Each image's detections in the pixels of its unpadded network input (<see cref="DetectionBatch.ImageSizes"/>), without gradients, inside <see cref="Inference"/>'s dispose scope.</summary>
    protected abstract IReadOnlyList<Detections> Detect(DetectionBatch batch);
}
