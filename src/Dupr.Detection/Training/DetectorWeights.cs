using Dupr.Core.Checkpoints;
using Dupr.Core.Runtime;
using Dupr.Detection.Modeling.MetaArch;

namespace Dupr.Detection.Training;

/// <summary>Initialises a C4 detector from a ResNet checkpoint: our backbone.pth export, torchvision, MoCo or detectron2 layouts.</summary>
public static class DetectorWeights
{
    /// <summary>
    /// Loads the ResNet weights in <paramref name="path"/> into <paramref name="model"/>: stem..res4 into the backbone and
    /// res5 into the box head (as detectron2 does for C4); the classifier is dropped; heads stay as initialised.
    /// </summary>
    public static LoadReport LoadBackbone(FasterRcnnC4 model, string path)
    {
        using var read = StateDictFile.Read(path);
        string layout = KeyMappers.Detect(read.Keys);
        using var mapped = read.MapKeys(KeyMappers.ByName(layout).Then(new C4Placement()));
        var report = StateDictLoader.Load(model, mapped, strict: false, path);
        if (report.Loaded.Count == 0) throw new DuprException($"--weights {path}: no ResNet weights found ({layout} layout)");
        Log.Info($"--weights {path} ({layout} layout): {report.Loaded.Count} tensors loaded");
        return report;
    }

    // torchvision names -> detector names.
    sealed class C4Placement : KeyMapper
    {
        const string Res5 = "layer4.";

        public override string? Map(string key) =>
            key.StartsWith("fc.", StringComparison.Ordinal) ? null
            : key.StartsWith(Res5, StringComparison.Ordinal) ? "roi_heads.res5." + key[Res5.Length..]
            : "backbone." + key;
    }
}
