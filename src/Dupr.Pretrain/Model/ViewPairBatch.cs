using Dupr.Pretrain.Geometry;
using static TorchSharp.torch;

namespace Dupr.Pretrain.Model;

/// <summary>A batch of two-view samples: the query views, the key views, and where each view came from.</summary>
/// <param name="Queries">View 1 of every image, normalised, [N, 3, H, W].</param>
/// <param name="Keys">View 2 of every image, [N, 3, H, W].</param>
/// <param name="QueryFrames">Crop box, size and flip of each view 1.</param>
/// <param name="KeyFrames">Crop box, size and flip of each view 2.</param>
public sealed record ViewPairBatch(Tensor Queries, Tensor Keys, IReadOnlyList<ViewFrame> QueryFrames, IReadOnlyList<ViewFrame> KeyFrames);

/// <summary>What one forward pass of <see cref="DuprModel"/> produced.</summary>
/// <param name="Loss">Eq. 2's total, with gradient to the query side.</param>
/// <param name="Terms">Each loss term's value (e.g. image_res5, patch_res4), before weighting.</param>
/// <param name="ImageKeys">Key embeddings per image level, to enqueue after the optimiser step.</param>
/// <param name="PatchKeys">Key patch embeddings per patch level, [K, S*S, D].</param>
/// <param name="PairsWithoutOverlap">Images whose two views do not overlap: their patch loss is skipped (paper 3.2.1).</param>
public sealed record DuprOutput(
    Tensor Loss,
    IReadOnlyList<(string Name, double Value)> Terms,
    IReadOnlyDictionary<string, Tensor> ImageKeys,
    IReadOnlyDictionary<string, Tensor> PatchKeys,
    int PairsWithoutOverlap);
