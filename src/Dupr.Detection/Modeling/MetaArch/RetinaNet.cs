using Dupr.Core.Checkpoints;
using Dupr.Core.Modeling;
using Dupr.Core.Ops;
using Dupr.Detection.Config;
using Dupr.Detection.Data.Transforms;
using Dupr.Detection.Modeling.Losses;
using Dupr.Detection.Modeling.Retina;
using TorchSharp;
using Dupr.Core.Runtime;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Detection.Modeling.MetaArch;

/// <summary>
/// RetinaNet (detectron2's meta_arch/retinanet.py): ResNet + FPN (P3..P7, P6 from res5), a shared dense head, anchors
/// matched per image at IoU 0.4 / 0.5 with low-quality matches, sigmoid focal loss on every non-ignored anchor and a
/// smooth L1 box loss on foreground anchors, both divided by an EMA of the foreground count.
/// </summary>
public sealed class RetinaNet : Detector
{
    /// <summary>Weight of the old value in the loss normaliser's EMA (detectron2's loss_normalizer_momentum).</summary>
    public const double LossNormalizerMomentum = 0.9;

    /// <summary>The normaliser before the first step (detectron2: "any reasonable #fg that's not too small").</summary>
    public const double LossNormalizerStart = 100;

    // The normaliser EMA is a buffer (unlike detectron2's plain attribute) so checkpoints carry it and a resumed run
    // continues with the same loss scale. Float64: detectron2 keeps it as a Python float.
    const string LossNormalizerBuffer = "loss_normalizer";

    // detectron2's attribute names: backbone.bottom_up.*, backbone.fpn_lateral3.*, head.cls_subnet.0.*, ...
    private readonly Fpn backbone;
    private readonly RetinaNetHead head;

    private readonly RetinaNetSection settings;
    private readonly Matcher matcher;
    private readonly BoxCoder coder;

    /// <summary>Builds the detector of <paramref name="config"/> (validated first).</summary>
    public RetinaNet(DetectionConfig config) : base(nameof(RetinaNet), config)
    {
        settings = config.RetinaNet;
        backbone = new Fpn(new Core.Modeling.ResNet(settings.BottomUpConfig(config.Backbone)), settings.ToFpnConfig());
        Anchors = new AnchorGenerator(config.Anchors.Sizes, config.Anchors.AspectRatios,
                                      backbone.OutputShapes.Values.Select(s => s.Stride).ToList(), config.Anchors.Offset);
        head = new RetinaNetHead(settings.FpnOutChannels, Anchors.NumAnchorsPerLocation, settings.NumClasses, settings.NumConvs,
                                 settings.Norm, settings.PriorProb);
        matcher = new Matcher(settings.IouThresholds, settings.IouLabels, allowLowQualityMatches: true);
        var w = settings.BboxRegWeights;
        coder = new BoxCoder((w[0], w[1], w[2], w[3]));
        register_buffer(LossNormalizerBuffer, tensor(LossNormalizerStart, ScalarType.Float64));
        RegisterComponents();
    }

    /// <summary>The ResNet + FPN backbone (for loading pre-trained weights).</summary>
    public Fpn Backbone => backbone;

    /// <summary>The anchors of each pyramid level.</summary>
    public AnchorGenerator Anchors { get; }

    /// <summary>The current loss normaliser (EMA of the foreground anchors per batch).</summary>
    public double LossNormalizer => NormalizerBuffer().ReadItem<double>();

    /// <summary>torchvision ResNet keys into backbone.bottom_up (detectron2's FPN backbone), the classifier dropped.</summary>
    public override KeyMapper BackbonePlacement => BackbonePlacements.BottomUp;

    // loss_cls and loss_box_reg; updates the loss normaliser.
    protected override Dictionary<string, Tensor> ComputeLosses(DetectionBatch batch)
    {
        var (anchors, logits, deltas) = Predict(batch.Images);
        var allAnchors = cat(anchors, 0);
        var predLogits = cat(logits, 1);
        var predDeltas = cat(deltas, 1);
        long n = predLogits.size(0), k = settings.NumClasses;

        var labels = new Tensor[n];
        var matched = new Tensor[n];
        for (int i = 0; i < n; i++)
            (labels[i], matched[i]) = LabelAnchors(allAnchors, batch.Samples[i].Boxes, batch.Samples[i].Classes);
        var gtLabels = stack(labels);
        var valid = gtLabels.ge(S(0));
        var foreground = valid.logical_and(gtLabels.ne(S(k)));
        var normalizer = UpdateLossNormalizer(foreground.sum()).to_type(predLogits.dtype);

        // One-hot over K + 1 with the background column dropped: background anchors get all-zero targets.
        var targets = nn.functional.one_hot(gtLabels[valid], k + 1)[.., ..(int)k].to_type(predLogits.dtype);
        var clsLoss = SigmoidFocalLoss.Sum(predLogits[valid], targets, settings.FocalLossAlpha, settings.FocalLossGamma);
        Tensor gtDeltas;
        using (no_grad()) gtDeltas = coder.Encode(allAnchors.expand(n, -1, -1)[foreground], stack(matched)[foreground]);
        var boxLoss = SmoothL1Loss.Sum(predDeltas[foreground], gtDeltas, settings.SmoothL1Beta);
        return new Dictionary<string, Tensor> { ["loss_cls"] = clsLoss.div(normalizer), ["loss_box_reg"] = boxLoss.div(normalizer) };
    }

