using Dupr.Core.Runtime;

namespace Dupr.Core.Checkpoints;

/// <summary>The key mappers that bring known checkpoint layouts to torchvision ResNet names, by name or by sniffing keys.</summary>
public static class KeyMappers
{
    /// <summary>The prefix of MoCo's query encoder in its training checkpoints (DistributedDataParallel + encoder_q).</summary>
    public const string MocoEncoderPrefix = "module.encoder_q.";

    /// <summary>MoCo v1/v2 training checkpoint to a torchvision backbone: the query encoder without its fc/MLP head.</summary>
    public static KeyMapper MocoBackbone { get; } = new PrefixKeyMapper(MocoEncoderPrefix, "fc.");

    /// <summary>The mappers selectable by name (e.g. from a config or the command line).</summary>
    public static IReadOnlyDictionary<string, KeyMapper> Named { get; } = new Dictionary<string, KeyMapper>
    {
        ["torchvision"] = KeyMapper.Identity,
        ["moco"] = MocoBackbone,
        ["detectron2"] = Detectron2KeyMapper.ToTorchVision,
    };

    /// <summary>The mapper called <paramref name="name"/>; an unknown name lists the valid ones.</summary>
    public static KeyMapper ByName(string name) =>
        Named.TryGetValue(name, out var mapper)
            ? mapper
            : throw new DuprException($"unknown checkpoint layout '{name}'; valid: {string.Join(", ", Named.Keys)}");

    /// <summary>The layout of a checkpoint from its keys: MoCo, detectron2, or (otherwise) torchvision.</summary>
    public static string Detect(IEnumerable<string> keys)
    {
        bool detectron2 = false;
        foreach (string key in keys)
        {
            if (key.StartsWith(MocoEncoderPrefix, StringComparison.Ordinal)) return "moco";
            detectron2 |= key.StartsWith("stem.", StringComparison.Ordinal) || key.StartsWith("res2.", StringComparison.Ordinal);
        }
        return detectron2 ? "detectron2" : "torchvision";
    }
}
