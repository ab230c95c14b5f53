using Dupr.Core.Training;
using static TorchSharp.torch;

namespace Dupr.Pretrain.Model;

/// <summary>What one forward pass of <see cref="DuprModel"/> produced.</summary>
/// <param name="Loss">Eq. 2's total, with gradient to the query side.</param>
/// <param name="Terms">The total's value ("loss") and each loss term's (e.g. image_res5, patch_res4, before weighting), on the device.</param>
/// <param name="Accuracies">Each term's contrastive top-1 accuracy (MoCo's Acc@1, from <see cref="Losses.InfoNce.PerQuery"/>), by term name, on the device.</param>
/// <param name="ImageKeys">Key embeddings per image level, to enqueue after the optimiser step.</param>
/// <param name="PatchKeys">Key patch embeddings per patch level, [K, S*S, D].</param>
/// <param name="PairsWithoutOverlap">Images whose two views do not overlap: their patch loss is skipped (paper 3.2.1).</param>
public sealed record DuprOutput(
    Tensor Loss,
    DeviceScalars Terms,
    DeviceScalars Accuracies,
    IReadOnlyDictionary<string, Tensor> ImageKeys,
    IReadOnlyDictionary<string, Tensor> PatchKeys,
    int PairsWithoutOverlap);
