using Dupr.Cli;
using Dupr.Cli.Commands;
using Dupr.Core.Runtime;
using Dupr.Tests;
using Newtonsoft.Json.Linq;

namespace Dupr.Cli.Tests.Commands;

/// <summary>`dupr evaluate coco|voc` end to end on the golden fixtures: printed tables, metrics JSON, errors.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class EvaluateCommandsTests
{
    static string CocoCase => Path.Combine(TestPaths.Fixtures, "coco-eval", "case001");
    static string VocCase => Path.Combine(TestPaths.Fixtures, "voc-eval", "case000");

    [Theory]
    [InlineData("bbox")]
    [InlineData("segm")]
    public void CocoPrintsSummaryAndWritesMetrics(string iouType)
    {
        using var temp = TestPaths.Temp();
        string output = temp.File("metrics.json");
        string stdout = ConsoleCapture.Run(() => new EvaluateCommands().Coco(new GlobalOptions(),
            Path.Combine(CocoCase, "gt.json"), Path.Combine(CocoCase, $"dt_{iouType}.json"), iouType, output));

        JObject expected = JObject.Parse(File.ReadAllText(Path.Combine(CocoCase, "expected.json")));
        double[] stats = expected[iouType]!.Values<double>().ToArray();
        Assert.Contains($" Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = {stats[0]:0.000}", stdout);
        Assert.Contains($"Per-category {iouType} AP:", stdout);
        JObject metrics = JObject.Parse(File.ReadAllText(output));
        Assert.Equal(iouType, (string)metrics["iou_type"]!);
        string[] names = ["AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"];
        for (int i = 0; i < names.Length; i++) Assert.Equal(stats[i], (double)metrics["metrics"]![names[i]]!, 1e-6);
        Assert.NotEmpty(metrics["per_category_AP"]!.Children());
    }

    [Theory]
    [InlineData(null, "voc07_11point")]
    [InlineData("07", "voc07_11point")]
    [InlineData("area", "area")]
    public void VocPrintsTableAndWritesMetrics(string? metric, string expectedKey)
    {
        using var temp = TestPaths.Temp();
        string output = temp.File("voc.json");
        string stdout = ConsoleCapture.Run(() => new EvaluateCommands().Voc(new GlobalOptions(),
            Path.Combine(VocCase, "VOCdevkit"), Path.Combine(VocCase, "results"), "2007", "test", metric, output));

        JToken expected = JObject.Parse(File.ReadAllText(Path.Combine(VocCase, "expected.json")))[expectedKey]!;
        Assert.Contains($"| {(double)expected["AP"]!,6:0.00} | {(double)expected["AP50"]!,6:0.00} | {(double)expected["AP75"]!,6:0.00} |", stdout);
        JObject metrics = JObject.Parse(File.ReadAllText(output));
        Assert.Equal(metric ?? "07", (string)metrics["metric"]!);
        foreach (string key in new[] { "AP", "AP50", "AP75" })
            Assert.Equal((double)expected[key]!, (double)metrics["metrics"]![key]!, 1e-6);
        Assert.Equal((double)expected["per_class_AP50"]!["dog"]!, (double)metrics["per_class_AP50"]!["dog"]!, 1e-6);
    }

    [Fact]
    public void BadOptionsAreOneLineErrors()
    {
        Assert.Contains("--iou-type: expected bbox or segm, got 'mask'", Assert.Throws<DuprException>(() => new EvaluateCommands().Coco(new GlobalOptions(),
            Path.Combine(CocoCase, "gt.json"), Path.Combine(CocoCase, "dt_bbox.json"), "mask", null)).Message);
        Assert.Contains("--metric: expected 07 or area, got '12'", Assert.Throws<DuprException>(() => new EvaluateCommands().Voc(new GlobalOptions(),
            Path.Combine(VocCase, "VOCdevkit"), Path.Combine(VocCase, "results"), "2007", "test", "12", null)).Message);
    }

    [Fact]
    public void ProgramReportsUserErrorsWithExitCodeOne()
    {
        var stderr = new StringWriter();
        TextWriter previous = Console.Error;
        Console.SetError(stderr);
        try
        {
            int code = Program.Main(["evaluate", "coco", "--gt", "/nonexistent/gt.json", "--results", "/nonexistent/dt.json"]);
            Assert.Equal(1, code);
        }
        finally
        {
            Console.SetError(previous);
            Environment.ExitCode = 0;
        }
        Assert.Contains("dupr: error: /nonexistent/gt.json: file not found", stderr.ToString());
    }
}
