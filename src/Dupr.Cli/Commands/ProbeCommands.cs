using Cocona;
using Dupr.Benchmarks.Probes;
using Dupr.Core.Config;
using Dupr.Core.Runtime;
using Dupr.Detection.Config;

namespace Dupr.Cli.Commands;

/// <summary>`dupr probe ...`: frozen-backbone probes (kNN, linear, patch correspondence, IoU-similarity) on a labeled detection set.</summary>
public sealed class ProbeCommands
{
    /// <summary>The options every probe command shares.</summary>
    public sealed class ProbeParameters : ICommandParameterSet
    {
        [Option("config", Description = "Detection recipe whose datasets (train: kNN bank / linear training set; test: scored) and backbone depth and width are used, e.g. configs/detection/voc_faster_rcnn_r18_c4_mini.json.")]
        public string Config { get; set; } = "";

        [Option("data", Description = "Data folder, as for `dupr finetune` (VOCdevkit inside, or the COCO files relative to it).")]
        public string Data { get; set; } = "";

        [Option("weights", Description = "Backbone checkpoint (our backbone.pth, torchvision, MoCo or detectron2 ResNet); repeat to compare several; omit for random init.")]
        [HasDefaultValue]
        public string[] Weights { get; set; } = [];

        [Option("output", Description = "Folder for probes.csv and the plots (created).")]
        [HasDefaultValue]
        public string? Output { get; set; }

        [Option("set", Description = "Override a key of --config, e.g. --set backbone.width=32 (repeatable).")]
        [HasDefaultValue]
        public string[] Set { get; set; } = [];

        [Option("crop-size", Description = "Object crop side in pixels (knn, linear).")]
        [HasDefaultValue]
        public int CropSize { get; set; } = 64;

        [Option("max-objects", Description = "At most this many objects per split, evenly subsampled (0: all).")]
        [HasDefaultValue]
        public int MaxObjects { get; set; }

        [Option("k", Description = "kNN neighbours.")]
        [HasDefaultValue]
        public int K { get; set; } = KnnProbe.DefaultK;

        [Option("pairs", Description = "Test images whose two views the correspondence probe matches.")]
        [HasDefaultValue]
        public int Pairs { get; set; } = 200;

        [Option("view-size", Description = "Side of the correspondence probe's views (the paper's Fig. 7: 448).")]
        [HasDefaultValue]
        public int ViewSize { get; set; } = 224;

        [Option("max-boxes", Description = "Ground-truth boxes the IoU-similarity probe visits at most (0: all).")]
        [HasDefaultValue]
        public int MaxBoxes { get; set; } = 1000;
    }

    [Command("knn", Description = "Weighted kNN top-1 (k 20, T 0.07, cosine) of frozen, pooled res2..res5 features of the test set's object crops against the training set's.")]
    public void Knn(GlobalOptions global, ProbeParameters p) => Run(global, p, [BackboneProbes.Knn]);

    [Command("linear", Description = "Linear-probe top-1 of frozen, pooled res2..res5 features of object crops (trained on the training set, scored on the test set).")]
    public void Linear(GlobalOptions global, ProbeParameters p) => Run(global, p, [BackboneProbes.Linear]);

    [Command("correspondence", Description = "The paper's Fig. 7: share of the intersection's feature cells of one augmented view whose nearest cell in the other view is the true one, per level.")]
    public void Correspondence(GlobalOptions global, ProbeParameters p) => Run(global, p, [BackboneProbes.Correspondence]);

    [Command("iou-similarity", Description = "The paper's Fig. 6: eq. 9 similarity between a ground-truth box's RoI features and those of boxes around it, as a curve over IoU, per level.")]
    public void IouSimilarity(GlobalOptions global, ProbeParameters p) => Run(global, p, [BackboneProbes.IouSimilarity]);

    [Command("all", Description = "Every probe: knn, linear, correspondence and iou-similarity.")]
    public void All(GlobalOptions global, ProbeParameters p) => Run(global, p, BackboneProbes.All);

    static void Run(GlobalOptions global, ProbeParameters p, IReadOnlyList<string> probes)
    {
        RuntimeOptions runtime = global.ToRuntimeOptions();
        if (p.Config.Length == 0) throw new DuprException("--config is required");
        if (p.Data.Length == 0) throw new DuprException("--data is required");
        var config = ConfigLoader.Load<DetectionConfig>(p.Config, p.Set);
        var options = new ProbeOptions
        {
            CropSize = p.CropSize, MaxObjects = p.MaxObjects, K = p.K, Pairs = p.Pairs, ViewSize = p.ViewSize, MaxBoxes = p.MaxBoxes, Seed = runtime.Seed,
        };
        options.Validate();
        foreach (string w in p.Weights)
            if (!File.Exists(w)) throw new DuprException($"--weights {w}: no such file");
        var device = runtime.Apply();
        var results = new List<(string, IReadOnlyList<ProbeRow>)>();
        foreach (string? weights in p.Weights.Length == 0 ? [null] : p.Weights.Cast<string?>())
        {
            using var model = new ProbedBackbone(config.Backbone.Depth, config.Backbone.Width, weights, runtime.Seed, device);
            Log.Info($"probing {model.Description}: {string.Join(", ", probes)}");
            results.Add((weights ?? "random", BackboneProbes.Run(model, config, p.Data, probes, options)));
        }
        foreach (string line in ProbeReport.Table(results)) Console.WriteLine(line);
        if (p.Output != null)
        {
            ProbeReport.Write(p.Output, results);
            Console.WriteLine($"wrote {Path.Combine(p.Output, ProbeReport.CsvName)} and plots");
        }
    }
}
