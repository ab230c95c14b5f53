using Dupr.Detection.Config;
using Dupr.Detection.Modeling.RoiHeads;
using Newtonsoft.Json.Linq;
using static Dupr.Core.Runtime.Scalars;
using static Dupr.Detection.Tests.Modeling.Golden.RcnnFixtures;
using static TorchSharp.torch;

namespace Dupr.Detection.Tests.Modeling.Golden;

/// <summary>
/// The box predictor's losses and inference against torchvision 0.14's fastrcnn_loss and RoIHeads.postprocess_detections
/// (tests/fixtures/rcnn). torchvision's layout (background = label 0) is converted to ours by the generator.
/// </summary>
public class FastRcnnGoldenTests
{
    [Theory]
    [InlineData("beta_1_9", 1.0 / 9)]
    [InlineData("beta_0", 0.0)]
    public void LossesMatchFastrcnnLoss(string expectation, double beta)
    {
        foreach (var c in Cases("fastrcnn_loss.json"))
        {
            using var scope = NewDisposeScope();
            string name = (string)c["name"]!;
            int k = (int)c["num_classes"]!;
            long r = c["classes"]!.Count();
            // torchvision: smooth L1 with beta 1/9 (or patched to 0), summed over foreground RoIs and divided by every sampled RoI, as ours.
            using var layers = new FastRcnnOutputLayers(new RoiHeadsSection { NumClasses = k, SmoothL1Beta = beta }, 1);
            var logits = Tensor(c["class_logits"]!, ScalarType.Float64, r, k + 1).requires_grad_(true);
            var deltas = Tensor(c["box_deltas"]!, ScalarType.Float64, r, 4 * k).requires_grad_(true);
            var sampled = new SampledProposals(Tensor(c["proposals"]!, ScalarType.Float64, r, 4), Longs(c["classes"]!),
                                               Tensor(c["gt_boxes"]!, ScalarType.Float64, r, 4), zeros(r, ScalarType.Int64));
            var losses = layers.Losses(logits, deltas, sampled);
            var expected = c[expectation]!;
            AssertClose(losses["loss_cls"].item<double>(), (double)expected["loss_cls"]!, 1e-9, $"{name} loss_cls");
            AssertClose(losses["loss_box_reg"].item<double>(), (double)expected["loss_box_reg"]!, 1e-9, $"{name} loss_box_reg");
            if (expected["grad_logits"] is not JArray gradLogits) continue;
            losses["loss_cls"].add(losses["loss_box_reg"], One).backward();
            AssertClose(logits.grad!, Tensor(gradLogits, ScalarType.Float64, r, k + 1), 1e-9, $"{name} d/dlogits");
            AssertClose(deltas.grad!, Tensor(expected["grad_deltas"]!, ScalarType.Float64, r, 4 * k), 1e-9, $"{name} d/ddeltas");
        }
    }

    [Fact]
    public void InferenceMatchesPostprocessDetections()
    {
        foreach (var c in Cases("postprocess_detections.json"))
        {
            string name = (string)c["name"]!;
            int k = (int)c["num_classes"]!;
            var config = new RoiHeadsSection
            {
                NumClasses = k, ScoreThreshTest = (double)c["score_thresh"]!, NmsThreshTest = (double)c["nms_thresh"]!,
                DetectionsPerImage = (int)c["detections_per_image"]!,
            };
            using var layers = new FastRcnnOutputLayers(config, 1);
            int image = 0;
            foreach (var i in c["images"]!)
            {
                using var scope = NewDisposeScope();
                string what = $"{name} image {image++}";
                long p = i["proposals"]!.Count();
                var size = i["image_size"]!.Values<int>().ToArray();
                using var detections = layers.Inference(Tensor(i["class_logits"]!, ScalarType.Float32, p, k + 1),
                                                        Tensor(i["box_deltas"]!, ScalarType.Float32, p, 4 * k),
                                                        Tensor(i["proposals"]!, ScalarType.Float32, p, 4), (size[0], size[1]));
                long n = i["classes"]!.Count();
                Assert.True(n == detections.Count, $"{what}: {detections.Count} detections, torchvision {n}");
                Assert.Equal(i["classes"]!.Values<long>().ToArray(), detections.Classes.data<long>().ToArray());
                AssertClose(detections.Scores, Tensor(i["scores"]!, ScalarType.Float32, n), 1e-5, $"{what} scores");
                AssertClose(detections.Boxes, Tensor(i["boxes"]!, ScalarType.Float32, n, 4), 1e-6, $"{what} boxes");
            }
        }
    }
}
