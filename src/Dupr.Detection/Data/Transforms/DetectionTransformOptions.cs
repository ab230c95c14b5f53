using Dupr.Core.Config;

namespace Dupr.Detection.Data.Transforms;

/// <summary>
/// Detection data augmentation and input format. Defaults are the paper's VOC fine-tuning recipe
/// (MoCo's detectron2 config): short edge in 480..800 step 32 for training, 800 at test, long edge
/// at most 1333, flips with p = 0.5. Serialises as a config section (snake_case keys).
/// </summary>
public sealed class DetectionTransformOptions
{
    /// <summary>Training short-edge lengths (detectron2 INPUT.MIN_SIZE_TRAIN).</summary>
    [ConfigRange(Min = 1)]
    public int[] MinSizeTrain { get; set; } = [.. Enumerable.Range(0, 11).Select(i => 480 + 32 * i)];

    /// <summary>How the training length is drawn (INPUT.MIN_SIZE_TRAIN_SAMPLING).</summary>
    public ShortEdgeSampling MinSizeTrainSampling { get; set; } = ShortEdgeSampling.Choice;

    /// <summary>Training long-edge limit (INPUT.MAX_SIZE_TRAIN).</summary>
    [ConfigRange(Min = 1)]
    public int MaxSizeTrain { get; set; } = 1333;

    /// <summary>Test short edge (INPUT.MIN_SIZE_TEST).</summary>
    [ConfigRange(Min = 1)]
    public int MinSizeTest { get; set; } = 800;

    /// <summary>Test long-edge limit (INPUT.MAX_SIZE_TEST).</summary>
    [ConfigRange(Min = 1)]
    public int MaxSizeTest { get; set; } = 1333;

    /// <summary>Probability of a horizontal flip in training.</summary>
    [ConfigRange(Min = 0, Max = 1)]
    public double FlipProbability { get; set; } = 0.5;

    /// <summary>Per-channel mean in 0-255 units, in <see cref="ChannelOrder"/> (MODEL.PIXEL_MEAN).</summary>
    public float[] PixelMean { get; set; } = [123.675f, 116.280f, 103.530f];

    /// <summary>Per-channel std in 0-255 units (MODEL.PIXEL_STD).</summary>
    [ConfigRange(Min = 0, MinExclusive = true)]
    public float[] PixelStd { get; set; } = [58.395f, 57.120f, 57.375f];

    /// <summary>Channel order of the model input (INPUT.FORMAT).</summary>
    public ChannelOrder ChannelOrder { get; set; } = ChannelOrder.Rgb;

    /// <summary>Batched images are padded to a multiple of this (the backbone's largest stride).</summary>
    [ConfigRange(Min = 1)]
    public int SizeDivisibility { get; set; } = 32;

    /// <summary>The normalisation these options describe (derived, so not a config key: a run's config.json must load back).</summary>
    [Newtonsoft.Json.JsonIgnore]
    public PixelNormalization Normalization => new(PixelMean, PixelStd, ChannelOrder);
}
