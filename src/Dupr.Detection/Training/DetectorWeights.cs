using Dupr.Core.Checkpoints;
using Dupr.Core.Runtime;
using Dupr.Detection.Modeling.MetaArch;

namespace Dupr.Detection.Training;

/// <summary>Initialises a detector's backbone from a ResNet checkpoint: our backbone.pth export, torchvision, MoCo or detectron2 layouts.</summary>
public static class DetectorWeights
{
    /// <summary>
    /// Loads the ResNet weights in <paramref name="path"/> into <paramref name="model"/> where its
    /// <see cref="Detector.BackbonePlacement"/> puts them; heads stay as initialised.
    /// </summary>
    public static LoadReport LoadBackbone(Detector model, string path)
    {
        using var read = StateDictFile.Read(path);
        string layout = KeyMappers.Detect(read.Keys);
        using var mapped = read.MapKeys(KeyMappers.ByName(layout).Then(model.BackbonePlacement));
        var report = StateDictLoader.Load(model, mapped, strict: false, path);
        if (report.Loaded.Count == 0) throw new DuprException($"--weights {path}: no ResNet weights found ({layout} layout)");
        Log.Info($"--weights {path} ({layout} layout): {report.Loaded.Count} tensors loaded");
        return report;
    }
}
