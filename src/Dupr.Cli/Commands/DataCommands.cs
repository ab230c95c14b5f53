using Cocona;
using Dupr.Benchmarks.Synthetic;
using Dupr.Core.Runtime;

namespace Dupr.Cli.Commands;

/// <summary>`dupr data ...`: dataset tools.</summary>
public sealed class DataCommands
{
    [Command("synth", Description = "Generate the synthetic world: COCO JSON + VOCdevkit + unlabeled images, deterministic per --seed. A finished world with the same options is reused.")]
    public void Synth(
        GlobalOptions global,
        [Option("out", Description = "Output folder (created; must be empty unless --force).")] string output,
        [Option("train", Description = "Labeled training images.")] int train = 400,
        [Option("val", Description = "Labeled validation images (VOC2007 test).")] int val = 100,
        [Option("unlabeled", Description = "Unlabeled images for pre-training.")] int unlabeled = 2000,
        [Option("size", Description = "Nominal image side in pixels; sides vary in [0.75, 1.25] x size.")] int size = 128,
        [Option("classes", Description = "Number of object classes (1-8).")] int classes = 6,
        [Option("force", Description = "Replace whatever is in the output folder.")] bool force = false)
    {
        RuntimeOptions runtime = global.ToRuntimeOptions();
        var options = new SyntheticWorldOptions { Train = train, Val = val, Unlabeled = unlabeled, Size = size, Classes = classes, Seed = runtime.Seed };
        var started = System.Diagnostics.Stopwatch.StartNew();
        var summary = SyntheticWorld.Generate(options, output, force);
        string verb = summary.Reused ? "reused existing" : $"wrote in {started.Elapsed.TotalSeconds:0.0} s";
        Console.WriteLine($"synthetic world {verb}: {summary.Root}");
        Console.WriteLine($"  {summary.Images} images, {summary.Objects} labeled objects ({summary.Difficult} difficult), sha256 {summary.Checksum}");
        Console.WriteLine($"  see {Path.Combine(summary.Root, "README.md")}");
    }
}
