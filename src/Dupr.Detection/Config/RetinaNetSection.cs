using Dupr.Core.Config;
using Dupr.Core.Modeling;
using Dupr.Core.Runtime;

namespace Dupr.Detection.Config;

/// <summary>
/// RetinaNet settings (detectron2's MODEL.RETINANET, TEST.DETECTIONS_PER_IMAGE) and the FPN it runs on (MODEL.FPN);
/// defaults are detectron2's defaults.py, except the box loss beta, which configs set as Base-RetinaNet.yaml does.
/// </summary>
public sealed class RetinaNetSection
{
    /// <summary>Object classes (no background class: sigmoid scores per class).</summary>
    public int NumClasses { get; set; } = 80;

    /// <summary>Backbone features the FPN's lateral connections take, finest first (res3..res5 give P3..P7 with the P6/P7 block).</summary>
    public List<string> FpnInFeatures { get; set; } = ["res3", "res4", "res5"];

    /// <summary>Channels of every pyramid level, and of the head's convolutions.</summary>
    public int FpnOutChannels { get; set; } = 256;

    /// <summary>Norm of the FPN convolutions: None (detectron2's default) or BN / GN (the paper normalises the new FPN, as MoCo does).</summary>
    public NormKind FpnNorm { get; set; } = NormKind.None;

    /// <summary>conv3x3 + ReLU layers in each of the classification and box subnets.</summary>
    public int NumConvs { get; set; } = 4;

    /// <summary>Norm after each subnet convolution, shared by every level: None (detectron2's default), GN or BN.</summary>
    public NormKind Norm { get; set; } = NormKind.None;

    /// <summary>Initial foreground probability of every classifier output (sets the cls_score bias).</summary>
    public double PriorProb { get; set; } = 0.01;

    /// <summary>IoU bounds between the anchor labels below.</summary>
    public List<double> IouThresholds { get; set; } = [0.4, 0.5];

    /// <summary>Anchor label per IoU band: 0 background, -1 ignored, 1 foreground (each ground truth's best anchors are foreground too).</summary>
    public List<long> IouLabels { get; set; } = [0, -1, 1];

    /// <summary>Box coder weights (wx, wy, ww, wh) of the anchor deltas.</summary>
    public List<double> BboxRegWeights { get; set; } = [1, 1, 1, 1];

    /// <summary>Focal loss weight of the foreground term (the background term gets 1 - alpha).</summary>
    public double FocalLossAlpha { get; set; } = 0.25;

    /// <summary>Focal loss focusing exponent.</summary>
    public double FocalLossGamma { get; set; } = 2.0;

    /// <summary>Smooth L1 beta of the box loss (detectron2's SMOOTH_L1_LOSS_BETA: 0.1 in defaults.py, 0 = L1 in Base-RetinaNet.yaml).</summary>
    public double SmoothL1Beta { get; set; } = 0.1;

    /// <summary>Candidates scoring at or below this are dropped at test time.</summary>
    [ConfigRange(Min = 0, Max = 1)]
    public double ScoreThreshTest { get; set; } = 0.05;

    /// <summary>Highest-scoring (anchor, class) candidates kept per level before NMS at test time.</summary>
    public int TopkCandidatesTest { get; set; } = 1000;

    /// <summary>IoU above which per-class NMS (across levels) drops a lower-scoring detection.</summary>
    [ConfigRange(Min = 0, Max = 1)]
    public double NmsThreshTest { get; set; } = 0.5;

    /// <summary>Detections kept per image at test time.</summary>
    public int DetectionsPerImage { get; set; } = 100;

    /// <summary>The bottom-up ResNet: <paramref name="backbone"/>'s settings, stages up to the last FPN input.</summary>
    public ResNetConfig BottomUpConfig(ResNetSection backbone) => new()
    {
        Depth = backbone.Depth, Width = backbone.Width, Norm = backbone.Norm, FreezeAt = backbone.FreezeAt,
        OutFeatures = [.. FpnInFeatures], OnlyUpToOutFeatures = true,
    };

    /// <summary>The pyramid: laterals on <see cref="FpnInFeatures"/>, P6 and P7 from the last of them (detectron2's LastLevelP6P7 on res5).</summary>
    public FpnConfig ToFpnConfig() => new()
    {
        InFeatures = [.. FpnInFeatures], OutChannels = FpnOutChannels, Norm = FpnNorm, TopBlock = FpnTopBlock.P6P7,
    };

    /// <summary>Pyramid levels the head runs on: one per FPN input plus P6 and P7.</summary>
    public int LevelCount() => FpnInFeatures.Count + 2;

