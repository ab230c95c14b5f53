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
        LowPrecisionStep.AssertCloseToFloat32(model, () => model.Forward(batch, new Random(0)).Loss,
            () => model.QueryEncoder.parameters().Select(p => p.grad!), 0.05, 0.02, mocoV2 ? "MoCo v2" : "DUPR");
    }
}
