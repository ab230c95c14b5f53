using Dupr.Core.Config;
using Dupr.Core.Modeling;
using Dupr.Core.Training;
using Dupr.Detection.Config;
using Dupr.Tests;

namespace Dupr.Detection.Tests.Config;

public class DetectionConfigTests
{
    static string ConfigDir => Path.Combine(TestPaths.RepoRoot, "configs", "detection");

    public static TheoryData<string> AllConfigs() =>
        new(Directory.GetFiles(ConfigDir, "*.json", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(ConfigDir, f)));

    [Theory]
    [MemberData(nameof(AllConfigs))]
    public void EveryDetectionConfigResolvesAndValidates(string name) =>
        ConfigLoader.Load<DetectionConfig>(Path.Combine(ConfigDir, name)).Validate();

    [Fact]
    public void DefaultsAreDetectron2s()
    {
        var config = new DetectionConfig();
        Assert.Equal([0.3, 0.7], config.Rpn.IouThresholds);
        Assert.Equal((12000, 6000, 2000, 1000), (config.Rpn.PreNmsTopkTrain, config.Rpn.PreNmsTopkTest, config.Rpn.PostNmsTopkTrain, config.Rpn.PostNmsTopkTest));
        Assert.Equal((256, 0.5, 0.7), (config.Rpn.BatchSizePerImage, config.Rpn.PositiveFraction, config.Rpn.NmsThresh));
        Assert.Equal((512, 0.25, 0.5), (config.RoiHeads.BatchSizePerImage, config.RoiHeads.PositiveFraction, config.RoiHeads.IouThreshold));
        Assert.Equal([10.0, 10, 5, 5], config.RoiHeads.BboxRegWeights);
        Assert.Equal((14, 0, true), (config.RoiHeads.PoolerResolution, config.RoiHeads.PoolerSamplingRatio, config.RoiHeads.PoolerAligned));
        Assert.Equal((0.05, 0.5, 100), (config.RoiHeads.ScoreThreshTest, config.RoiHeads.NmsThreshTest, config.RoiHeads.DetectionsPerImage));
        Assert.Equal((NormKind.FrozenBN, 2), (config.Backbone.Norm, config.Backbone.FreezeAt));
    }

    [Fact]
    public void VocRecipeIsMocosDetectron2Recipe()
    {
        var voc = ConfigLoader.Load<DetectionConfig>(Path.Combine(ConfigDir, "voc_faster_rcnn_r50_c4_24k.json"));
        Assert.Equal((50, NormKind.SyncBN, 0), (voc.Backbone.Depth, voc.Backbone.Norm, voc.Backbone.FreezeAt));
        Assert.Equal((20, NormKind.SyncBN), (voc.RoiHeads.NumClasses, voc.RoiHeads.Res5ExtraNorm));
        Assert.Equal((24000L, LrPolicy.MultiStep, 100L, 0.02, 16), (voc.Solver.MaxIter, voc.Solver.Policy, voc.Solver.WarmupIters, voc.Solver.BaseLr, voc.Train.BatchSize));
        Assert.Equal([18000L, 22000], voc.Solver.Steps);
        Assert.Equal(Enumerable.Range(0, 11).Select(i => 480 + 32 * i), voc.Input.MinSizeTrain);
        Assert.Equal(800, voc.Input.MinSizeTest);
    }

    // detectron2's SOLVER.WEIGHT_DECAY_NORM 0 in every paper recipe, TEST.PRECISE_BN where MoCo's Base-RCNN-C4-BN and detectron2's
    // SyncBN FPN recipe have it (not Base-RetinaNet); the minis that inherit them keep the behaviour of eval/baselines/mini.csv.
    [Theory]
    [InlineData("voc_faster_rcnn_r50_c4_24k.json", true)]
    [InlineData("coco_mask_rcnn_r50_c4_1x.json", true)]
    [InlineData("coco_mask_rcnn_r50_c4_2x.json", true)]
    [InlineData("coco_mask_rcnn_r50_fpn_1x.json", true)]
    [InlineData("coco_mask_rcnn_r50_fpn_2x.json", true)]
    [InlineData("cityscapes_mask_rcnn_r50_fpn_90k.json", true)]
    [InlineData("lvis_v1_mask_rcnn_r50_fpn_180k.json", true)]
    [InlineData("coco_retinanet_r50_fpn_1x.json", false)]
    [InlineData("coco_retinanet_r50_fpn_2x.json", false)]
    public void PaperRecipesTakeDetectron2sNormDecayAndPreciseBn(string name, bool preciseBn)
    {
        var config = ConfigLoader.Load<DetectionConfig>(Path.Combine(ConfigDir, name));
        Assert.Equal((0.0, 1e-4), (config.Solver.WeightDecayNorm, config.Solver.WeightDecay));
        Assert.Equal((preciseBn, 200), (config.Test.PreciseBn.Enabled, config.Test.PreciseBn.NumIter));
        Assert.Equal(1, config.Train.Accumulation);
    }

