using Dupr.Tests;

namespace Dupr.Cli.Tests.Commands;

[Collection(ConsoleCollection.Name)]
public class BenchOpsCommandTests
{
    [Fact]
    public void WritesTheSelectedRowsToCsv()
    {
        using var temp = TestPaths.Temp();
        string csv = temp.File("ops.csv");
        int exit = Program.Main(["bench", "ops", "--device", "cpu", "--only", "nms 1000", "--repeats", "1", "--warmup", "1", "--output", csv]);
        Assert.Equal(0, exit);
        var lines = File.ReadAllLines(csv);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("nms 1000 boxes iou 0.7,1,", lines[1]);
    }

    [Fact]
    public void AnUnknownImplementationIsAOneLineError()
    {
        var error = new StringWriter();
        var saved = Console.Error;
        Console.SetError(error);
        try
        {
            Assert.Equal(1, Program.Main(["bench", "ops", "--roi-align", "gpu-magic"]));
        }
        finally
        {
            Console.SetError(saved);
            Environment.ExitCode = 0;
        }
        Assert.Contains("--roi-align: expected auto, kernel or composition", error.ToString());
    }
}
