using System.Xml.Linq;
using Dupr.Benchmarks.Synthetic;
using Dupr.Core.Runtime;
using Dupr.Tests;
using Newtonsoft.Json.Linq;

namespace Dupr.Benchmarks.Tests.Synthetic;

public class SyntheticWorldTests
{
    static readonly SyntheticWorldOptions Small = new() { Train = 12, Val = 6, Unlabeled = 5, Size = 64, Classes = 4, Seed = 11 };

    [Fact]
    public void SameSeedGivesIdenticalFilesAndOtherSeedsDiffer()
    {
        using var temp = TestPaths.Temp();
        var first = SyntheticWorld.Generate(Small, temp.File("a"));
        var second = SyntheticWorld.Generate(Small, temp.File("b"));
        var other = SyntheticWorld.Generate(Small with { Seed = 12 }, temp.File("c"));
        Assert.Equal(first.Checksum, second.Checksum);
        Assert.Equal(first.Checksum, SyntheticWorld.Checksum(temp.File("b"))); // the manifest's checksum is the files'
        Assert.NotEqual(first.Checksum, other.Checksum);
    }

    [Fact]
    public void TheUnlabeledLayoutChangesOnlyTheUnlabeledImages()
    {
        using var temp = TestPaths.Temp();
        SyntheticWorld.Generate(Small, temp.File("scenes"));
        SyntheticWorld.Generate(Small with { UnlabeledLayout = UnlabeledLayout.Objects }, temp.File("objects"));
        SyntheticWorld.Generate(Small with { UnlabeledLayout = UnlabeledLayout.PlainObjects }, temp.File("plain"));
        string[] Files(string world, string folder) => Directory.GetFiles(temp.File(Path.Combine(world, folder))).Order().ToArray();
        foreach (string world in new[] { "objects", "plain" })
        {
            Assert.Equal(Files("scenes", "coco/train").Select(File.ReadAllBytes), Files(world, "coco/train").Select(File.ReadAllBytes));
            Assert.Equal(File.ReadAllText(temp.File("scenes/coco/annotations/instances_val.json")), File.ReadAllText(temp.File($"{world}/coco/annotations/instances_val.json")));
            Assert.NotEqual(Files("scenes", "unlabeled").Select(File.ReadAllBytes), Files(world, "unlabeled").Select(File.ReadAllBytes));
        }
        Assert.NotEqual(Files("objects", "unlabeled").Select(File.ReadAllBytes), Files("plain", "unlabeled").Select(File.ReadAllBytes));
        Assert.Contains("plain colour gradient", File.ReadAllText(temp.File("plain/README.md")));
    }

    [Fact]
    public void AnObjectCentricSceneHasOneLargeObjectNearTheCentre()
    {
        for (int seed = 0; seed < 50; seed++)
        {
            var scene = SceneLayout.CreateObjectCentric(new Random(seed), 128, 6);
            var obj = Assert.Single(scene.Objects);
            double side = Math.Min(obj.Box.X2 - obj.Box.X1, obj.Box.Y2 - obj.Box.Y1), shortSide = Math.Min(scene.Width, scene.Height);
            Assert.InRange(side / shortSide, 0.25, 0.95);
            Assert.InRange((obj.Box.X1 + obj.Box.X2) / 2 / scene.Width, 0.3, 0.7);
            Assert.InRange((obj.Box.Y1 + obj.Box.Y2) / 2 / scene.Height, 0.3, 0.7);
        }
    }

