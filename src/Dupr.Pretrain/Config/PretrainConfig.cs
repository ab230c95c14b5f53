using Dupr.Core.Config;
using Dupr.Core.Training;
using Dupr.Pretrain.Data;

namespace Dupr.Pretrain.Config;

/// <summary>A full pre-training recipe: backbone, DUPR/MoCo v2 losses, views, batch and solver. Defaults = the paper's DUPR main recipe.</summary>
public sealed class PretrainConfig
{
    public BackboneSection Model { get; set; } = new();
    public ContrastSection Contrast { get; set; } = new();
    /// <summary>How the two views are made: MoCo v2's pipeline, plus RandAugment (2 ops) in the paper's main recipe.</summary>
    public ViewAugmentationOptions Views { get; set; } = ViewAugmentationOptions.MocoV2WithRandAugment();
    public TrainSection Train { get; set; } = new();

    /// <summary>SGD lr 0.06 per 256 images, cosine decay per iteration, no warm-up (paper 3.2.3).</summary>
    public SolverConfig Solver { get; set; } = new()
    {
        BaseLr = 0.06, ReferenceBatchSize = 256, Momentum = 0.9, WeightDecay = 1e-4,
        Policy = LrPolicy.Cosine, Steps = [], WarmupIters = 0, MaxIter = 0, CheckpointPeriod = 1000,
    };
}

/// <summary>The ResNet being pre-trained.</summary>
public sealed class BackboneSection
{
    /// <summary>18, 34, 50 or 101.</summary>
    public int Depth { get; set; } = 50;

    /// <summary>Stem width (64 in every standard ResNet; smaller only for tiny test models).</summary>
    [ConfigRange(Min = 1)]
    public int Width { get; set; } = 64;
}

/// <summary>The contrastive objective (paper eq. 2, 7, 8): per-level weights, RoI sizes, temperature, banks.</summary>
public sealed class ContrastSection
{
    /// <summary>The feature levels alpha, beta and roi_size index: conv2_x..conv5_x.</summary>
    public static IReadOnlyList<string> Levels { get; } = ["res2", "res3", "res4", "res5"];

    /// <summary>The position m of a level name in <see cref="Levels"/>.</summary>
    public static int LevelIndex(string level) => Levels.ToList().IndexOf(level);

    /// <summary>alpha_m: image-level loss weights for conv2_x..conv5_x.</summary>
    [ConfigRange(Min = 0)]
    public List<double> Alpha { get; set; } = [0.1, 0.4, 0.7, 1.0];

    /// <summary>beta_m: patch-level loss weights for conv2_x..conv5_x (0 = no patch head at that level).</summary>
    [ConfigRange(Min = 0)]
    public List<double> Beta { get; set; } = [0, 0, 1, 1];

    /// <summary>S per level: the patch grid of RoIAlign over the views' intersection (14 on conv4_x, 7 on conv5_x).</summary>
    [ConfigRange(Min = 1)]
    public List<int> RoiSize { get; set; } = [56, 28, 14, 7];

    /// <summary>tau: 0.15 for the main experiments, 0.2 for ablations and MoCo v2.</summary>
    [ConfigRange(Min = 0, MinExclusive = true)]
    public double Temperature { get; set; } = 0.15;

    /// <summary>K: keys in each memory bank (one bank per loss term).</summary>
    [ConfigRange(Min = 1)]
    public int QueueSize { get; set; } = 65536;

    /// <summary>m: momentum of the key encoder.</summary>
    [ConfigRange(Min = 0, Max = 1)]
    public double Momentum { get; set; } = 0.999;

    /// <summary>Projection output dimension.</summary>
    [ConfigRange(Min = 1)]
    public int Dim { get; set; } = 128;

    /// <summary>Patch keys enqueued per batch, sampled over images and positions (paper 3.2.3: 32).</summary>
    [ConfigRange(Min = 0)]
    public int PatchKeysPerBatch { get; set; } = 32;

    /// <summary>
    /// A planted fault, off in every recipe: pair each query position with the key of a randomly permuted position of the same
    /// image (wrong correspondences), so that `dupr bench check` can be shown to catch a patch loss that learns the wrong thing.
    /// </summary>
    public bool ShufflePatchPositives { get; set; }

    /// <summary>Eq. 7 sums the patch loss over positions; false averages instead.</summary>
    public bool PatchLossSum { get; set; } = true;

    /// <summary>
    /// Fill the memory banks with keys of real views before the first step (a key-encoder pass over K / batch size
    /// batches of views no training epoch draws) instead of MoCo's random unit vectors. Off in the paper's recipes (MoCo's
    /// behaviour); on in the CPU-scale minis, whose runs are too short for the random start to wash out.
    /// </summary>
    public bool FillQueuesAtStart { get; set; }

    /// <summary>
    /// Sub-batches with their own BN statistics in both encoders, keys shuffled across them (single-device shuffle-BN; 8 = the
    /// paper's 8 GPUs). They are formed per micro-batch (train.accumulation): batch_size / (accumulation x groups) images each.
    /// </summary>
    [ConfigRange(Min = 1)]
    public int ShuffleBnGroups { get; set; } = 8;
}

/// <summary>Batch, length and logging of a pre-training run (MoCo's 256 images by default).</summary>
/// <remarks>
/// Accumulation: each micro-batch is one forward, so its shuffle-BN groups (contrast.shuffle_bn_groups) and the key shuffle
/// stay inside it and BN sees batch_size / (accumulation x groups) images (accumulation 4 at 256 images and 8 groups: 8
/// instead of the paper's 32 per GPU); dividing shuffle_bn_groups by the accumulation keeps the paper's group size, but with
/// g groups a key's BN batch shares about 1/g of its images with its query's, so fewer groups weaken the shuffle (README,
/// "Shuffle-BN under accumulation"). The memory banks get every micro-batch's keys after the step, as one batch's.
/// </remarks>
public sealed class TrainSection() : TrainSectionBase(batchSize: 256, workers: 8)
{
    /// <summary>Epochs over the unlabeled set; used when <see cref="SolverConfig.MaxIter"/> is 0.</summary>
    [ConfigRange(Min = 1)]
    public int Epochs { get; set; } = 200;

    /// <summary>
    /// Probe the backbone (kNN on a labeled set's object crops, as solo-learn's online monitor) before the first step and every
    /// this many iterations, a multiple of <see cref="LogPeriod"/>; 0: never. Needs the labeled set (`dupr pretrain --probe-config --probe-data`).
    /// </summary>
    [ConfigRange(Min = 0)]
    public int ProbePeriod { get; set; }
}
