using Cocona;
using Dupr.Benchmarks.Synthetic;
using Dupr.Core.Config;
using Dupr.Core.Data;
using Dupr.Core.Imaging;
using Dupr.Core.Runtime;
using Dupr.Pretrain.Config;
using Dupr.Pretrain.Data;
using static TorchSharp.torch;

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
        [Option("unlabeled-layout", Description = "Unlabeled images as scenes like the labeled ones (Scenes), one object each as ImageNet's (Objects), or one object on a plain gradient (PlainObjects).")] UnlabeledLayout unlabeledLayout = UnlabeledLayout.Scenes,
        [Option("force", Description = "Replace whatever is in the output folder.")] bool force = false)
    {
        RuntimeOptions runtime = global.ToRuntimeOptions();
        var options = new SyntheticWorldOptions { Train = train, Val = val, Unlabeled = unlabeled, Size = size, Classes = classes, UnlabeledLayout = unlabeledLayout, Seed = runtime.Seed };
        var started = System.Diagnostics.Stopwatch.StartNew();
        var summary = SyntheticWorld.Generate(options, output, force);
        string verb = summary.Reused ? "reused existing" : $"wrote in {started.Elapsed.TotalSeconds:0.0} s";
        Console.WriteLine($"synthetic world {verb}: {summary.Root}");
        Console.WriteLine($"  {summary.Images} images, {summary.Objects} labeled objects ({summary.Difficult} difficult), sha256 {summary.Checksum}");
        Console.WriteLine($"  see {Path.Combine(summary.Root, "README.md")}");
    }

    [Command("views", Description = "Write a contact sheet of pre-training view pairs (original with both crops, view 1, view 2, their shared patch Re-ID region outlined) as the recipe's augmentation makes them, epoch 0 of --seed.")]
    public void Views(
        GlobalOptions global,
        [Option("config", Description = "Pre-training recipe JSON (configs/pretrain/*.json): its views section is used.")] string config,
        [Option("data", Description = "Folder of unlabeled images, e.g. data/shapes/unlabeled.")] string data,
        [Option("output", Description = "PNG file to write, e.g. views.png.")] string output,
        [Option("count", Description = "Number of images (rows), the first of epoch 0's order.")] int count = 8,
        [Option("set", Description = "Override a config key, e.g. --set views.scale=[0.4,1] (repeatable).")] string[]? set = null)
    {
        RuntimeOptions runtime = global.ToRuntimeOptions();
        if (count < 1) throw new DuprException($"--count must be positive, got {count}");
        var recipe = ConfigLoader.Load<PretrainConfig>(config, set);
        runtime.Apply();
        var folder = new UnlabeledImageFolder(data);
        int rows = ViewPairSheet.Write(folder, recipe.Views, count, runtime.Seed, output);
        Console.WriteLine($"wrote {output}: {rows} view pairs of {folder.Root}");
    }
}
