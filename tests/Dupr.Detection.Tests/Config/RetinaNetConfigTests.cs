using Dupr.Core.Config;
using Dupr.Core.Modeling;
using Dupr.Core.Runtime;
using Dupr.Core.Training;
using Dupr.Detection.Config;
using Dupr.Detection.Modeling;
using Dupr.Detection.Modeling.MetaArch;
using Dupr.Tests;
using static TorchSharp.torch;

namespace Dupr.Detection.Tests.Config;

public class RetinaNetConfigTests
{
    static string ConfigDir => Path.Combine(TestPaths.RepoRoot, "configs", "detection");

    static DetectionConfig Load(string name, params string[] overrides) => ConfigLoader.Load<DetectionConfig>(Path.Combine(ConfigDir, name), overrides);

    [Fact]
    public void OneXRecipeIsDetectron2sRetinaNetWithThePapersNorms()
    {
        var c = Load("coco_retinanet_r50_fpn_1x.json");
        c.Validate();
        Assert.Equal(DetectorArchitecture.RetinaNet, c.Architecture);
        Assert.Equal(DatasetFormat.Coco, c.Datasets.Format);
        Assert.Equal((50, NormKind.SyncBN, 0), (c.Backbone.Depth, c.Backbone.Norm, c.Backbone.FreezeAt));
        var r = c.RetinaNet;
        Assert.Equal((80, 4, 0.01, NormKind.None), (r.NumClasses, r.NumConvs, r.PriorProb, r.Norm));
        Assert.Equal(["res3", "res4", "res5"], r.FpnInFeatures);
        Assert.Equal((256, NormKind.SyncBN), (r.FpnOutChannels, r.FpnNorm));
        Assert.Equal([0.4, 0.5], r.IouThresholds);
        Assert.Equal([0L, -1, 1], r.IouLabels);
        Assert.Equal([1.0, 1, 1, 1], r.BboxRegWeights);
        Assert.Equal((0.25, 2.0, 0.0), (r.FocalLossAlpha, r.FocalLossGamma, r.SmoothL1Beta));
        Assert.Equal((0.05, 1000, 0.5, 100), (r.ScoreThreshTest, r.TopkCandidatesTest, r.NmsThreshTest, r.DetectionsPerImage));
        Assert.Equal((0.01, 16, 90000L), (c.Solver.BaseLr, c.Train.BatchSize, c.Solver.MaxIter));
        Assert.Equal([60000L, 80000], c.Solver.Steps);
        Assert.Equal((1000L, LrPolicy.MultiStep), (c.Solver.WarmupIters, c.Solver.Policy));
        Assert.Equal([640, 672, 704, 736, 768, 800], c.Input.MinSizeTrain);
        Assert.Equal((800, 1333), (c.Input.MinSizeTest, c.Input.MaxSizeTest));
        Assert.Equal(0.0, c.Anchors.Offset);
        Assert.Equal(80, c.ClassCount());
    }

    [Fact]
    public void TwoXRecipeDoublesTheSchedule()
    {
        var c = Load("coco_retinanet_r50_fpn_2x.json");
        c.Validate();
        Assert.Equal(180000L, c.Solver.MaxIter);
        Assert.Equal([120000L, 160000], c.Solver.Steps);
        Assert.Equal(0.01, c.Solver.BaseLr);
    }

    [Fact]
    public void RecipeAnchorsAreDetectron2sOctaveFormulaOnP3ToP7()
    {
        using var scope = NewDisposeScope();
        var c = Load("coco_retinanet_r50_fpn_1x.json");
        var generator = new AnchorGenerator(c.Anchors.Sizes, c.Anchors.AspectRatios, [8, 16, 32, 64, 128], c.Anchors.Offset);
        Assert.Equal(9, generator.NumAnchorsPerLocation);
        // For a 2 x 3 feature map on every level: anchor (y, x, a) = shift (stride x, stride y) + cell anchor a, with cell
        // anchors of size s = x * 2^(j/3), ratio r: w = sqrt(s^2 / r), h = r w, centred on 0 (sizes outer, ratios inner).
        var levels = generator.GridAnchors(Enumerable.Repeat(((long)2, (long)3), 5).ToList());
        int[] baseSizes = [32, 64, 128, 256, 512];
        double[] ratios = [0.5, 1.0, 2.0];
        for (int level = 0; level < 5; level++)
        {
            int stride = 8 << level;
            var values = levels[level].data<float>().ToArray();
            Assert.Equal(2 * 3 * 9 * 4, values.Length);
            for (int y = 0; y < 2; y++)
                for (int x = 0; x < 3; x++)
                    for (int a = 0; a < 9; a++)
                    {
                        double size = baseSizes[level] * Math.Pow(2, (a / 3) / 3.0), ratio = ratios[a % 3];
                        double w = Math.Sqrt(size * size / ratio), h = ratio * w;
                        float[] expected = [(float)(-w / 2) + stride * x, (float)(-h / 2) + stride * y, (float)(w / 2) + stride * x, (float)(h / 2) + stride * y];
                        int row = (y * 3 + x) * 9 + a;
                        for (int k = 0; k < 4; k++) Assert.Equal(expected[k], values[4 * row + k], 3);
                    }
        }
    }

