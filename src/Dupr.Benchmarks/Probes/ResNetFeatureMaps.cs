using static TorchSharp.torch;
using ResNet = Dupr.Core.Modeling.ResNet;

namespace Dupr.Benchmarks.Probes;

/// <summary>res2..res5 of a ResNet as it is (the caller sets eval or train mode), without gradient.</summary>
public sealed class ResNetFeatureMaps(ResNet resnet) : IFeatureMaps
{
    static readonly string[] ProbeLevels = ["res2", "res3", "res4", "res5"];

    public IReadOnlyList<string> Levels => ProbeLevels;

    public int Stride(string level) => resnet.OutputShapes.TryGetValue(level, out var spec) ? spec.Stride : 4 << (int.Parse(level[3..]) - 2);

    public OrderedDictionary<string, Tensor> Compute(Tensor images)
    {
        using var noGrad = no_grad();
        var device = resnet.parameters().First().device;
        return resnet.Features(images.to(device), ProbeLevels);
    }
}
