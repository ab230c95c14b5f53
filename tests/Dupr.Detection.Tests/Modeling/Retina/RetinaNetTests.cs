using Dupr.Core.Checkpoints;
using Dupr.Core.Modeling;
using Dupr.Detection.Data.Transforms;
using Dupr.Detection.Modeling;
using Dupr.Detection.Evaluation;
using Dupr.Detection.Modeling.MetaArch;
using Dupr.Detection.Training;
using Dupr.Tests;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Detection.Tests.Modeling.Retina;

[Collection(NonParallel.Name)]
public class RetinaNetTests
{
    [Fact]
    public void KeysFollowDetectron2WithTorchvisionBottomUp()
    {
        using var model = RetinaNetMini.Model(2);
        var state = model.state_dict();
        foreach (string key in new[]
                 {
                     "backbone.bottom_up.conv1.weight", "backbone.bottom_up.layer4.1.bn2.running_var",
                     "backbone.fpn_lateral3.weight", "backbone.fpn_output5.norm.weight", "backbone.top_block.p6.weight",
                     "backbone.top_block.p7.bias", "head.cls_subnet.0.weight", "head.cls_subnet.6.bias", "head.bbox_subnet.6.weight",
                     "head.cls_score.weight", "head.bbox_pred.bias", "loss_normalizer",
                 })
            Assert.Contains(key, state.Keys);
        Assert.DoesNotContain(state.Keys, k => k.StartsWith("backbone.bottom_up.fc") || k.StartsWith("backbone.fpn_lateral2"));
        // 4 convs with ReLUs between: Sequential indices 0, 2, 4, 6 (no norm by default).
        Assert.Equal(4, state.Keys.Count(k => k.StartsWith("head.cls_subnet.") && k.EndsWith(".weight")));
        // detectron2's 3x3 predictors: A * K = 9 * 2 logits and A * 4 = 36 deltas per location.
        Assert.Equal([18L, 32, 3, 3], state["head.cls_score.weight"].shape);
        Assert.Equal([36L, 32, 3, 3], state["head.bbox_pred.weight"].shape);
        // P6 reads C5 (res5 of a width-16 ResNet-18: 128 channels), as build_retinanet_resnet_fpn_backbone does.
        Assert.Equal([32L, 128, 3, 3], state["backbone.top_block.p6.weight"].shape);
    }

    [Fact]
    public void HeadStartsAtThePriorProbability()
    {
        using var model = RetinaNetMini.Model(3);
        var state = model.state_dict();
        var bias = state["head.cls_score.bias"].data<float>().ToArray();
        Assert.All(bias, b => Assert.Equal(-Math.Log(0.99 / 0.01), b, 5));
        Assert.All(state["head.bbox_pred.bias"].data<float>().ToArray(), b => Assert.Equal(0f, b));
        foreach (string key in new[] { "head.cls_subnet.0.weight", "head.bbox_subnet.4.weight", "head.cls_score.weight" })
        {
            double std = state[key].std().item<float>();
            Assert.InRange(std, 0.008, 0.012);
        }
    }

    [Fact]
    public void HeadNormSitsBetweenConvAndRelu()
    {
        var config = RetinaNetMini.Config(2);
        config.RetinaNet.Norm = NormKind.GN;
        using var model = new RetinaNet(config);
        var keys = model.state_dict().Keys.ToList();
        // conv, GN, ReLU per layer: convs at 0, 3, 6, 9 and norms at 1, 4, 7, 10.
        Assert.Contains("head.cls_subnet.9.weight", keys);
        Assert.Contains("head.bbox_subnet.10.weight", keys);
        Assert.DoesNotContain("head.cls_subnet.2.weight", keys);
    }

