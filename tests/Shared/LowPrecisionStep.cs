using Dupr.Core.Modeling;
using Dupr.Core.Training;
using static TorchSharp.torch;

namespace Dupr.Tests;

/// <summary>
/// One training step's loss and gradient norm in bf16 and fp16 against float32, from the same weights, inputs and draws
/// (torch's generator seeded before each step): the low precisions must change the numbers, and only a little.
/// </summary>
public static class LowPrecisionStep
{
    /// <summary>
    /// Runs <paramref name="loss"/> (inside the precision's <see cref="Autocast"/> region) and its backward for each precision
    /// after <paramref name="model"/>.zero_grad(), and checks the loss and the norm of <paramref name="gradients"/>' gradients
    /// against float32's within the relative tolerances; <paramref name="log"/> gets one line per precision.
    /// </summary>
    public static void AssertCloseToFloat32(nn.Module model, Func<Tensor> loss, Func<IEnumerable<Tensor>> gradients, double bf16Tolerance,
                                            double fp16Tolerance, string name, Action<string>? log = null)
    {
        (double Loss, double GradNorm) Step(Precision precision)
        {
            using var scope = NewDisposeScope();
            model.zero_grad();
            manual_seed(9); // samplers, shuffles and key sampling draw the same in each precision
            Tensor total;
            using (Autocast.Enter(precision)) total = loss();
            total.backward();
            var norm = stack(gradients().Select(g => g.norm()).ToList()).norm();
            return (total.item<float>(), norm.item<float>());
        }
        var fp32 = Step(Precision.Fp32);
        foreach (var precision in new[] { Precision.Bf16, Precision.Fp16 })
        {
            var low = Step(precision);
            double lossError = Math.Abs(low.Loss - fp32.Loss) / fp32.Loss, gradError = Math.Abs(low.GradNorm - fp32.GradNorm) / fp32.GradNorm;
            log?.Invoke($"{name} {precision}: loss {low.Loss:G6} vs {fp32.Loss:G6} ({lossError:E1}), gradient norm {low.GradNorm:G6} vs {fp32.GradNorm:G6} ({gradError:E1})");
            Assert.True(low.Loss != fp32.Loss, $"{name} {precision} gave float32's loss exactly: the region changed nothing");
            double tolerance = precision == Precision.Bf16 ? bf16Tolerance : fp16Tolerance;
            Assert.True(lossError < tolerance && gradError < tolerance, $"{name} {precision}: loss off by {lossError:P2}, gradient norm by {gradError:P2}");
        }
    }
}
