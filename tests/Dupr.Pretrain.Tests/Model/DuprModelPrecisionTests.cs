using Dupr.Pretrain.Model;
using Dupr.Tests;
using static TorchSharp.torch;

namespace Dupr.Pretrain.Tests.Model;

// NonParallel: the two steps must draw the same from torch's global generator, which a test beside them would draw from too.
[Collection(NonParallel.Name)]
public class DuprModelPrecisionTests
{
    // One step's loss and gradient norm in bf16 and fp16 (convolutions, linear layers and the InfoNCE products; norms,
    // RoIAlign and the softmax in float32) against float32, for DUPR and MoCo v2, from the same weights, views and shuffles.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LowPrecisionStepsAreCloseToFloat32(bool mocoV2)
    {
        manual_seed(2);
        using var model = new DuprModel(mocoV2 ? DuprModelTests.Tiny([0, 0, 0, 1], [0, 0, 0, 0]) : DuprModelTests.Tiny());
        using var outer = NewDisposeScope();
        var batch = DuprModelTests.Batch(4);
        (double Loss, double GradNorm) Step(Core.Training.Precision precision)
        {
            using var scope = NewDisposeScope();
            model.zero_grad();
            DuprOutput output;
            manual_seed(9);                         // shuffle-BN and key sampling draw the same in each precision
            using (Core.Modeling.Autocast.Enter(precision)) output = model.Forward(batch, new Random(0));
            output.Loss.backward();
            var norm = stack(model.QueryEncoder.parameters().Select(p => p.grad!.norm()).ToList()).norm();
            return (output.Terms.Read()[0].Value, norm.item<float>());
        }
        var fp32 = Step(Core.Training.Precision.Fp32);
        foreach (var precision in new[] { Core.Training.Precision.Bf16, Core.Training.Precision.Fp16 })
        {
            var low = Step(precision);
            double lossError = Math.Abs(low.Loss - fp32.Loss) / fp32.Loss, gradError = Math.Abs(low.GradNorm - fp32.GradNorm) / fp32.GradNorm;
            Assert.True(low.Loss != fp32.Loss, $"{precision} gave float32's loss exactly: the region changed nothing");
            double tolerance = precision == Core.Training.Precision.Bf16 ? 0.05 : 0.02;
            Assert.True(lossError < tolerance && gradError < tolerance, $"{precision}: loss {low.Loss} vs {fp32.Loss}, gradient norm {low.GradNorm} vs {fp32.GradNorm}");
        }
    }
}
