using static TorchSharp.torch;

namespace Dupr.Core.Data;

/// <summary>A collated batch: it owns the tensors it lists, and disposing it frees them.</summary>
/// <remarks>
/// The loader builds batches inside a dispose scope on its worker thread and detaches exactly
/// <see cref="Tensors"/> from it; everything else made while loading is freed there. The consumer then
/// owns the batch: dispose it when done (or attach its tensors to a scope of its own).
/// </remarks>
public interface IBatch : IDisposable
{
    /// <summary>Every tensor the batch holds (including per-sample ones it keeps).</summary>
    IEnumerable<Tensor> Tensors { get; }
}
