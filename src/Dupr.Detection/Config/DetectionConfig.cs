using Dupr.Core.Runtime;
using Dupr.Core.Training;
using Dupr.Detection.Data.Transforms;

namespace Dupr.Detection.Config;

/// <summary>
/// A full detection fine-tuning recipe: backbone, anchors, RPN, ROI heads, input sizes, solver and batch. Defaults are
/// detectron2's Faster R-CNN R50-C4 1x (the configs in configs/detection set the paper's recipes).
/// </summary>
public sealed class DetectionConfig
{
    /// <summary>Which detector to build (Faster R-CNN C4 unless the config says otherwise).</summary>
    public DetectorArchitecture Architecture { get; set; } = DetectorArchitecture.FasterRcnnC4;

    /// <summary>The image sets to train and test on (VOC or COCO), and the class names.</summary>
    public DatasetSection Datasets { get; set; } = new();

    public ResNetSection Backbone { get; set; } = new();
    public AnchorSection Anchors { get; set; } = new();
    public RpnSection Rpn { get; set; } = new();
    public RoiHeadsSection RoiHeads { get; set; } = new();

    /// <summary>RetinaNet's head, losses, inference and FPN (used when <see cref="Architecture"/> is RetinaNet).</summary>
    [Newtonsoft.Json.JsonProperty("retinanet")]
    public RetinaNetSection RetinaNet { get; set; } = new();

    /// <summary>The feature pyramid of the FPN detectors.</summary>
    public FpnSection Fpn { get; set; } = new();

    /// <summary>The FPN detectors' box head (the C4 detectors' box head is res5).</summary>
    public BoxHeadSection BoxHead { get; set; } = new();

    /// <summary>The Mask R-CNN mask head.</summary>
    public MaskHeadSection MaskHead { get; set; } = new();

    /// <summary>Resizing, flips, pixel normalisation and padding of the input images.</summary>
    public DetectionTransformOptions Input { get; set; } = new();

    /// <summary>detectron2's 1x schedule: lr 0.02 for 16 images, 90k iterations, steps 60k / 80k, warm-up 1000.</summary>
    public SolverConfig Solver { get; set; } = new();

    public DetectionTrainSection Train { get; set; } = new();

    /// <summary>What runs before each evaluation: precise BN.</summary>
    public DetectionTestSection Test { get; set; } = new();

    /// <summary>True for the detectors on a C4 backbone (RPN and box head on res4).</summary>
    public bool IsC4() => Architecture is DetectorArchitecture.FasterRcnnC4 or DetectorArchitecture.MaskRcnnC4;

    /// <summary>Object classes of the configured detector (retinanet.num_classes for RetinaNet, else roi_heads.num_classes).</summary>
    public int ClassCount() => Architecture == DetectorArchitecture.RetinaNet ? RetinaNet.NumClasses : RoiHeads.NumClasses;

    /// <summary>The setting <see cref="ClassCount"/> reads, for error messages.</summary>
    public string ClassCountKey() => Architecture == DetectorArchitecture.RetinaNet ? "retinanet.num_classes" : "roi_heads.num_classes";

    /// <summary>True for the two-stage detectors on a feature pyramid (RPN on P2..P6, box head on P2..P5).</summary>
    public bool IsRcnnFpn() => Architecture is DetectorArchitecture.FasterRcnnFpn or DetectorArchitecture.MaskRcnnFpn;

    /// <summary>Throws <see cref="DuprException"/> naming the first setting the detector cannot use.</summary>
    public void Validate()
    {
        if (IsC4()) ValidateC4();
        if (Architecture == DetectorArchitecture.RetinaNet) RetinaNet.Validate(Anchors, Backbone);
        if (IsRcnnFpn()) ValidateRcnnFpn();
        if (Architecture.PredictsMasks()) MaskHead.Validate();
        if (RoiHeads.NumClasses < 1) throw new DuprException($"roi_heads.num_classes must be positive, got {RoiHeads.NumClasses}");
        if (Rpn.BboxRegWeights.Count != 4 || RoiHeads.BboxRegWeights.Count != 4)
            throw new DuprException("rpn.bbox_reg_weights and roi_heads.bbox_reg_weights need 4 values (wx, wy, ww, wh)");
        Datasets.Validate();
        if (Datasets.ClassNames.Count > 0 && Datasets.ClassNames.Count != ClassCount())
            throw new DuprException($"datasets.class_names has {Datasets.ClassNames.Count} names but {ClassCountKey()} is {ClassCount()}");
        if (Train.BatchSize < 1) throw new DuprException($"train.batch_size must be positive, got {Train.BatchSize}");
        if (Train.Accumulation < 1 || Train.BatchSize % Train.Accumulation != 0)
            throw new DuprException($"train.batch_size ({Train.BatchSize}) must be a positive multiple of train.accumulation ({Train.Accumulation})");
        if (Train.EvalPeriod < 0) throw new DuprException($"train.eval_period must be 0 (only at the end) or positive, got {Train.EvalPeriod}");
        if (Solver.MaxIter < 1) throw new DuprException($"solver.max_iter must be positive, got {Solver.MaxIter}");
    }

