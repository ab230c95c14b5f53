using Dupr.Tests;
using Dupr.Core.Ops;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Core.Tests.Ops;

/// <summary>Runs alone: it counts every live tensor of the process.</summary>
[Collection(NonParallel.Name)]
public class OpsLifetimeTests
{
    [Theory]
    [InlineData(RoIAlignImplementation.Kernel)]
    [InlineData(RoIAlignImplementation.Composition)]
    public void RepeatedForwardBackwardLeavesNoLiveTensors(RoIAlignImplementation implementation)
    {
        using var outer = NewDisposeScope();
        var features = randn(2, 16, 20, 24).requires_grad_(true);
        var boxes = RoIAlignTests.RandomBoxes(new Random(11), 16, batch: 2, imageHeight: 320, imageWidth: 384);
        var pooler = new RoIPooler((7, 7), [1 / 16.0, 1 / 32.0]);
        var coarse = randn(2, 16, 10, 12).requires_grad_(true);
        var perImage = new[] { boxes[..8, 1..], boxes[8.., 1..] };

        void Step()
        {
            using var step = NewDisposeScope();
            RoIAlign.Apply(features, boxes, (7, 7), 1 / 16.0, 0, true, implementation).sum().backward();
            pooler.call([features, coarse], perImage).pow(S(2)).sum().backward();
            Nms.Batched(boxes[.., 1..], rand(16), randint(0, 3, 16), 0.5);
        }

        Step();   // first use creates what lives on (gradients, cached state)
        // No collection afterwards: it would hide tensors that were dropped without being disposed.
        long before = LiveTensors.Settled();
        for (int i = 0; i < 100; i++) Step();
        long after = Tensor.TotalCount;
        Assert.True(after <= before, $"{after - before} more live tensors after 100 steps");
    }
}