    [Fact]
    public void TorchvisionResNetFillsTheBottomUpNetwork()
    {
        using var temp = TestPaths.Temp();
        using var scope = NewDisposeScope();
        using var resnet = new Core.Modeling.ResNet(new ResNetConfig { Depth = 18, Width = 16, Norm = NormKind.BN, FreezeAt = 0, NumClasses = 10 });
        string path = temp.File("backbone.pth");
        ModuleCheckpoint.Save(resnet, path, CheckpointFormat.PyTorch);
        using var model = RetinaNetMini.Model(2);
        Assert.Null(model.BackbonePlacement.Map("fc.weight"));
        Assert.Equal("backbone.bottom_up.layer2.0.downsample.0.weight", model.BackbonePlacement.Map("layer2.0.downsample.0.weight"));

        var report = DetectorWeights.LoadBackbone(model, path);

        var source = resnet.state_dict();
        var target = model.state_dict();
        Assert.True(target["backbone.bottom_up.layer4.1.conv2.weight"].allclose(source["layer4.1.conv2.weight"]));
        Assert.True(target["backbone.bottom_up.bn1.running_mean"].allclose(source["bn1.running_mean"]));
        Assert.DoesNotContain(report.Unexpected, k => !k.StartsWith("fc."));
        Assert.All(report.Missing, k => Assert.True(k.StartsWith("backbone.fpn_") || k.StartsWith("backbone.top_block.") || k.StartsWith("head.")
                                                    || k == "loss_normalizer", k));
    }

    [Fact]
    public void PredictionsHaveOneRowPerAnchorOnP3ToP7()
    {
        using var scope = NewDisposeScope();
        var samples = SyntheticScenes.Create(2, 96, 3, seed: 3);
        using var batch = DetectionBatch.Collate(samples);
        using var model = RetinaNetMini.Model(3);
        model.eval();
        using var _ = no_grad();
        var (anchors, logits, deltas) = model.Predict(batch.Images);
        // 96 px: P3..P7 grids of 12, 6, 3, 2, 1 cells, 9 anchors each.
        long[] cells = [144, 36, 9, 4, 1];
        Assert.Equal(cells.Select(c => c * 9), anchors.Select(a => a.size(0)));
        for (int level = 0; level < 5; level++)
        {
            Assert.Equal([2L, cells[level] * 9, 3], logits[level].shape);
            Assert.Equal([2L, cells[level] * 9, 4], deltas[level].shape);
        }
        Assert.Equal([8, 16, 32, 64, 128], model.Anchors.Strides);
    }

    [Fact]
    public void TrainingGivesTheTwoNamedLossesAndEvalGivesOriginalPixelDetections()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        var samples = SyntheticScenes.Create(2, 96, 2, seed: 4).Select(s => s with { OriginalSize = (192, 144) }).ToList();
        using var batch = DetectionBatch.Collate(samples);
        using var model = RetinaNetMini.Model(2);
        model.train();
        var losses = model.Losses(batch);
        Assert.Equal(["loss_box_reg", "loss_cls"], losses.Keys.Order());
        Assert.All(losses.Values, l => Assert.Equal(0, l.dim()));
        Assert.All(losses.Values, l => Assert.True(float.IsFinite(l.item<float>()) && l.item<float>() > 0));
        Assert.True(losses["loss_cls"].requires_grad);