    [Theory]
    [MemberData(nameof(MiniConfigs))]
    public void MiniRecipesKeepOneWeightDecayNoPreciseBnAndNoAccumulation(string name)
    {
        var config = ConfigLoader.Load<DetectionConfig>(Path.Combine(ConfigDir, name));
        Assert.Null(config.Solver.WeightDecayNorm);
        Assert.False(config.Test.PreciseBn.Enabled);
        Assert.Equal(1, config.Train.Accumulation);
    }

    public static TheoryData<string> MiniConfigs() => new(Directory.GetFiles(ConfigDir, "*_mini.json").Select(Path.GetFileName)!);

    [Fact]
    public void CocoMiniRecipeReadsTheSyntheticWorldsCocoFilesAndIsEvaluatedPeriodically()
    {
        var coco = ConfigLoader.Load<DetectionConfig>(Path.Combine(ConfigDir, "coco_faster_rcnn_r18_c4_mini.json"));
        var voc = ConfigLoader.Load<DetectionConfig>(Path.Combine(ConfigDir, "voc_faster_rcnn_r18_c4_mini.json"));
        Assert.Equal((DatasetFormat.Coco, DatasetFormat.Voc), (coco.Datasets.Format, voc.Datasets.Format));
        Assert.Equal(["coco/annotations/instances_train.json:coco/train"], coco.Datasets.Train);
        Assert.Equal(["coco/annotations/instances_val.json:coco/val"], coco.Datasets.Test);
        Assert.Empty(coco.Datasets.ClassNames); // taken from the annotation file
        Assert.Equal((100L, 0L), (coco.Train.EvalPeriod, voc.Train.EvalPeriod));
        // Apart from the data, the same mini recipe.
        Assert.Equal(ConfigLoader.Serialize(voc.RoiHeads), ConfigLoader.Serialize(coco.RoiHeads));
        Assert.Equal(ConfigLoader.Serialize(voc.Solver), ConfigLoader.Serialize(coco.Solver));
    }

    [Fact]
    public void ANegativeEvalPeriodIsRejected()
    {
        var config = new DetectionConfig { Train = new DetectionTrainSection { EvalPeriod = -1 } };
        Assert.Contains("train.eval_period", Assert.Throws<Dupr.Core.Runtime.DuprException>(config.Validate).Message);
    }

    [Fact]
    public void FpnAndHeadDefaultsAreDetectron2s()
    {
        var config = new DetectionConfig();
        Assert.Equal(["res2", "res3", "res4", "res5"], config.Fpn.InFeatures);
        Assert.Equal((256, NormKind.None, FpnTopBlock.MaxPool), (config.Fpn.OutChannels, config.Fpn.Norm, config.Fpn.TopBlock));
        Assert.Equal((0, 256, 2, 1024, NormKind.None), (config.BoxHead.NumConv, config.BoxHead.ConvDim, config.BoxHead.NumFc, config.BoxHead.FcDim, config.BoxHead.Norm));
        Assert.Equal((4, 256, NormKind.None, false), (config.MaskHead.NumConv, config.MaskHead.ConvDim, config.MaskHead.Norm, config.MaskHead.ClassAgnostic));
        Assert.Equal((14, 0, true), (config.MaskHead.PoolerResolution, config.MaskHead.PoolerSamplingRatio, config.MaskHead.PoolerAligned));
        Assert.Equal(["p2", "p3", "p4", "p5", "p6"], config.Fpn.Levels().Select(l => l.Name));
        Assert.Equal([4, 8, 16, 32, 64], config.Fpn.Levels().Select(l => l.Stride));
    }