    [Fact]
    public void MiniConfigBuildsAModelThatRunsOnSyntheticWorldSizes()
    {
        var c = Load("coco_retinanet_r18_fpn_mini.json");
        c.Validate();
        Assert.Equal(["circle", "square", "triangle", "star", "cross", "hexagon"], c.Datasets.ClassNames);
        Assert.Equal(["coco/annotations/instances_train.json:coco/train"], c.Datasets.Train);
        Assert.Equal(6, c.ClassCount());
        using var model = DetectorFactory.Create(c);
        var retina = Assert.IsType<RetinaNet>(model);
        Assert.Equal([8, 16, 32, 64, 128], retina.Anchors.Strides);
        Assert.Equal([54L, 64, 3, 3], model.state_dict()["head.cls_score.weight"].shape);
        using var scope = NewDisposeScope();
        model.eval();
        using var _ = no_grad();
        var (anchors, logits, deltas) = retina.Predict(randn(1, 3, 128, 160));
        Assert.Equal(anchors.Select(a => a.size(0)), logits.Select(l => l.size(1)));
        Assert.Equal(16L * 20 * 9, anchors[0].size(0));
    }

    [Fact]
    public void ARetinaNetConfigLoadsBackFromItsResolvedJson()
    {
        using var temp = TestPaths.Temp();
        var mini = Load("coco_retinanet_r18_fpn_mini.json");
        string json = ConfigLoader.Serialize(mini);
        Assert.Contains("\"retinanet\"", json);
        Assert.Contains("\"smooth_l1_beta\"", json);
        File.WriteAllText(temp.File("config.json"), json);
        Assert.Equal(json, ConfigLoader.Serialize(ConfigLoader.Load<DetectionConfig>(temp.File("config.json"))));
    }

    [Theory]
    [InlineData("retinanet.num_classes=5", "retinanet.num_classes")]            // 6 class names
    [InlineData("anchors.aspect_ratios=[[0.5,1.0],[1.0],[1.0],[1.0],[1.0]]", "same number")]  // 6 anchors on P3, 3 elsewhere
    [InlineData("anchors.sizes=[[32],[64]]", "anchors.sizes")]                   // neither one list nor one per level
    [InlineData("retinanet.iou_labels=[0,1]", "retinanet.iou_labels")]          // 2 thresholds need 3 labels
    [InlineData("retinanet.iou_thresholds=[0.5,0.4]", "retinanet.iou_thresholds")]
    [InlineData("retinanet.norm=FrozenBN", "retinanet.norm")]
    [InlineData("retinanet.fpn_norm=FrozenBN", "retinanet.fpn_norm")]
    [InlineData("retinanet.prior_prob=0", "retinanet.prior_prob")]
    [InlineData("retinanet.fpn_in_features=[\"res4\",\"res3\"]", "retinanet.fpn_in_features")]
    [InlineData("retinanet.bbox_reg_weights=[1,1,1]", "retinanet.bbox_reg_weights")]
    [InlineData("retinanet.topk_candidates_test=0", "retinanet.topk_candidates_test")]
    public void InvalidSettingsAreRejectedNamingTheKey(string assignment, string message)
    {
        var config = Load("coco_retinanet_r18_fpn_mini.json", assignment);
        var error = Assert.ThrowsAny<DuprException>(config.Validate);
        Assert.Contains(message, error.Message);
    }
}
