using Dupr.Core.Runtime;
using Dupr.Detection.Config;
using Dupr.Detection.Data.Coco;
using Dupr.Detection.Evaluation;
using Dupr.Detection.Training;
using Dupr.Tests;
using Dupr.Detection.Evaluation.Coco;

namespace Dupr.Detection.Tests.Training;

/// <summary>Building a run's datasets from its config: formats, concatenated sets, and class names that must agree.</summary>
public sealed class DetectionDatasetsTests : IClassFixture<TinyWorld>
{
    readonly TinyWorld _world;

    public DetectionDatasetsTests(TinyWorld world) => _world = world;

    [Fact]
    public void CocoClassNamesComeFromTheFileInAscendingCategoryId()
    {
        var config = TinyWorld.Config(DatasetFormat.Coco, 1);
        var train = DetectionDatasets.Train(config, _world.Root);
        Assert.Equal(TinyWorld.Classes, train.ClassNames);
        Assert.Equal(8, train.Dataset.Count);
        var test = Assert.IsType<CocoTestSet>(DetectionDatasets.Test(config, _world.Root));
        Assert.Equal(4, test.Dataset.Count);
        Assert.False(test.EvaluatesMasks);
    }

    [Fact]
    public void SeveralCocoTrainingSetsAreConcatenated()
    {
        var config = TinyWorld.Config(DatasetFormat.Coco, 1);
        config.Datasets.Train = ["coco/annotations/instances_train.json:coco/train", "coco/annotations/instances_val.json:coco/val"];
        var train = DetectionDatasets.Train(config, _world.Root);
        Assert.Equal(12, train.Dataset.Count);
        using var last = train.Dataset.Get(11, new SampleRng(0));
        Assert.Equal(2003, last.ImageId);
    }

    [Fact]
    public void ClassNamesThatDisagreeAreRejectedWithTheSettingToFix()
    {
        var named = TinyWorld.Config(DatasetFormat.Coco, 1);
        named.Datasets.ClassNames = ["red", "blue"]; // the file's ascending category ids give blue, red
        Assert.Contains("datasets.class_names [red, blue] differ", Assert.Throws<DuprException>(() => DetectionDatasets.Train(named, _world.Root)).Message);

        var counted = TinyWorld.Config(DatasetFormat.Coco, 1);
        counted.RoiHeads.NumClasses = 3;
        Assert.Contains("roi_heads.num_classes is 3", Assert.Throws<DuprException>(() => DetectionDatasets.Test(counted, _world.Root)).Message);

        var voc = TinyWorld.Config(DatasetFormat.Voc, 1);
        voc.Datasets.ClassNames = []; // the 20 VOC classes against a 2-class head
        Assert.Contains("roi_heads.num_classes is 2", Assert.Throws<DuprException>(() => DetectionDatasets.Train(voc, _world.Root)).Message);
    }

    [Fact]
    public void ConcatenatedCocoSetsMustShareTheirCategories()
    {
        using var temp = TestPaths.Temp();
        var original = CocoReader.Read(Path.Combine(_world.Root, "coco", "annotations", "instances_val.json"));
        var renamed = new CocoDataset("renamed", original.Images, [new CocoCategory(5, "red", null), new CocoCategory(2, "navy", null)], original.Annotations);
        CocoWriter.Write(renamed, temp.File("renamed.json"));
        var config = TinyWorld.Config(DatasetFormat.Coco, 1);
        config.Datasets.Train = ["coco/annotations/instances_train.json:coco/train", $"{temp.File("renamed.json")}:coco/val"];
        var error = Assert.Throws<DuprException>(() => DetectionDatasets.Train(config, _world.Root));
        Assert.Contains("[2:navy, 5:red]", error.Message);
        Assert.Contains("must share their categories", error.Message);
    }

    [Fact]
    public void MissingFilesAndSeveralCocoTestSetsAreClearErrors()
    {
        var missing = TinyWorld.Config(DatasetFormat.Coco, 1);
        missing.Datasets.Train = ["coco/annotations/nope.json:coco/train"];
        Assert.Contains("nope.json: annotation file not found (sets are relative to --data", Assert.Throws<DuprException>(() => DetectionDatasets.Train(missing, _world.Root)).Message);

        var two = TinyWorld.Config(DatasetFormat.Coco, 1);
        two.Datasets.Test = ["coco/annotations/instances_val.json:coco/val", "coco/annotations/instances_train.json:coco/train"];
        Assert.Contains("takes one", Assert.Throws<DuprException>(() => DetectionDatasets.Test(two, _world.Root)).Message);

        var none = TinyWorld.Config(DatasetFormat.Voc, 1);
        none.Datasets.Test = [];
        Assert.Null(DetectionDatasets.Test(none, _world.Root));
    }

    [Fact]
    public void MaskDetectorsNeedPolygons()
    {
        var voc = TinyWorld.Config(DatasetFormat.Voc, 1);
        voc.Architecture = DetectorArchitecture.MaskRcnnC4;
        Assert.Contains("needs instance masks", Assert.Throws<DuprException>(() => DetectionDatasets.Train(voc, _world.Root)).Message);

        var coco = TinyWorld.Config(DatasetFormat.Coco, 1);
        coco.Architecture = DetectorArchitecture.MaskRcnnC4;
        Assert.Equal(8, DetectionDatasets.Train(coco, _world.Root).Dataset.Count); // the tiny world's COCO files have polygons
        Assert.True(Assert.IsType<CocoTestSet>(DetectionDatasets.Test(coco, _world.Root)).EvaluatesMasks);
    }
}