    protected override IReadOnlyList<Detections> Detect(DetectionBatch batch)
    {
        var (anchors, logits, deltas) = Predict(batch.Images);
        return Enumerable.Range(0, (int)logits[0].size(0))
            .Select(i => RetinaNetInference.SingleImage(anchors, logits.Select(l => l[i]).ToList(), deltas.Select(d => d[i]).ToList(), coder, settings))
            .ToList();
    }

    /// <summary>
    /// Per level: the anchors [Ri, 4], class logits [N, Ri, K] and deltas [N, Ri, 4] of a padded batch, rows ordered
    /// (y, x, anchor) like the anchors (detectron2's permute_to_N_HWA_K).
    /// </summary>
    internal (Tensor[] Anchors, Tensor[] Logits, Tensor[] Deltas) Predict(Tensor images)
    {
        using var scope = NewDisposeScope();
        var features = backbone.call(images).Values.ToList();
        var (logits, deltas) = head.call(features);
        var anchors = Anchors.GridAnchors(features.Select(f => (f.size(2), f.size(3))).ToList(), images.device);
        var levelLogits = logits.Select(l => PermuteToNhwaK(l, settings.NumClasses)).ToArray();
        var levelDeltas = deltas.Select(d => PermuteToNhwaK(d, 4)).ToArray();
        scope.MoveToOuter(anchors);
        scope.MoveToOuter(levelLogits);
        scope.MoveToOuter(levelDeltas);
        return (anchors, levelLogits, levelDeltas);
    }

    /// <summary>
    /// One image's anchor labels (detectron2's label_anchors): the matched class, <c>K</c> for background or -1 for
    /// ignored anchors, and the matched ground-truth box of every anchor (zeros when the image has none).
    /// </summary>
    internal (Tensor Labels, Tensor MatchedBoxes) LabelAnchors(Tensor anchors, Tensor gtBoxes, Tensor gtClasses)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        long k = settings.NumClasses;
        if (gtBoxes.size(0) == 0)
            return scope.MoveToOuter(full(anchors.size(0), S(k), ScalarType.Int64, anchors.device), zeros_like(anchors));
        Tensor matches, matchLabels;
        using (OpTimer.Measure(OpTimer.AnchorMatching))
            (matches, matchLabels) = matcher.Match(BoxOps.PairwiseIou(gtBoxes, anchors));
        var labels = gtClasses.to_type(ScalarType.Int64)[matches];
        labels.masked_fill_(matchLabels.eq(S(Matcher.Negative)), S(k));
        labels.masked_fill_(matchLabels.eq(S(Matcher.Ignore)), S(-1));
        return scope.MoveToOuter(labels, gtBoxes.to_type(anchors.dtype)[matches]);
    }

    /// <summary>
    /// Folds a batch's foreground anchor count (an int64 scalar tensor; counts below 1 count as 1) into the normaliser EMA
    /// and returns the new value as a float64 scalar tensor; both stay on the model's device (detectron2 reads the count to
    /// the host every step).
    /// </summary>
    internal Tensor UpdateLossNormalizer(Tensor foregroundAnchors)
    {
        using var _ = no_grad();
        var ema = NormalizerBuffer();
        ema.mul_(S(LossNormalizerMomentum)).add_(foregroundAnchors.clamp_min(S(1L)).to_type(ScalarType.Float64).mul(S(1 - LossNormalizerMomentum)), One);
        return ema.clone();
    }

    Tensor NormalizerBuffer() => get_buffer(LossNormalizerBuffer)
        ?? throw new InvalidOperationException($"the {LossNormalizerBuffer} buffer is missing");

    // [N, A * K, H, W] -> [N, H * W * A, K].
    static Tensor PermuteToNhwaK(Tensor t, long k) =>
        t.view(t.size(0), -1, k, t.size(2), t.size(3)).permute(0, 3, 4, 1, 2).reshape(t.size(0), -1, k);
}
