using Dupr.Core.Checkpoints;
using Dupr.Core.Modeling;
using Dupr.Core.Runtime;
using TorchSharp;
using static TorchSharp.torch;
using ResNet = Dupr.Core.Modeling.ResNet;

namespace Dupr.Benchmarks.Probes;

/// <summary>
/// A frozen ResNet under probe: res2..res5 of a checkpoint (our backbone.pth export, torchvision, MoCo or detectron2
/// layouts, as `dupr finetune --weights` reads them) or of a random init, in eval mode (BN running statistics).
/// </summary>
public sealed class ProbedBackbone : IFeatureMaps, IDisposable
{
    readonly ResNet _resnet;
    readonly ResNetFeatureMaps _maps;

    /// <summary>
    /// A ResNet of <paramref name="depth"/> and <paramref name="width"/>, with the weights in <paramref name="weights"/> (null: torchvision's
    /// random init drawn from <paramref name="seed"/>), on <paramref name="device"/>.
    /// </summary>
    public ProbedBackbone(int depth, int width, string? weights, long seed, Device device)
    {
        using (var scope = NewDisposeScope())
        {
            random.manual_seed(seed);
            _resnet = new ResNet(new ResNetConfig { Depth = depth, Width = width, Norm = NormKind.BN, FreezeAt = 0 });
        }
        if (weights != null) Load(weights);
        _resnet.to(device);
        _resnet.eval();
        _maps = new ResNetFeatureMaps(_resnet);
        Description = weights ?? $"random init (seed {seed})";
    }

    /// <summary>The weights file, or "random init (seed N)".</summary>
    public string Description { get; }

    public IReadOnlyList<string> Levels => _maps.Levels;

    public int Stride(string level) => _maps.Stride(level);

    public OrderedDictionary<string, Tensor> Compute(Tensor images) => _maps.Compute(images);

    void Load(string path)
    {
        if (!File.Exists(path)) throw new DuprException($"--weights {path}: no such file");
        using var read = StateDictFile.Read(path);
        string layout = KeyMappers.Detect(read.Keys);
        using var mapped = read.MapKeys(KeyMappers.ByName(layout));
        var report = StateDictLoader.Load(_resnet, mapped, strict: false, path);
        if (report.Loaded.Count == 0) throw new DuprException($"--weights {path}: no ResNet weights found ({layout} layout)");
        if (report.Missing.Count > 0)
            throw new DuprException($"--weights {path}: the checkpoint lacks {report.Missing.Count} tensor(s) of a ResNet-{_resnet.Config.Depth} of width " +
                                    $"{_resnet.Config.Width}, e.g. {report.Missing[0]} (set the backbone's depth and width to the checkpoint's)");
    }

    public void Dispose() => _resnet.Dispose();
}