    /// <summary>Throws <see cref="DuprException"/> naming the first setting RetinaNet cannot use (with <paramref name="anchors"/> and <paramref name="backbone"/>).</summary>
    public void Validate(AnchorSection anchors, ResNetSection backbone)
    {
        if (NumClasses < 1) throw new DuprException($"retinanet.num_classes must be positive, got {NumClasses}");
        string[] stages = ["res2", "res3", "res4", "res5"];
        if (FpnInFeatures.Count == 0 || FpnInFeatures.Any(f => !stages.Contains(f)) || !FpnInFeatures.SequenceEqual(stages.Where(FpnInFeatures.Contains)))
            throw new DuprException($"retinanet.fpn_in_features must be distinct ResNet stages (res2..res5) finest first, got [{string.Join(", ", FpnInFeatures)}]");
        if (FpnNorm == NormKind.FrozenBN) throw new DuprException("retinanet.fpn_norm must be None, BN, SyncBN or GN: a new FPN has no statistics to freeze");
        if (FpnNorm == NormKind.GN && FpnOutChannels % Norms.GroupNormGroups != 0)
            throw new DuprException($"retinanet.fpn_norm GN needs fpn_out_channels divisible by {Norms.GroupNormGroups}, got {FpnOutChannels}");
        BottomUpConfig(backbone).Validate();
        ToFpnConfig().Validate();
        if (NumConvs < 0) throw new DuprException($"retinanet.num_convs must not be negative, got {NumConvs}");
        if (Norm == NormKind.FrozenBN) throw new DuprException("retinanet.norm must be None, BN, SyncBN or GN: a new head has no statistics to freeze");
        if (Norm == NormKind.GN && FpnOutChannels % Norms.GroupNormGroups != 0)
            throw new DuprException($"retinanet.norm GN needs fpn_out_channels divisible by {Norms.GroupNormGroups}, got {FpnOutChannels}");
        if (!(PriorProb is > 0 and < 1)) throw new DuprException($"retinanet.prior_prob must be in (0, 1), got {PriorProb}");
        if (IouLabels.Count != IouThresholds.Count + 1)
            throw new DuprException($"retinanet.iou_labels needs {IouThresholds.Count + 1} labels for {IouThresholds.Count} thresholds, got {IouLabels.Count}");
        if (IouLabels.Any(l => l is not (-1 or 0 or 1))) throw new DuprException("retinanet.iou_labels must be -1, 0 or 1");
        if (IouThresholds.Count == 0 || IouThresholds.Zip(IouThresholds.Skip(1)).Any(p => p.Second < p.First))
            throw new DuprException("retinanet.iou_thresholds must be one or more non-decreasing values");
        if (BboxRegWeights.Count != 4 || BboxRegWeights.Any(w => !(w > 0)))
            throw new DuprException("retinanet.bbox_reg_weights needs 4 positive values (wx, wy, ww, wh)");
        if (FocalLossGamma < 0) throw new DuprException($"retinanet.focal_loss_gamma must not be negative, got {FocalLossGamma}");
        if (FocalLossAlpha > 1) throw new DuprException($"retinanet.focal_loss_alpha must be at most 1 (negative: no weighting), got {FocalLossAlpha}");
        if (SmoothL1Beta < 0) throw new DuprException($"retinanet.smooth_l1_beta must not be negative, got {SmoothL1Beta}");
        if (TopkCandidatesTest < 1) throw new DuprException($"retinanet.topk_candidates_test must be positive, got {TopkCandidatesTest}");
        if (DetectionsPerImage < 1) throw new DuprException($"retinanet.detections_per_image must be positive, got {DetectionsPerImage}");
        ValidateAnchors(anchors);
    }

    // The head is shared by every level, so each level needs the same number of anchors per location (detectron2 asserts it).
    void ValidateAnchors(AnchorSection anchors)
    {
        int levels = LevelCount();
        foreach (var (lists, key) in new[] { (anchors.Sizes, "anchors.sizes"), (anchors.AspectRatios, "anchors.aspect_ratios") })
        {
            if (lists.Count != 1 && lists.Count != levels)
                throw new DuprException($"{key}: RetinaNet has {levels} levels (P3..P7 for res3..res5); give one list or {levels}, got {lists.Count}");
            if (lists.Any(l => l.Count == 0 || l.Any(v => !(v > 0)))) throw new DuprException($"{key}: every list needs positive values");
        }
        var perLevel = Enumerable.Range(0, levels)
            .Select(i => anchors.Sizes[anchors.Sizes.Count == 1 ? 0 : i].Count * anchors.AspectRatios[anchors.AspectRatios.Count == 1 ? 0 : i].Count)
            .Distinct().Count();
        if (perLevel != 1) throw new DuprException("anchors: every level needs the same number of sizes x aspect ratios (the head is shared)");
        if (anchors.Offset is < 0 or >= 1) throw new DuprException($"anchors.offset must be in [0, 1), got {anchors.Offset}");
    }
}
