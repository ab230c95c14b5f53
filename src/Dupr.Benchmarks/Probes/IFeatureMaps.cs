using static TorchSharp.torch;

namespace Dupr.Benchmarks.Probes;

/// <summary>What a probe looks at: the feature maps of named levels, with their strides, of normalised images.</summary>
public interface IFeatureMaps
{
    /// <summary>The levels, finest first (e.g. res2..res5).</summary>
    IReadOnlyList<string> Levels { get; }

    /// <summary>Input pixels per feature cell of <paramref name="level"/>.</summary>
    int Stride(string level);

    /// <summary>The maps of every level for <paramref name="images"/> [N, 3, H, W], without gradient, in inference mode.</summary>
    OrderedDictionary<string, Tensor> Compute(Tensor images);
}
