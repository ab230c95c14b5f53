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

    /// <summary>Resizing, flips, pixel normalisation and padding of the input images.</summary>
    public DetectionTransformOptions Input { get; set; } = new();

    /// <summary>detectron2's 1x schedule: lr 0.02 for 16 images, 90k iterations, steps 60k / 80k, warm-up 1000.</summary>
    public SolverConfig Solver { get; set; } = new();

    public DetectionTrainSection Train { get; set; } = new();

    /// <summary>True for the detectors on a C4 backbone (RPN and box head on res4).</summary>
    public bool IsC4() => Architecture is DetectorArchitecture.FasterRcnnC4 or DetectorArchitecture.MaskRcnnC4;

    /// <summary>Object classes of the configured detector (retinanet.num_classes for RetinaNet, else roi_heads.num_classes).</summary>
    public int ClassCount() => Architecture == DetectorArchitecture.RetinaNet ? RetinaNet.NumClasses : RoiHeads.NumClasses;

    /// <summary>The setting <see cref="ClassCount"/> reads, for error messages.</summary>
    public string ClassCountKey() => Architecture == DetectorArchitecture.RetinaNet ? "retinanet.num_classes" : "roi_heads.num_classes";

    /// <summary>Throws <see cref="DuprException"/> naming the first setting the detector cannot use.</summary>
    public void Validate()
    {
        if (IsC4()) ValidateC4();
        if (Architecture == DetectorArchitecture.RetinaNet) RetinaNet.Validate(Anchors, Backbone);
        if (RoiHeads.NumClasses < 1) throw new DuprException($"roi_heads.num_classes must be positive, got {RoiHeads.NumClasses}");
        if (Rpn.BboxRegWeights.Count != 4 || RoiHeads.BboxRegWeights.Count != 4)
            throw new DuprException("rpn.bbox_reg_weights and roi_heads.bbox_reg_weights need 4 values (wx, wy, ww, wh)");
        Datasets.Validate();
        if (Datasets.ClassNames.Count > 0 && Datasets.ClassNames.Count != ClassCount())
            throw new DuprException($"datasets.class_names has {Datasets.ClassNames.Count} names but {ClassCountKey()} is {ClassCount()}");
        if (Train.BatchSize < 1) throw new DuprException($"train.batch_size must be positive, got {Train.BatchSize}");
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
}