    void ValidateC4()
    {
        Backbone.ToC4Config().Validate();
        if (Rpn.InFeatures is not ["res4"] || RoiHeads.InFeatures is not ["res4"])
            throw new DuprException("the C4 detector needs rpn.in_features and roi_heads.in_features = [\"res4\"]");
        if (Anchors.Sizes.Count != 1) throw new DuprException($"anchors.sizes: the C4 detector has one level, got {Anchors.Sizes.Count} lists");
        if (Anchors.AspectRatios.Count != 1) throw new DuprException($"anchors.aspect_ratios: the C4 detector has one level, got {Anchors.AspectRatios.Count} lists");
    }

    void ValidateRcnnFpn()
    {
        Backbone.ToFpnConfig(Fpn.InFeatures).Validate();
        Fpn.Validate();
        BoxHead.Validate();
        var levels = Fpn.Levels().Select(l => l.Name).ToList();
        string outputs = $"the FPN outputs {string.Join(", ", levels)} (fpn.in_features and fpn.top_block)";
        var rpn = LevelIndices(Rpn.InFeatures, levels, "rpn.in_features", outputs);
        if (Anchors.Sizes.Count != 1 && Anchors.Sizes.Count != rpn.Count)
            throw new DuprException($"anchors.sizes: one list for every level or one per rpn.in_features level ({rpn.Count}), got {Anchors.Sizes.Count} lists");
        if (Anchors.AspectRatios.Count != 1 && Anchors.AspectRatios.Count != rpn.Count)
            throw new DuprException($"anchors.aspect_ratios: one list for every level or one per rpn.in_features level ({rpn.Count}), got {Anchors.AspectRatios.Count} lists");
        // The RPN head is shared by every level, so every level needs as many anchors per location.
        var perLevel = Enumerable.Range(0, rpn.Count)
            .Select(i => Anchors.Sizes[Math.Min(i, Anchors.Sizes.Count - 1)].Count * Anchors.AspectRatios[Math.Min(i, Anchors.AspectRatios.Count - 1)].Count);
        if (perLevel.Distinct().Count() != 1)
            throw new DuprException("anchors.sizes and anchors.aspect_ratios must give every level as many anchors (the RPN head is shared)");
        var roi = LevelIndices(RoiHeads.InFeatures, levels, "roi_heads.in_features", outputs);
        // The ROI pooler maps boxes to consecutive pyramid levels.
        for (int i = 1; i < roi.Count; i++)
            if (roi[i] != roi[i - 1] + 1)
                throw new DuprException($"roi_heads.in_features must be consecutive pyramid levels, finest first; got [{string.Join(", ", RoiHeads.InFeatures)}]");
        if (RoiHeads.PoolerResolution < 1) throw new DuprException($"roi_heads.pooler_resolution must be positive, got {RoiHeads.PoolerResolution}");
        int stride = Fpn.Levels()[Fpn.InFeatures.Count - 1].Stride;
        if (Input.SizeDivisibility % stride != 0)
            throw new DuprException($"input.size_divisibility must be a multiple of the FPN's coarsest input stride {stride}, got {Input.SizeDivisibility}");
    }

    // Positions of the named levels among the FPN outputs, which must be distinct and finest first.
    static List<int> LevelIndices(List<string> features, List<string> levels, string key, string outputs)
    {
        if (features.Count == 0) throw new DuprException($"{key} is empty");
        var indices = new List<int>();
        foreach (string feature in features)
        {
            int index = levels.IndexOf(feature);
            if (index < 0) throw new DuprException($"{key}: '{feature}' is not one of {outputs}");
            if (indices.Count > 0 && index <= indices[^1]) throw new DuprException($"{key} must be distinct levels, finest first; got [{string.Join(", ", features)}]");
            indices.Add(index);
        }
        return indices;
    }
}
