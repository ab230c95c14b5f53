using Dupr.Benchmarks.Synthetic;
using Dupr.Cli.Commands;
using Dupr.Detection.Evaluation;
using Dupr.Detection.Training;
using Dupr.Tests;
using Newtonsoft.Json.Linq;
using Dupr.Detection.Evaluation.Coco;

namespace Dupr.Cli.Tests.Commands;

/// <summary>`dupr finetune` then `dupr infer --evaluate` with the COCO mini recipe on a small synthetic world (its real COCO files).</summary>
[Collection(ConsoleCollection.Name)]
public sealed class FinetuneInferCommandsTests
{
    [Fact]
    public void CocoMiniRecipeTrainsEvaluatesAndInfersOnTheSyntheticWorld()
    {
        using var temp = TestPaths.Temp();
        string data = temp.File("shapes"), run = temp.File("run"), results = temp.File("results");
        SyntheticWorld.Generate(new SyntheticWorldOptions { Train = 4, Val = 2, Unlabeled = 0, Size = 64 }, data);
        string config = Path.Combine(TestPaths.RepoRoot, "configs", "detection", "coco_faster_rcnn_r18_c4_mini.json");
        // Two steps of two 64 px images on a narrower ResNet-18: the recipe's data path and detector, at test size.
        string[] tiny = ["solver.max_iter=2", "train.batch_size=2", "train.workers=1", "input.min_size_train=[64]", "input.max_size_train=107", "input.min_size_test=64",
            "roi_heads.score_thresh_test=0", "backbone.width=16"];

        string trained = ConsoleCapture.Run(() => new FinetuneCommand().Finetune(new GlobalOptions(), config, data, run, set: tiny));
        Assert.Contains("fine-tuning finished: 2 iterations", trained);
        Assert.Matches(@"bbox: AP \d+\.\d\d  AP50", trained);
        Assert.True(File.Exists(Path.Combine(run, TrainingEvaluation.ResultsFolder, CocoTestSet.ResultsFileName)));

        string inferred = ConsoleCapture.Run(() => new InferCommand().Infer(new GlobalOptions(), Path.Combine(run, "config.json"),
            Path.Combine(run, DetectionTrainer.FinalWeights), data, results, evaluate: true));
        Assert.Contains("inference finished: 2 images", inferred);
        var metrics = JObject.Parse(File.ReadAllText(Path.Combine(results, DetectionMetrics.FileName)));
        var final = JObject.Parse(File.ReadAllText(Path.Combine(run, DetectionMetrics.FileName)));
        Assert.Equal("coco", (string)metrics["task"]!);
        Assert.Equal((double)final["summary"]!["AP"]!, (double)metrics["summary"]!["AP"]!, 9);
        Assert.Equal(["circle", "square"], ((JObject)metrics["bbox"]!["per_category_AP"]!).Properties().Select(p => p.Name).Take(2));
    }
}
