using Dupr.Detection.Modeling;
using static TorchSharp.torch;

namespace Dupr.Detection.Tests.Modeling;

public class BalancedSamplerTests
{
    [Fact]
    public void CapsForegroundAndFillsWithBackground()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        // RPN style: 1 foreground, 0 background, -1 ignored. 6 positives, 10 negatives, 4 ignored.
        long[] values = [.. Enumerable.Repeat(1L, 6), .. Enumerable.Repeat(0L, 10), .. Enumerable.Repeat(-1L, 4)];
        var (pos, neg) = BalancedSampler.Sample(tensor(values), 8, 0.5, 0);
        Assert.Equal(4, pos.numel());
        Assert.Equal(4, neg.numel());
        Assert.All(pos.data<long>().ToArray(), i => Assert.Equal(1L, values[i]));
        Assert.All(neg.data<long>().ToArray(), i => Assert.Equal(0L, values[i]));
        Assert.Equal(4, pos.data<long>().Distinct().Count());
        Assert.Equal(4, neg.data<long>().Distinct().Count());
    }

    [Fact]
    public void FewPositivesLeaveRoomForMoreNegatives()
    {
        using var scope = NewDisposeScope();
        // ROI-heads style: classes 0..2 foreground, 3 background, -1 ignored.
        long[] values = [2, 3, 3, 3, 3, 3, -1, 0, 3, 3];
        var (pos, neg) = BalancedSampler.Sample(tensor(values), 5, 0.25, 3);
        Assert.Equal(1, pos.numel());   // (int)(5 * 0.25) = 1 of the 2 foreground
        Assert.Equal(4, neg.numel());
        var (allPos, allNeg) = BalancedSampler.Sample(tensor(values), 100, 0.25, 3);
        Assert.Equal([0L, 7], allPos.data<long>().OrderBy(i => i));
        Assert.Equal(7, allNeg.numel());
    }

    [Fact]
    public void EmptyLabelsGiveEmptySamples()
    {
        using var scope = NewDisposeScope();
        var (pos, neg) = BalancedSampler.Sample(zeros(0, ScalarType.Int64), 256, 0.5, 0);
        Assert.Equal(0, pos.numel());
        Assert.Equal(0, neg.numel());
    }
}
