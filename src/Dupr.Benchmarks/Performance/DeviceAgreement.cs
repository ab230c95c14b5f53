using Dupr.Core.Runtime;
using Dupr.Core.Training;
using Dupr.Detection.Config;
using Dupr.Detection.Data.Transforms;
using Dupr.Detection.Modeling.MetaArch;
using Dupr.Pretrain.Config;
using Dupr.Pretrain.Model;
using TorchSharp;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Benchmarks.Performance;

/// <summary>One value of a training step (a loss term, the total, the gradient norm) computed on the CPU and on another device.</summary>
public sealed record DeviceAgreementRow(string Model, string Term, double Cpu, double Device)
{
    /// <summary>|device - cpu| / |cpu| (against 1e-12 where the CPU's value is 0).</summary>
    public double RelativeDifference => Math.Abs(Device - Cpu) / Math.Max(Math.Abs(Cpu), 1e-12);
}

/// <summary>
/// Does a device compute what the CPU computes? One training step's loss terms and gradient norm of a model, built twice
/// from one seed (once left on the CPU, once moved to the device) and fed the same inputs. The R-CNN samplers draw from
/// the device's own generator, so <see cref="KeepEveryCandidate"/> has them keep every anchor and proposal: what is left
/// to differ is arithmetic (summation order, TF32, the device's kernels).
/// </summary>
public static class DeviceAgreement
{
    /// <summary>The mini pre-training recipes (MoCo v2, DUPR).</summary>
    public static IReadOnlyList<string> MiniPretrainings { get; } = ["configs/pretrain/mocov2_r18_mini.json", "configs/pretrain/dupr_r18_mini.json"];

    /// <summary>The mini recipe of each architecture: Faster R-CNN C4 and FPN, Mask R-CNN C4 and FPN, RetinaNet.</summary>
    public static IReadOnlyList<string> MiniDetectors { get; } =
    [
        "configs/detection/voc_faster_rcnn_r18_c4_mini.json", "configs/detection/voc_faster_rcnn_r18_fpn_mini.json",
        "configs/detection/coco_mask_rcnn_r18_c4_mini.json", "configs/detection/coco_mask_rcnn_r18_fpn_mini.json",
        "configs/detection/coco_retinanet_r18_fpn_mini.json",
    ];

    /// <summary>Config overrides under which the RPN and ROI samplers keep every candidate (batch sizes above any count).</summary>
    public static IReadOnlyList<string> KeepEveryCandidate { get; } = ["rpn.batch_size_per_image=1000000", "roi_heads.batch_size_per_image=1000000"];

    /// <summary>A pre-training step of <paramref name="config"/>'s model on random views (its batch and view size).</summary>
    public static IReadOnlyList<DeviceAgreementRow> Pretrain(string name, PretrainConfig config, Device device, long seed) =>
        Compare(name, () => new DuprModel(config), device, seed, (model, target) =>
        {
            var output = model.Forward(PretrainBenchmark.RandomBatch(config, target, seed), new Random(0));
            output.Loss.backward();
            var values = output.Terms.Read(); // "loss" first
            return [.. values.Skip(1), values[0]];
        });

    /// <summary>A training step of <paramref name="config"/>'s detector on synthetic scenes at the mini size.</summary>
    public static IReadOnlyList<DeviceAgreementRow> Detector(string name, DetectionConfig config, Device device, long seed) =>
        Compare(name, () => DetectorFactory.Create(config), device, seed, (model, target) =>
        {
            using var batch = DetectionBenchmark.Batches(config, DetectionAugmentation.ForTraining(config.Input), config.Train.BatchSize, count: 1, seed, target)[0];
            var losses = model.Losses(batch);
            var total = Dupr.Detection.Modeling.MetaArch.Detector.Total(losses);
            total.backward();
            var terms = losses.OrderBy(l => l.Key, StringComparer.Ordinal).ToList();
            return DeviceScalars.Stack([.. terms.Select(l => l.Key), "loss"], [.. terms.Select(l => l.Value), total]).Read();
        });

    // The weights are drawn once, from the seed, and copied into a fresh model for each device: each step changes its model
    // (BN statistics), and nothing else drawing random numbers meanwhile can make the two start apart.
    static List<DeviceAgreementRow> Compare<TModel>(string name, Func<TModel> build, Device device, long seed,
                                                    Func<TModel, Device, List<(string Term, double Value)>> step) where TModel : nn.Module
    {
        Seeding.SeedAll(seed);
        using var reference = build();
        var values = new List<List<(string Term, double Value)>>();
        foreach (var target in new[] { CPU, device })
        {
            using var scope = NewDisposeScope();
            using var model = build();
            model.load_state_dict(reference.state_dict());
            model.to(target);
            model.train();
            // The same draws where the device's generator is the CPU's (with --device cpu the two steps are identical).
            Seeding.SeedAll(seed);
            values.Add([.. step(model, target), ("grad_norm", GradientNorm(model))]);
        }
        return Rows(name, values[0], values[1]);
    }

    static double GradientNorm(nn.Module model)
    {
        using var scope = NewDisposeScope();
        var squares = model.parameters().Where(p => p.grad is not null).Select(p => p.grad!.to(float64).pow(S(2)).sum().cpu()).ToList();
        return Math.Sqrt(stack(squares).sum().ReadItem<double>());
    }

    static List<DeviceAgreementRow> Rows(string model, IReadOnlyList<(string Term, double Value)> cpu, IReadOnlyList<(string Term, double Value)> device) =>
        cpu.Zip(device, (c, d) => c.Term == d.Term ? new DeviceAgreementRow(model, c.Term, c.Value, d.Value)
                                                   : throw new InvalidOperationException($"{model}: terms differ ({c.Term} vs {d.Term})")).ToList();
}
