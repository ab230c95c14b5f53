using Dupr.Core.Ops;
using Dupr.Tests;
using static TorchSharp.torch;

namespace Dupr.Core.Tests.Ops;

// The timer is process-wide: no other test may switch it while these run.
[Collection(NonParallel.Name)]
public class OpTimerTests
{
    [Fact]
    public void RecordsRoIAlignForwardAndBackwardAndNmsOnlyWhileEnabled()
    {
        using var scope = NewDisposeScope();
        var features = randn(1, 4, 16, 16).requires_grad_();
        var boxes = tensor(new float[] { 0, 1, 1, 9, 9, 0, 4, 2, 14, 12 }).view(2, 5);
        var nmsBoxes = tensor(new float[] { 0, 0, 10, 10, 1, 1, 11, 11, 20, 20, 30, 30 }).view(3, 4);
        var scores = tensor(new float[] { 0.9f, 0.8f, 0.7f });
        void Work()
        {
            RoIAlign.Apply(features, boxes, (4, 4), aligned: true).sum().backward();
            Nms.Apply(nmsBoxes, scores, 0.5);
            Nms.Batched(nmsBoxes, scores, tensor(new long[] { 0, 1, 0 }), 0.5);
        }

        OpTimer.Reset();
        Work();
        Assert.Empty(OpTimer.Totals());

        OpTimer.Enabled = true;
        try
        {
            Work();
        }
        finally
        {
            OpTimer.Enabled = false;
        }
        var totals = OpTimer.Totals();
        Assert.Equal([OpTimer.Nms, OpTimer.RoIAlign], totals.Keys.Order());
        Assert.All(totals.Values, t => Assert.True(t > TimeSpan.Zero));
        OpTimer.Reset();
        Assert.Empty(OpTimer.Totals());
    }
}
