using Dupr.Detection.Config;
using Dupr.Detection.Modeling.RoiHeads;
using Newtonsoft.Json.Linq;
using static Dupr.Detection.Tests.Modeling.Golden.RcnnFixtures;
using static TorchSharp.torch;

namespace Dupr.Detection.Tests.Modeling.Golden;

/// <summary>
/// The ROI heads' proposal labelling against torchvision 0.14's add_gt_proposals + assign_targets_to_proposals, and the
/// deterministic part of its sampling: how many foreground and background proposals are drawn, and from where
/// (tests/fixtures/rcnn/proposal_matching.json).
/// </summary>
public class ProposalSamplerGoldenTests
{
    [Fact]
    public void LabelsMatchAssignTargetsToProposals()
    {
        foreach (var (what, k, sampler, expected) in Images())
        {
            using var scope = NewDisposeScope();
            var (proposals, gtBoxes, gtClasses) = Inputs(expected);
            var (withGt, classes, matches) = sampler.Label(proposals, gtBoxes, gtClasses);
            AssertClose(withGt, Boxes(expected["proposals_with_gt"]!, ScalarType.Float32), 0, $"{what} proposals");
            var expectedClasses = expected["classes"]!.Values<long>().ToArray();
            Assert.Equal(expectedClasses, classes.data<long>().ToArray());
            // torchvision's matched index is clamped to 0 below the threshold; only foreground indices mean anything.
            var expectedMatches = expected["matched_gt"]!.Values<long>().ToArray();
            var actualMatches = matches.data<long>().ToArray();
            for (int j = 0; j < expectedClasses.Length; j++)
                if (expectedClasses[j] >= 0 && expectedClasses[j] < k)
                    Assert.True(expectedMatches[j] == actualMatches[j], $"{what}: proposal {j} matched {actualMatches[j]}, torchvision {expectedMatches[j]}");
        }
    }

    [Fact]
    public void SamplesTakeTorchvisionsCountsFromTheLabelledProposals()
    {
        manual_seed(14);
        foreach (var (what, k, sampler, expected) in Images())
        {
            using var scope = NewDisposeScope();
            var (proposals, gtBoxes, gtClasses) = Inputs(expected);
            var sampled = sampler.Sample(proposals, gtBoxes, gtClasses);
            var classes = sampled.Classes.data<long>().ToArray();
            Assert.Equal((int)expected["sampled_foreground"]!, classes.Count(c => c >= 0 && c < k));
            Assert.Equal((int)expected["sampled_background"]!, classes.Count(c => c == k));
            Assert.Equal(classes.Length, classes.Count(c => c >= 0));

            // Every sampled row is a distinct labelled proposal: (box, class, and for foreground its ground truth).
            var available = new Dictionary<string, int>();
            var boxes = Numbers(expected["proposals_with_gt"]!);
            var expectedClasses = expected["classes"]!.Values<long>().ToArray();
            var expectedMatches = expected["matched_gt"]!.Values<long>().ToArray();
            for (int j = 0; j < expectedClasses.Length; j++)
            {
                string key = Key(boxes.AsSpan(4 * j, 4), expectedClasses[j], expectedClasses[j] < k ? expectedMatches[j] : -1);
                available[key] = available.GetValueOrDefault(key) + 1;
            }
            var sampledBoxes = Doubles(sampled.Proposals);
            var sampledGt = Doubles(sampled.GtBoxes);
            var sampledMatches = sampled.GtIndices.data<long>().ToArray();
            var gt = Doubles(gtBoxes);
            for (int j = 0; j < classes.Length; j++)
            {
                bool foreground = classes[j] < k;
                string key = Key(sampledBoxes.AsSpan(4 * j, 4), classes[j], foreground ? sampledMatches[j] : -1);
                Assert.True(available.GetValueOrDefault(key) > 0, $"{what}: sampled row {j} ({key}) is not a labelled proposal left to draw");
                available[key]--;
                if (foreground)
                    Assert.Equal(gt.AsSpan(4 * (int)sampledMatches[j], 4).ToArray(), sampledGt.AsSpan(4 * j, 4).ToArray());
            }
        }
    }

    static string Key(ReadOnlySpan<double> box, long cls, long gt) =>
        $"{(float)box[0]:R},{(float)box[1]:R},{(float)box[2]:R},{(float)box[3]:R} class {cls} gt {gt}";

    static (Tensor Proposals, Tensor GtBoxes, Tensor GtClasses) Inputs(JToken image) =>
        (Boxes(image["proposals"]!, ScalarType.Float32), Boxes(image["gt_boxes"]!, ScalarType.Float32), Longs(image["gt_classes"]!));

    static IEnumerable<(string What, int K, ProposalSampler Sampler, JToken Image)> Images()
    {
        foreach (var c in Cases("proposal_matching.json"))
        {
            int k = (int)c["num_classes"]!;
            var sampler = new ProposalSampler(new RoiHeadsSection
            {
                NumClasses = k, BatchSizePerImage = (int)c["batch_size_per_image"]!, PositiveFraction = (double)c["positive_fraction"]!,
            });
            int image = 0;
            foreach (var i in c["images"]!)
                yield return ($"{c["name"]} image {image++}", k, sampler, i);
        }
    }
}
