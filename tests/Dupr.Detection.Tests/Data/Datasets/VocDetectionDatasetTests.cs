using System.Xml.Linq;
using Dupr.Core.Runtime;
using Dupr.Detection.Data;
using Dupr.Detection.Data.Datasets;
using Dupr.Detection.Data.Transforms;
using Dupr.Detection.Data.Voc;
using Dupr.Tests;
using static TorchSharp.torch;

namespace Dupr.Detection.Tests.Data.Datasets;

/// <summary>The VOC detection dataset on hand-written devkits: unions of image sets, box conversion, difficult flags.</summary>
public sealed class VocDetectionDatasetTests
{
    // (name, difficult, xmin, ymin, xmax, ymax) in the devkit's 1-based inclusive pixels.
    static void WriteImage(string devkit, string year, string id, int width, int height, params (string Name, bool Difficult, int XMin, int YMin, int XMax, int YMax)[] objects)
    {
        string root = Path.Combine(devkit, $"VOC{year}");
        Directory.CreateDirectory(Path.Combine(root, "Annotations"));
        new XElement("annotation",
            new XElement("filename", id + ".jpg"),
            new XElement("size", new XElement("width", width), new XElement("height", height), new XElement("depth", 3)),
            objects.Select(o => new XElement("object",
                new XElement("name", o.Name),
                new XElement("difficult", o.Difficult ? 1 : 0),
                new XElement("bndbox", new XElement("xmin", o.XMin), new XElement("ymin", o.YMin), new XElement("xmax", o.XMax), new XElement("ymax", o.YMax)))))
            .Save(Path.Combine(root, "Annotations", id + ".xml"));
        DatasetFiles.WriteImage(Path.Combine(root, "JPEGImages", id + ".jpg"), width, height);
    }

    static void WriteImageSet(string devkit, string year, string split, params string[] ids)
    {
        string sets = Path.Combine(devkit, $"VOC{year}", "ImageSets", "Main");
        Directory.CreateDirectory(sets);
        File.WriteAllLines(Path.Combine(sets, split + ".txt"), ids);
    }

    // VOC2007 trainval: two images, one difficult object among three; VOC2012 trainval: one image.
    static string Devkit(TempDirectory temp)
    {
        string devkit = temp.File("VOCdevkit");
        WriteImage(devkit, "2007", "000005", 50, 40, ("dog", false, 1, 1, 50, 40), ("person", true, 11, 6, 20, 30));
        WriteImage(devkit, "2007", "000007", 40, 30, ("car", false, 5, 5, 9, 9));
        WriteImage(devkit, "2012", "2008_000002", 30, 20, ("tvmonitor", true, 2, 3, 4, 5));
        WriteImageSet(devkit, "2007", "trainval", "000005", "000007");
        WriteImageSet(devkit, "2012", "trainval", "2008_000002");
        return devkit;
    }

    [Fact]
    public void UnionOfYearsConvertsBoxesAndKeepsDifficultObjectsFlagged()
    {
        using var temp = TestPaths.Temp();
        var dataset = new VocDetectionDataset(Devkit(temp), [("2007", "trainval"), ("2012", "trainval")], DatasetFiles.Identity(20));
        Assert.Equal(3, dataset.Count);
        Assert.Equal(VocClasses.Names, dataset.ClassNames);
        Assert.Equal([0L, 1L, 2L], dataset.Records.Select(r => r.ImageId));
        Assert.EndsWith(Path.Combine("VOC2012", "JPEGImages", "2008_000002.jpg"), dataset.Records[2].FilePath);
        // Difficult objects stay training instances (detectron2), flagged: 2 of 4 objects.
        Assert.Equal(4, dataset.Records.Sum(r => r.Count));
        Assert.Equal(2, dataset.Records.Sum(r => r.Difficult!.Count(d => d)));

        using var scope = NewDisposeScope();
        DetectionSample first = dataset.Get(0, new SampleRng(0));
        // (xmin - 1, ymin - 1, xmax, ymax): the whole-image box (1, 1, 50, 40) is (0, 0, 50, 40).
        Assert.Equal(new float[] { 0, 0, 50, 40, 10, 5, 20, 30 }, dataset.Records[0].Boxes);
        Assert.Equal(["dog", "person"], dataset.Records[0].Classes.Select(c => VocClasses.Names[(int)c]));
        Assert.Equal([false, true], first.Difficult!.data<bool>().ToArray());
    }

    [Fact]
    public void DifficultFlagsFollowTheTrainingPipelineIntoTheBatch()
    {
        using var temp = TestPaths.Temp();
        var training = DetectionAugmentation.ForTraining(new DetectionTransformOptions { MinSizeTrain = [80], MaxSizeTrain = 1000, FlipProbability = 1 });
        var dataset = new VocDetectionDataset(Devkit(temp), [("2007", "trainval")], training);
        using var scope = NewDisposeScope();
        using DetectionBatch batch = DetectionBatch.Collate([dataset.Get(0, new SampleRng(1)), dataset.Get(1, new SampleRng(2))]);
        DetectionSample flipped = batch.Samples[0]; // 50x40 -> 100x80, mirrored
        Assert.Equal(new float[] { 0, 0, 100, 80, 60, 10, 80, 60 }, flipped.Boxes.data<float>().ToArray());
        Assert.Equal([false, true], flipped.Difficult!.data<bool>().ToArray());
        Assert.Equal([false], batch.Samples[1].Difficult!.data<bool>().ToArray());
    }

    [Fact]
    public void CustomClassesAndTheReadersErrorsSurface()
    {
        using var temp = TestPaths.Temp();
        string devkit = Devkit(temp);
        var unknown = Assert.Throws<DuprException>(() => new VocDetectionDataset(devkit, [("2007", "trainval")], DatasetFiles.Identity(20), classNames: ["dog", "person"]));
        Assert.Contains("000007.xml: object 0: class \"car\" is not one of dog, person", unknown.Message);
        var custom = new VocDetectionDataset(devkit, [("2012", "trainval")], DatasetFiles.Identity(20), classNames: ["tvmonitor"]);
        Assert.Equal([0L], custom.Records[0].Classes);

        File.WriteAllText(Path.Combine(devkit, "VOC2007", "Annotations", "000007.xml"), "<annotation><object>");
        Assert.Contains("000007.xml: invalid XML", Assert.Throws<DuprException>(() => new VocDetectionDataset(devkit, [("2007", "trainval")], DatasetFiles.Identity(20))).Message);
        Assert.Contains("image set not found", Assert.Throws<DuprException>(() => new VocDetectionDataset(devkit, [("2012", "val")], DatasetFiles.Identity(20))).Message);
    }

    [Fact]
    public void AnImageWithoutObjectsIsFilteredForTrainingOnly()
    {
        using var temp = TestPaths.Temp();
        string devkit = Devkit(temp);
        WriteImage(devkit, "2007", "000009", 30, 20);
        WriteImageSet(devkit, "2007", "test", "000009", "000007");
        Assert.Equal(1, new VocDetectionDataset(devkit, [("2007", "test")], DatasetFiles.Identity(20)).Count);
        Assert.Equal(2, new VocDetectionDataset(devkit, [("2007", "test")], DatasetFiles.Identity(20), DetectionDatasetOptions.Evaluation).Count);
    }
}
