using Dupr.Core.Ops;
using Dupr.Core.Runtime;
using Dupr.Detection.Config;
using Dupr.Detection.Modeling.Losses;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Detection.Modeling.Rpn;

/// <summary>
/// detectron2's RPN: anchors on each input level, a shared <see cref="RpnHead"/>, anchor labels from a
/// <see cref="Matcher"/> sampled by <see cref="BalancedSampler"/>, BCE objectness and smooth L1 (by default L1) box
/// losses normalised by batch_size_per_image x images, and proposals chosen by per-level top-k, clipping, dropping empty
/// boxes and per-level NMS.
/// </summary>
public sealed class RegionProposalNetwork : nn.Module
{
    // detectron2's attribute name: keys are proposal_generator.rpn_head.*.
    private readonly RpnHead rpn_head;
    private readonly RpnSection config;
    private readonly Matcher matcher;
    private readonly BoxCoder coder;

    /// <summary>An RPN over <paramref name="channels"/>-channel features with <paramref name="anchors"/> (one stride per input level).</summary>
    public RegionProposalNetwork(RpnSection config, AnchorGenerator anchors, long channels) : base(nameof(RegionProposalNetwork))
    {
        if (anchors.Strides.Count != config.InFeatures.Count)
            throw new DuprException($"rpn.in_features has {config.InFeatures.Count} levels but the anchors have {anchors.Strides.Count} strides");
        if (config.BboxRegWeights.Count != 4) throw new DuprException("rpn.bbox_reg_weights must have 4 values (wx, wy, ww, wh)");
        this.config = config;
        Anchors = anchors;
        matcher = new Matcher(config.IouThresholds, config.IouLabels, allowLowQualityMatches: true);
        var w = config.BboxRegWeights;
        coder = new BoxCoder((w[0], w[1], w[2], w[3]));
        rpn_head = new RpnHead(channels, anchors.NumAnchorsPerLocation);
        RegisterComponents();
    }

    /// <summary>The anchor generator.</summary>
    public AnchorGenerator Anchors { get; }

    /// <summary>
    /// Proposals for a padded batch: <paramref name="features"/> one [N, C, Hi, Wi] map per level,
    /// <paramref name="imageSizes"/> each image's unpadded size (proposals are clipped to it), and in training
    /// <paramref name="gtBoxes"/> each image's ground-truth boxes [G, 4].
    /// </summary>
    public RpnOutput Forward(IReadOnlyList<Tensor> features, IReadOnlyList<(int Height, int Width)> imageSizes, IReadOnlyList<Tensor>? gtBoxes)
    {
        if (training && gtBoxes is null) throw new ArgumentException("training needs ground-truth boxes", nameof(gtBoxes));
        using var scope = NewDisposeScope();
        long n = features[0].size(0);
        var anchors = Anchors.GridAnchors(features.Select(f => (f.size(2), f.size(3))).ToList(), features[0].device);
        var (logits, deltas) = rpn_head.call(features);
        // detectron2's layout: logits [N, Hi*Wi*A], deltas [N, Hi*Wi*A, 4], anchor-major within a location.
        var levelLogits = logits.Select(l => l.permute(0, 2, 3, 1).flatten(1)).ToArray();
        var levelDeltas = deltas.Select(d => d.view(n, -1, 4, d.size(2), d.size(3)).permute(0, 3, 4, 1, 2).flatten(1, -2)).ToArray();

        var losses = new Dictionary<string, Tensor>();
        if (training) losses = Losses(cat(anchors, 0), gtBoxes!, cat(levelLogits, 1), cat(levelDeltas, 1));
        var (proposals, scores) = TopProposals(anchors, levelLogits, levelDeltas, imageSizes);

        scope.MoveToOuter(proposals);
        scope.MoveToOuter(scores);
        scope.MoveToOuter(losses.Values);
        return new RpnOutput(proposals, scores, losses);
    }

    /// <summary>
    /// Anchor labels (1 foreground, 0 background, -1 unused) after sampling, and the matched ground-truth box of each
    /// anchor, for one image (detectron2's label_and_sample_anchors).
    /// </summary>
    internal (Tensor Labels, Tensor MatchedBoxes) LabelAnchors(Tensor anchors, Tensor gtBoxes)
    {
        using var scope = NewDisposeScope();
        var (labels, matched) = MatchAnchors(anchors, gtBoxes);
        var (positive, negative) = BalancedSampler.Sample(labels, config.BatchSizePerImage, config.PositiveFraction, Matcher.Negative);
        var sampled = full_like(labels, S(Matcher.Ignore));
        sampled.index_fill_(0, positive, S(Matcher.Positive));
        sampled.index_fill_(0, negative, S(Matcher.Negative));
        return scope.MoveToOuter(sampled, matched);
    }

