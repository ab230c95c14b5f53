using System.Runtime.Serialization;

namespace Dupr.Core.Training;

/// <summary>
/// A run's compute precision (`train.precision`): fp32, or bf16 / fp16 for convolutions and matrix products with fp32
/// master weights, norms, losses and optimiser (what torch.autocast does). fp16 adds dynamic loss scaling.
/// </summary>
public enum Precision
{
    /// <summary>Everything in float32.</summary>
    [EnumMember(Value = "fp32")] Fp32,

    /// <summary>Convolutions and matrix products in bfloat16 (float32's range: no loss scaling).</summary>
    [EnumMember(Value = "bf16")] Bf16,

    /// <summary>Convolutions and matrix products in float16, with dynamic loss scaling against gradient overflow.</summary>
    [EnumMember(Value = "fp16")] Fp16,
}
