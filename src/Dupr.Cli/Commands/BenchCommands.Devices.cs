using Cocona;
using Dupr.Benchmarks.Performance;
using Dupr.Core.Config;
using Dupr.Core.Runtime;
using Dupr.Detection.Config;
using Dupr.Pretrain.Config;

namespace Dupr.Cli.Commands;

/// <summary>`dupr bench devices`: does --device compute what the CPU computes?</summary>
public sealed partial class BenchCommands
{
    [Command("devices", Description = "Check that --device computes what the CPU computes: one training step of each pre-training and detection recipe, each model built from --seed on the CPU and on the device and fed the same inputs "
                                      + "(the R-CNN samplers keep every candidate, so that no random draw differs); prints each loss term, the total and the gradient norm on both with their relative difference, and exits 1 when one is beyond --tolerance. "
                                      + "With --device cpu the CPU is compared with itself (every difference is 0).")]
    public int Devices(
        GlobalOptions global,
        [Option("pretrain-config", Description = "Pre-training recipes (repeatable; default: the mini MoCo v2 and DUPR).")] string[]? pretrainConfig = null,
        [Option("detection-config", Description = "Detection recipes, stepped on synthetic scenes at the mini size (repeatable; default: the mini recipe of each of the five architectures).")] string[]? detectionConfig = null,
        [Option("tolerance", Description = "Largest relative difference that counts as agreement.")] double tolerance = 1e-2,
        [Option("output", Description = "Also write the rows and the verdict as JSON here.")] string? output = null)
    {
        RuntimeOptions runtime = global.ToRuntimeOptions();
        if (!(tolerance >= 0)) throw new DuprException($"--tolerance: must be non-negative, got {tolerance}");
        var pretrain = (pretrainConfig is { Length: > 0 } ? pretrainConfig : DeviceAgreement.MiniPretrainings)
            .Select(path => (Name: Path.GetFileNameWithoutExtension(path), Config: ConfigLoader.Load<PretrainConfig>(path, []))).ToList();
        var detection = (detectionConfig is { Length: > 0 } ? detectionConfig : DeviceAgreement.MiniDetectors)
            .Select(path => (Name: Path.GetFileNameWithoutExtension(path), Config: ConfigLoader.Load<DetectionConfig>(path, DeviceAgreement.KeepEveryCandidate))).ToList();
        var device = runtime.Apply();
        var rows = pretrain.SelectMany(p => DeviceAgreement.Pretrain(p.Name, p.Config, device, runtime.Seed))
            .Concat(detection.SelectMany(d => DeviceAgreement.Detector(d.Name, d.Config, device, runtime.Seed))).ToList();
        Console.Write(DeviceAgreementReport.Table(rows, device.ToString(), tolerance));
        if (output != null) DeviceAgreementReport.WriteJson(rows, device.ToString(), tolerance, output);
        return DeviceAgreementReport.Agrees(rows, tolerance) ? 0 : 1;
    }
}
