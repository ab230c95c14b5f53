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
        Assert.Equal((50, NormKind.BN, 0), (voc.Backbone.Depth, voc.Backbone.Norm, voc.Backbone.FreezeAt));
        Assert.Equal((20, NormKind.BN), (voc.RoiHeads.NumClasses, voc.RoiHeads.Res5ExtraNorm));
        Assert.Equal((24000L, LrPolicy.MultiStep, 100L, 0.02, 16), (voc.Solver.MaxIter, voc.Solver.Policy, voc.Solver.WarmupIters, voc.Solver.BaseLr, voc.Train.BatchSize));
        Assert.Equal([18000L, 22000], voc.Solver.Steps);
        Assert.Equal(Enumerable.Range(0, 11).Select(i => 480 + 32 * i), voc.Input.MinSizeTrain);
        Assert.Equal(800, voc.Input.MinSizeTest);
    }

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