    [Fact]
    public void CocoAndVocDescribeTheSameObjects()
    {
        using var temp = TestPaths.Temp();
        SyntheticWorld.Generate(Small, temp.Path);
        var coco = JObject.Parse(File.ReadAllText(temp.File("coco/annotations/instances_train.json")));
        var categories = coco["categories"]!.ToDictionary(c => (int)c["id"]!, c => (string)c["name"]!);
        Assert.Equal(["circle", "square", "triangle", "star"], categories.Values);
        var images = coco["images"]!.ToList();
        Assert.Equal(Small.Train, images.Count);
        var trainIds = File.ReadAllLines(temp.File("VOCdevkit/VOC2007/ImageSets/Main/trainval.txt"));
        Assert.Equal(images.Select(i => $"{(int)i["id"]!:D6}"), trainIds);

        foreach (JToken image in images)
        {
            int id = (int)image["id"]!;
            Assert.True(File.Exists(temp.File($"coco/train/{image["file_name"]}")));
            Assert.True(File.Exists(temp.File($"VOCdevkit/VOC2007/JPEGImages/{id:D6}.jpg")));
            var xml = XDocument.Load(temp.File($"VOCdevkit/VOC2007/Annotations/{id:D6}.xml"));
            Assert.Equal((int)image["width"]!, (int)xml.Root!.Element("size")!.Element("width")!);
            var vocObjects = xml.Root.Elements("object").ToList();
            var cocoObjects = coco["annotations"]!.Where(a => (int)a["image_id"]! == id).ToList();
            Assert.Equal(cocoObjects.Count, vocObjects.Count);
            foreach (var (annotation, obj) in cocoObjects.Zip(vocObjects))
            {
                Assert.Equal(categories[(int)annotation["category_id"]!], (string)obj.Element("name")!);
                double[] box = annotation["bbox"]!.Select(v => (double)v).ToArray();
                var bnd = obj.Element("bndbox")!;
                Assert.InRange((int)bnd.Element("xmin")! - 1 - box[0], -1.0, 0.01);
                Assert.InRange((int)bnd.Element("xmax")! - (box[0] + box[2]), -0.01, 1.0);
                double[] polygon = annotation["segmentation"]![0]!.Select(v => (double)v).ToArray();
                Assert.True(polygon.Length >= 6);
                Assert.All(polygon.Where((_, i) => i % 2 == 0), x => Assert.InRange(x, 0, (double)image["width"]!));
                Assert.InRange((double)annotation["area"]!, 1, box[2] * box[3] + 1e-6);
            }
        }
        Assert.Equal(Small.Unlabeled, Directory.GetFiles(temp.File("unlabeled"), "*.jpg").Length);
    }

    [Fact]
    public void DefaultWorldHasDifficultObjectsAndSeveralObjectsPerImage()
    {
        using var temp = TestPaths.Temp();
        var summary = SyntheticWorld.Generate(new SyntheticWorldOptions { Train = 60, Val = 20, Unlabeled = 0 }, temp.Path);
        Assert.InRange(summary.Objects / 80.0, 2.0, 6.0);
        Assert.True(summary.Difficult > 0);
        Assert.Contains("difficult", File.ReadAllText(temp.File("README.md")));
    }

    [Fact]
    public void FinishedWorldIsReusedAndOtherOptionsAreRefused()
    {
        using var temp = TestPaths.Temp();
        SyntheticWorld.Generate(Small, temp.Path);
        Assert.True(SyntheticWorld.Generate(Small, temp.Path).Reused);
        var error = Assert.Throws<DuprException>(() => SyntheticWorld.Generate(Small with { Classes = 3 }, temp.Path));
        Assert.Contains("--force", error.Message);
        Assert.False(SyntheticWorld.Generate(Small with { Classes = 3 }, temp.Path, force: true).Reused);
    }

    [Fact]
    public void NonEmptyFolderIsRefusedAndBadOptionsAreNamed()
    {
        using var temp = TestPaths.Temp();
        File.WriteAllText(temp.File("keep.txt"), "user data");
        Assert.Contains("not empty", Assert.Throws<DuprException>(() => SyntheticWorld.Generate(Small, temp.Path)).Message);
        Assert.Equal("user data", File.ReadAllText(temp.File("keep.txt")));
        Assert.Contains("--classes", Assert.Throws<DuprException>(() => SyntheticWorld.Generate(Small with { Classes = 9 }, temp.File("x"))).Message);
        Assert.Contains("--size", Assert.Throws<DuprException>(() => SyntheticWorld.Generate(Small with { Size = 8 }, temp.File("x"))).Message);
    }

    [Fact]
    public void ClippingKeepsPolygonsInsideTheImage()
    {
        var square = new List<(double X, double Y)> { (-5, -5), (5, -5), (5, 5), (-5, 5) };
        var clipped = PolygonMath.ClipToRectangle(square, 10, 10);
        Assert.Equal(25, PolygonMath.Area(clipped), 9);
        Assert.Equal((0, 0, 5, 5), PolygonMath.Bounds(clipped));
        Assert.True(PolygonMath.Contains(square, 0, 0));
        Assert.False(PolygonMath.Contains(square, 6, 0));
    }
}
