using Dupr.Core.Ops;
using Dupr.Detection.Config;
using Dupr.Detection.Modeling;
using Dupr.Detection.Modeling.Rpn;
using Newtonsoft.Json.Linq;
using static Dupr.Core.Runtime.Scalars;
using static Dupr.Detection.Tests.Modeling.Golden.RcnnFixtures;
using static TorchSharp.torch;

namespace Dupr.Detection.Tests.Modeling.Golden;

/// <summary>
/// The RPN's anchor labels, sampling counts and losses against torchvision 0.14's assign_targets_to_anchors,
/// BalancedPositiveNegativeSampler and compute_loss (tests/fixtures/rcnn/rpn_loss.json). The losses are compared on
/// torchvision's own sample; torchvision divides them by the anchors sampled, detectron2 (and we) by
/// batch_size_per_image x images, so the expected values are rescaled by sampled_count / (batch_size_per_image x images).
/// </summary>
public class RpnGoldenTests
{
    static RegionProposalNetwork Create(JObject c, double beta) =>
        new(new RpnSection { BatchSizePerImage = (int)c["batch_size_per_image"]!, PositiveFraction = (double)c["positive_fraction"]!, SmoothL1Beta = beta },
            new AnchorGenerator([[16]], [[1.0]], [8]), 4);

    [Fact]
    public void AnchorLabelsMatchAssignTargetsToAnchors()
    {
        foreach (var c in Cases("rpn_loss.json"))
        {
            using var scope = NewDisposeScope();
            using var rpn = Create(c, 0);
            var anchors = Boxes(c["anchors"]!, ScalarType.Float32);
            for (int image = 0; image < c["gt_boxes"]!.Count(); image++)
            {
                string what = $"{c["name"]} image {image}";
                var gt = Boxes(c["gt_boxes"]![image]!, ScalarType.Float32);
                var (labels, matched) = rpn.MatchAnchors(anchors, gt);
                var expected = c["labels"]![image]!.Values<long>().ToArray();
                Assert.Equal(expected, labels.data<long>().ToArray());
                // Matched boxes of positive anchors (torchvision clamps the others' index to 0).
                var positive = nonzero(labels.eq(S(Matcher.Positive))).view(-1);
                if (positive.numel() > 0)
                    AssertClose(matched[positive], gt[Longs(c["matched_gt"]![image]!)[positive]], 0, $"{what} matched boxes");

                // Sampling: torchvision's counts, drawn from the right labels.
                manual_seed(image);
                var (sampled, _) = rpn.LabelAnchors(anchors, gt);
                var s = sampled.data<long>().ToArray();
                var reference = c["sampled_labels"]![image]!.Values<long>().ToArray();
                foreach (long label in new[] { Matcher.Positive, Matcher.Negative })
                {
                    int ours = s.Count(v => v == label), theirs = reference.Count(v => v == label);
                    Assert.True(ours == theirs, $"{what}: sampled {ours} of label {label}, torchvision {theirs}");
                }
                for (int a = 0; a < s.Length; a++)
                    if (s[a] >= 0) Assert.True(s[a] == expected[a], $"{what}: anchor {a} sampled as {s[a]} but labelled {expected[a]}");
            }
        }
    }

    [Theory]
    [InlineData("beta_1_9", 1.0 / 9)]
    [InlineData("beta_0", 0.0)]
    public void LossesMatchComputeLossOnTheSameSample(string expectation, double beta)
    {
        var coder = new BoxCoder((1, 1, 1, 1));
        foreach (var c in Cases("rpn_loss.json"))
        {
            using var scope = NewDisposeScope();
            string name = (string)c["name"]!;
            using var rpn = Create(c, beta);
            var anchors = Boxes(c["anchors"]!, ScalarType.Float64);
            int n = c["gt_boxes"]!.Count();
            long a = anchors.size(0);
            var targets = stack(Enumerable.Range(0, n).Select(image =>
            {
                var gt = Boxes(c["gt_boxes"]![image]!, ScalarType.Float64);
                var matched = gt.size(0) == 0 ? zeros_like(anchors) : gt[Longs(c["matched_gt"]![image]!)];
                return coder.Encode(anchors, matched);
            }).ToList());
            var labels = stack(Enumerable.Range(0, n).Select(image => Longs(c["sampled_labels"]![image]!)).ToList());
            var losses = rpn.Losses(labels, targets, Tensor(c["objectness_logits"]!, ScalarType.Float64, n, a),
                                    Tensor(c["anchor_deltas"]!, ScalarType.Float64, n, a, 4));
            double rescale = (double)c["sampled_count"]! / ((int)c["batch_size_per_image"]! * n);
            var expected = c[expectation]!;
            AssertClose(losses["loss_rpn_cls"].item<double>(), (double)expected["loss_objectness"]! * rescale, 1e-9, $"{name} loss_rpn_cls");
            AssertClose(losses["loss_rpn_loc"].item<double>(), (double)expected["loss_box_reg"]! * rescale, 1e-9, $"{name} loss_rpn_loc");
        }
    }
}