        model.eval();
        var detections = model.Inference(batch);
        Assert.Equal(2, detections.Length);
        // An untrained head scores every candidate near the 0.01 prior, under the 0.05 threshold; lower it to see boxes.
        Assert.All(detections, d => Assert.Equal(0, d.Count));
        model.Config.RetinaNet.ScoreThreshTest = 0.0;
        detections = model.Inference(batch);
        foreach (var d in detections)
        {
            Assert.Equal(100, d.Count);
            var boxes = d.Boxes;
            Assert.True(boxes[.., 0].ge(S(0)).all().item<bool>() && boxes[.., 2].le(S(144)).all().item<bool>() && boxes[.., 3].le(S(192)).all().item<bool>());
            Assert.True(d.Scores[..^1].ge(d.Scores[1..]).all().item<bool>(), "detections come best first");
            Assert.True(d.Classes.lt(S(2)).all().item<bool>());
        }
    }

    [Fact]
    public void AnchorsAreLabelledByIouBandsWithLowQualityMatches()
    {
        using var scope = NewDisposeScope();
        using var model = RetinaNetMini.Model(3);
        // Ground truth 0: (0, 0, 10, 10), class 2; ground truth 1: (100, 100, 110, 130), class 1.
        var gt = tensor(new float[] { 0, 0, 10, 10, 100, 100, 110, 130 }).view(2, 4);
        var classes = tensor(new long[] { 2, 1 });
        var anchors = tensor(new float[]
        {
            0, 0, 10, 16,       // IoU 100/160 = 0.625 with gt 0: foreground, class 2
            0, 0, 10, 22,       // IoU 100/220 = 0.4545: between 0.4 and 0.5, ignored
            0, 0, 10, 30,       // IoU 0.333: background (3)
            50, 50, 60, 60,     // no overlap: background
            100, 100, 110, 200, // IoU 300/1000 = 0.3, the best of gt 1: foreground by the low-quality rule
        }).view(-1, 4);
        var (labels, matched) = model.LabelAnchors(anchors, gt, classes);
        Assert.Equal([2L, -1, 3, 3, 1], labels.data<long>().ToArray());
        Assert.Equal([100f, 100, 110, 130], matched[4].data<float>().ToArray());

        var (emptyLabels, emptyBoxes) = model.LabelAnchors(anchors, zeros(0, 4), zeros(0, ScalarType.Int64));
        Assert.All(emptyLabels.data<long>().ToArray(), l => Assert.Equal(3L, l));
        Assert.Equal(0f, emptyBoxes.abs().sum().item<float>());
    }

    [Fact]
    public void LossNormaliserIsAnEmaOfForegroundAnchorsKeptInCheckpoints()
    {
        using var temp = TestPaths.Temp();
        using var scope = NewDisposeScope();
        using var model = RetinaNetMini.Model(2);
        Assert.Equal(100.0, model.LossNormalizer);
        // detectron2: 0.9 * old + 0.1 * max(foreground, 1).
        Assert.Equal(0.9 * 100 + (1 - 0.9) * 37, model.UpdateLossNormalizer(tensor(37L)).item<double>(), 12);
        Assert.Equal(0.9 * (0.9 * 100 + (1 - 0.9) * 37) + (1 - 0.9) * 1, model.UpdateLossNormalizer(tensor(0L)).item<double>(), 12);

        // A training step folds in the batch's foreground anchors (all images together) and divides both losses by the result.
        var samples = SyntheticScenes.Create(2, 96, 2, seed: 6);
        using var batch = DetectionBatch.Collate(samples);
        model.train();
        double before = model.LossNormalizer;
        var all = cat(model.Anchors.GridAnchors([(12, 12), (6, 6), (3, 3), (2, 2), (1, 1)]), 0);
        long foreground = 0;
        foreach (var s in samples)
        {
            var labels = model.LabelAnchors(all, s.Boxes, s.Classes).Labels;
            foreground += labels.ge(S(0)).logical_and(labels.lt(S(2))).sum().item<long>();
        }
        Assert.True(foreground > 0);
        model.Losses(batch);
        Assert.Equal(0.9 * before + 0.1 * foreground, model.LossNormalizer, 9);

        // The EMA is a buffer: saved with the model and restored into a fresh one.
        string path = temp.File("model.dat");
        ModuleCheckpoint.Save(model, path, CheckpointFormat.TorchSharp);
        using var restored = RetinaNetMini.Model(2);
        ModuleCheckpoint.Load(restored, path);
        Assert.Equal(model.LossNormalizer, restored.LossNormalizer);
    }

    [Fact]
    public void FactoryBuildsRetinaNet()
    {
        using var model = DetectorFactory.Create(RetinaNetMini.Config(2));
        Assert.IsType<RetinaNet>(model);
    }
}