    [Fact]
    public void CocoMaskRcnnFpnRecipeIsDetectron2sFpnWithMocosNorms()
    {
        var fpn = ConfigLoader.Load<DetectionConfig>(Path.Combine(ConfigDir, "coco_mask_rcnn_r50_fpn_1x.json"));
        Assert.Equal(DetectorArchitecture.MaskRcnnFpn, fpn.Architecture);
        Assert.Equal((50, NormKind.SyncBN, 0), (fpn.Backbone.Depth, fpn.Backbone.Norm, fpn.Backbone.FreezeAt));
        Assert.Equal((256, NormKind.SyncBN, FpnTopBlock.MaxPool), (fpn.Fpn.OutChannels, fpn.Fpn.Norm, fpn.Fpn.TopBlock));
        Assert.Equal([[32.0], [64], [128], [256], [512]], fpn.Anchors.Sizes);
        Assert.Equal(["p2", "p3", "p4", "p5", "p6"], fpn.Rpn.InFeatures);
        Assert.Equal((2000, 1000, 1000, 1000), (fpn.Rpn.PreNmsTopkTrain, fpn.Rpn.PreNmsTopkTest, fpn.Rpn.PostNmsTopkTrain, fpn.Rpn.PostNmsTopkTest));
        Assert.Equal(["p2", "p3", "p4", "p5"], fpn.RoiHeads.InFeatures);
        Assert.Equal((80, 7), (fpn.RoiHeads.NumClasses, fpn.RoiHeads.PoolerResolution));
        Assert.Equal((0, 2, 1024, NormKind.None), (fpn.BoxHead.NumConv, fpn.BoxHead.NumFc, fpn.BoxHead.FcDim, fpn.BoxHead.Norm));
        Assert.Equal((4, 256, 14, false), (fpn.MaskHead.NumConv, fpn.MaskHead.ConvDim, fpn.MaskHead.PoolerResolution, fpn.MaskHead.ClassAgnostic));
        Assert.Equal(DatasetFormat.Coco, fpn.Datasets.Format);
        Assert.Equal([640, 672, 704, 736, 768, 800], fpn.Input.MinSizeTrain);
        Assert.Equal((90000L, 1000L, 0.02, 16), (fpn.Solver.MaxIter, fpn.Solver.WarmupIters, fpn.Solver.BaseLr, fpn.Train.BatchSize));
        Assert.Equal([60000L, 80000], fpn.Solver.Steps);
    }

    [Theory]
    [InlineData("coco_mask_rcnn_r50_fpn_2x.json", 180000, 120000, 160000)]
    [InlineData("coco_mask_rcnn_r50_fpn_12k.json", 12000, 8000, 10667)]
    [InlineData("coco_mask_rcnn_r50_fpn_18k.json", 18000, 12000, 16000)]
    [InlineData("coco_mask_rcnn_r50_fpn_36k.json", 36000, 24000, 32000)]
    [InlineData("coco_mask_rcnn_r50_c4_2x.json", 180000, 120000, 160000)]
    public void SchedulesKeepTheRecipeAndMoveTheSteps(string name, long maxIter, long first, long second)
    {
        var config = ConfigLoader.Load<DetectionConfig>(Path.Combine(ConfigDir, name));
        Assert.Equal((maxIter, 0.02, 16), (config.Solver.MaxIter, config.Solver.BaseLr, config.Train.BatchSize));
        Assert.Equal([first, second], config.Solver.Steps);
        Assert.True(config.Architecture.PredictsMasks());
    }

    [Fact]
    public void CocoMaskRcnnC4RecipeIsMocosC4WithMasks()
    {
        var c4 = ConfigLoader.Load<DetectionConfig>(Path.Combine(ConfigDir, "coco_mask_rcnn_r50_c4_1x.json"));
        Assert.Equal(DetectorArchitecture.MaskRcnnC4, c4.Architecture);
        Assert.Equal((NormKind.SyncBN, 0, NormKind.SyncBN), (c4.Backbone.Norm, c4.Backbone.FreezeAt, c4.RoiHeads.Res5ExtraNorm));
        Assert.Equal((0, 14), (c4.MaskHead.NumConv, c4.RoiHeads.PoolerResolution));
        Assert.Equal((6000, 1000), (c4.Rpn.PreNmsTopkTest, c4.Rpn.PostNmsTopkTest));
        Assert.Equal([60000L, 80000], c4.Solver.Steps);
    }