    /// <summary>
    /// Anchor labels before sampling (1, 0, -1 between the IoU thresholds) and the matched ground-truth box of each anchor
    /// (zeros with no ground truth), for one image.
    /// </summary>
    internal (Tensor Labels, Tensor MatchedBoxes) MatchAnchors(Tensor anchors, Tensor gtBoxes)
    {
        using var scope = NewDisposeScope();
        var (matches, labels) = matcher.Match(BoxOps.PairwiseIou(gtBoxes, anchors));
        var matched = gtBoxes.size(0) == 0 ? zeros_like(anchors) : gtBoxes.to_type(anchors.dtype)[matches];
        return scope.MoveToOuter(labels, matched);
    }

    private Dictionary<string, Tensor> Losses(Tensor anchors, IReadOnlyList<Tensor> gtBoxes, Tensor logits, Tensor deltas)
    {
        var labels = new Tensor[gtBoxes.Count];
        var targets = new Tensor[gtBoxes.Count];
        using (no_grad())
        using (OpTimer.Measure(OpTimer.AnchorMatching))
        {
            for (int i = 0; i < gtBoxes.Count; i++)
            {
                var (l, matched) = LabelAnchors(anchors, gtBoxes[i]);
                labels[i] = l;
                targets[i] = coder.Encode(anchors, matched);
            }
        }
        return Losses(stack(labels), stack(targets), logits, deltas);
    }

    /// <summary>
    /// loss_rpn_cls and loss_rpn_loc of sampled anchor labels [N, A] (1, 0, -1 unused) and regression targets [N, A, 4]
    /// against objectness logits [N, A] and deltas [N, A, 4].
    /// </summary>
    internal Dictionary<string, Tensor> Losses(Tensor labels, Tensor targets, Tensor logits, Tensor deltas)
    {
        var positive = labels.eq(S(Matcher.Positive));
        var valid = labels.ge(S(0));
        // detectron2: smooth L1 (beta 0 = L1 by default) on foreground anchors and BCE on sampled anchors, both summed,
        // then divided by batch_size_per_image x images (torchvision divides by the number actually sampled).
        var locLoss = SmoothL1Loss.Sum(deltas[positive], targets[positive], config.SmoothL1Beta);
        var clsLoss = nn.functional.binary_cross_entropy_with_logits(logits[valid], labels[valid].to_type(logits.dtype),
                                                                     reduction: nn.Reduction.Sum);
        double normaliser = config.BatchSizePerImage * (double)labels.size(0);
        return new Dictionary<string, Tensor> { ["loss_rpn_cls"] = clsLoss.div(S(normaliser)), ["loss_rpn_loc"] = locLoss.div(S(normaliser)) };
    }

    private (Tensor[] Proposals, Tensor[] Scores) TopProposals(Tensor[] anchors, Tensor[] logits, Tensor[] deltas,
                                                               IReadOnlyList<(int Height, int Width)> imageSizes)
    {
        using var _ = no_grad();
        int preNms = training ? config.PreNmsTopkTrain : config.PreNmsTopkTest;
        int postNms = training ? config.PostNmsTopkTrain : config.PostNmsTopkTest;
        long n = logits[0].size(0);
        var levelBoxes = new List<Tensor>();
        var levelScores = new List<Tensor>();
        var levelIds = new List<Tensor>();
        for (int level = 0; level < anchors.Length; level++)
        {
            // detectron2's find_top_rpn_proposals: the top pre_nms_topk logits of each level, decoded.
            long k = Math.Min(preNms, logits[level].size(1));
            var (topScores, topIndex) = logits[level].detach().topk((int)k, dim: 1);
            var topDeltas = deltas[level].detach().gather(1, topIndex.unsqueeze(-1).expand(-1, -1, 4));
            var topAnchors = anchors[level][topIndex.reshape(-1)];
            levelBoxes.Add(coder.Decode(topDeltas.reshape(-1, 4), topAnchors).view(n, k, 4));
            levelScores.Add(topScores);
            levelIds.Add(full(k, S(level), ScalarType.Int64, logits[level].device));
        }
        var boxes = cat(levelBoxes, 1);
        var scores = cat(levelScores, 1);
        var ids = cat(levelIds, 0);

        var proposals = new Tensor[n];
        var proposalScores = new Tensor[n];
        for (int i = 0; i < n; i++)
        {
            var (b, s, l) = (boxes[i], scores[i], ids);
            // Non-finite proposals (a diverged RPN) are dropped with the empty ones, without a host read: in training the
            // step's non-finite loss then stops the run (LossGuard), where detectron2 raises here.
            var finite = isfinite(b).all(1).logical_and(isfinite(s));
            b = BoxOps.Clip(b, imageSizes[i].Height, imageSizes[i].Width);
            // detectron2's Boxes.nonempty: width and height strictly positive.
            var kept = finite.logical_and((b[.., 2] > b[.., 0]).logical_and(b[.., 3] > b[.., 1]));
            (b, s, l) = (b[kept], s[kept], l[kept]);
            var keep = Nms.Batched(b, s, l, config.NmsThresh);
            keep = keep[..(int)Math.Min(postNms, keep.numel())];
            proposals[i] = b[keep];
            proposalScores[i] = s[keep];
        }
        return (proposals, proposalScores);
    }
}
