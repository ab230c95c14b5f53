using Dupr.Core.Runtime;
using Dupr.Detection.Data.Voc;
using Dupr.Detection.Evaluation;
using Dupr.Tests;
using Dupr.Detection.Evaluation.Voc;

namespace Dupr.Detection.Tests.Data;

/// <summary>VOC devkit annotations, image sets and results files: what is read and the errors given.</summary>
public sealed class VocReaderTests
{
    const string Annotation = """
        <annotation>
          <filename>000001.jpg</filename>
          <size><width>353</width><height>500</height><depth>3</depth></size>
          <object><name>dog</name><pose>Left</pose><truncated>1</truncated><difficult>0</difficult>
            <bndbox><xmin>48</xmin><ymin>240</ymin><xmax>195</xmax><ymax>371</ymax></bndbox></object>
          <object><name>person</name><difficult>1</difficult>
            <bndbox><xmin>8</xmin><ymin>12</ymin><xmax>352</xmax><ymax>498.5</ymax></bndbox></object>
        </annotation>
        """;

    static VocDevkit Devkit(TempDirectory temp, string annotation = Annotation, string imageSet = "000001\n\n")
    {
        string root = Path.Combine(temp.Path, "VOCdevkit", "VOC2007");
        Directory.CreateDirectory(Path.Combine(root, "Annotations"));
        Directory.CreateDirectory(Path.Combine(root, "ImageSets", "Main"));
        File.WriteAllText(Path.Combine(root, "Annotations", "000001.xml"), annotation);
        File.WriteAllText(Path.Combine(root, "ImageSets", "Main", "test.txt"), imageSet);
        return VocDevkit.Open(Path.Combine(temp.Path, "VOCdevkit"), "2007");
    }

    static string WriteResults(TempDirectory temp, string dogLines)
    {
        string dir = Path.Combine(temp.Path, "results");
        Directory.CreateDirectory(dir);
        foreach (string name in VocClasses.Names) File.WriteAllText(Path.Combine(dir, VocResultsReader.FileName(name)), "");
        File.WriteAllText(Path.Combine(dir, VocResultsReader.FileName("dog")), dogLines);
        return dir;
    }

    [Fact]
    public void ReadsObjectsFlagsAndSize()
    {
        using var temp = TestPaths.Temp();
        VocAnnotation a = Assert.Single(Devkit(temp).ReadAnnotations("test"));
        Assert.Equal(("000001", "000001.jpg", 353, 500, 3), (a.ImageId, a.FileName, a.Width, a.Height, a.Depth));
        Assert.Equal(new VocObject("dog", false, true, "Left", 48, 240, 195, 371), a.Objects[0]);
        Assert.Equal(new VocObject("person", true, false, null, 8, 12, 352, 498.5), a.Objects[1]);
    }

    [Fact]
    public void OpensTheYearFolderDirectlyToo()
    {
        using var temp = TestPaths.Temp();
        VocDevkit kit = Devkit(temp);
        Assert.Equal(kit.Root, VocDevkit.Open(kit.Root, "2007").Root);
        Assert.Contains("not a VOC devkit", Assert.Throws<DuprException>(() => VocDevkit.Open(temp.Path, "2012")).Message);
    }

    [Theory]
    [InlineData("<annotation><object><name>dog</name></object></annotation>", "000001.xml: object 0: missing <bndbox>")]
    [InlineData("<annotation><object><bndbox><xmin>1</xmin></bndbox></object></annotation>", "000001.xml: object 0: missing <name>")]
    [InlineData("<annotation><object><name>dog</name><bndbox><xmin>a</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object></annotation>", "object 0: <xmin> must be a number, found \"a\"")]
    [InlineData("<annotation><object>", "000001.xml: invalid XML")]
    public void MalformedAnnotationsNameTheFileAndObject(string xml, string message)
    {
        using var temp = TestPaths.Temp();
        VocDevkit kit = Devkit(temp, xml);
        Assert.Contains(message, Assert.Throws<DuprException>(() => kit.ReadAnnotations("test")).Message);
    }

    [Fact]
    public void MissingAnnotationOrImageSetIsAnError()
    {
        using var temp = TestPaths.Temp();
        VocDevkit kit = Devkit(temp, imageSet: "000001\n000002\n");
        Assert.Contains("000002.xml: annotation file not found", Assert.Throws<DuprException>(() => kit.ReadAnnotations("test")).Message);
        Assert.Contains("val.txt: image set not found", Assert.Throws<DuprException>(() => kit.ReadImageSet("val")).Message);
    }

    [Fact]
    public void ReadsResultLinesWithLineNumbers()
    {
        using var temp = TestPaths.Temp();
        VocDetections d = VocResultsReader.Read(WriteResults(temp, "000001 0.9 48.5 240 195 371\n\n000001  0.25 1 2 1.5 3\n"), VocClasses.Names);
        Assert.Equal([new VocDetection("000001", 0.9, 48.5, 240, 195, 371, 1), new VocDetection("000001", 0.25, 1, 2, 1.5, 3, 3)], d["dog"]);
        Assert.Empty(d["cat"]);
    }

    [Theory]
    [InlineData("000001 0.9 1 2 3\n", "comp4_det_test_dog.txt:1: expected \"image_id score xmin ymin xmax ymax\", found 5 fields")]
    [InlineData("000001 0.9 1 2 3 4\n000001 nan 1 2 3 4\n", "comp4_det_test_dog.txt:2: field 2 must be a finite number, found \"nan\"")]
    [InlineData("000001 0.9 10 2 8 4\n", "comp4_det_test_dog.txt:1: box has a negative size")]
    public void MalformedResultLinesNameTheFileAndLine(string lines, string message)
    {
        using var temp = TestPaths.Temp();
        Assert.Contains(message, Assert.Throws<DuprException>(() => VocResultsReader.Read(WriteResults(temp, lines), VocClasses.Names)).Message);
    }

    [Fact]
    public void MissingResultsFileIsAnError()
    {
        using var temp = TestPaths.Temp();
        string dir = WriteResults(temp, "");
        File.Delete(Path.Combine(dir, VocResultsReader.FileName("sofa")));
        Assert.Contains("comp4_det_test_sofa.txt: results file not found", Assert.Throws<DuprException>(() => VocResultsReader.Read(dir, VocClasses.Names)).Message);
    }

    [Fact]
    public void ResultsOnImagesOutsideTheSplitAreErrors()
    {
        using var temp = TestPaths.Temp();
        VocDetections d = VocResultsReader.Read(WriteResults(temp, "000001 0.9 1 2 3 4\n000777 0.5 1 2 3 4\n"), VocClasses.Names);
        string error = Assert.Throws<DuprException>(() => VocEvaluator.Evaluate(Devkit(temp).ReadAnnotations("test"), d, VocMetric.Area, VocClasses.Names)).Message;
        Assert.EndsWith("comp4_det_test_dog.txt:2: image 000777 is not in the image set", error);
    }
}