    [Theory]
    [InlineData("coco_mask_rcnn_r18_fpn_mini.json", DetectorArchitecture.MaskRcnnFpn)]
    [InlineData("coco_mask_rcnn_r18_c4_mini.json", DetectorArchitecture.MaskRcnnC4)]
    public void MiniMaskRcnnConfigsReadTheSyntheticWorld(string name, DetectorArchitecture architecture)
    {
        var mini = ConfigLoader.Load<DetectionConfig>(Path.Combine(ConfigDir, name));
        Assert.Equal(architecture, mini.Architecture);
        Assert.Equal(DatasetFormat.Coco, mini.Datasets.Format);
        Assert.Equal(["coco/annotations/instances_train.json:coco/train"], mini.Datasets.Train);
        Assert.Equal(["coco/annotations/instances_val.json:coco/val"], mini.Datasets.Test);
        Assert.Equal(6, mini.RoiHeads.NumClasses);
        Assert.Equal(18, mini.Backbone.Depth);
    }

    public static TheoryData<string, string> InvalidFpnSettings() => new()
    {
        { "fpn.in_features=[\"res2\",\"stem\"]", "fpn.in_features" },
        { "fpn.in_features=[\"res3\",\"res2\"]", "fpn.in_features" },
        { "rpn.in_features=[\"p2\",\"p7\"]", "rpn.in_features" },
        { "rpn.in_features=[\"p3\",\"p2\"]", "rpn.in_features" },
        { "roi_heads.in_features=[\"p2\",\"p4\"]", "roi_heads.in_features" },
        { "roi_heads.in_features=[]", "roi_heads.in_features" },
        { "anchors.sizes=[[32],[64]]", "anchors.sizes" },
        { "anchors.sizes=[[32],[64],[128],[256],[512,600]]", "anchors" },
        { "fpn.out_channels=0", "fpn.out_channels" },
        { "fpn.norm=FrozenBN", "fpn.norm" },
        { "box_head.num_fc=-1", "box_head.num_fc" },
        { "box_head.norm=GN", "box_head.norm" },
        { "mask_head.conv_dim=0", "mask_head.conv_dim" },
        { "mask_head.pooler_resolution=0", "mask_head.pooler_resolution" },
        { "input.size_divisibility=16", "input.size_divisibility" },
        { "backbone.depth=20", "depth" },
    };

    [Theory]
    [MemberData(nameof(InvalidFpnSettings))]
    public void InvalidFpnSettingsAreNamed(string assignment, string key)
    {
        string path = Path.Combine(ConfigDir, "coco_mask_rcnn_r50_fpn_1x.json");
        var config = ConfigLoader.Load<DetectionConfig>(path, assignment == "box_head.norm=GN" ? [assignment, "box_head.num_conv=1", "box_head.conv_dim=48"] : [assignment]);
        var error = Assert.Throws<Dupr.Core.Runtime.DuprException>(config.Validate);
        Assert.Contains(key, error.Message);
    }

    [Fact]
    public void AFeatureOtherThanRes4IsRejected()
    {
        var config = new DetectionConfig { Rpn = new RpnSection { InFeatures = ["res5"] } };
        Assert.Throws<Dupr.Core.Runtime.DuprException>(config.Validate);
    }

    [Fact]
    public void AResolvedConfigLoadsBack()
    {
        using var temp = TestPaths.Temp();
        var mini = ConfigLoader.Load<DetectionConfig>(Path.Combine(ConfigDir, "voc_faster_rcnn_r18_c4_mini.json"));
        File.WriteAllText(temp.File("config.json"), ConfigLoader.Serialize(mini));
        Assert.Equal(ConfigLoader.Serialize(mini), ConfigLoader.Serialize(ConfigLoader.Load<DetectionConfig>(temp.File("config.json"))));
    }
}
