using Dupr.Core.Data;
using Dupr.Core.Runtime;

namespace Dupr.Core.Tests.Data;

public class ConcatDatasetTests
{
    sealed class Range(int start, int count) : IDataset<int>
    {
        public int Count => count;
        public int Get(int index, SampleRng rng) => start + index;
    }

    [Fact]
    public void ServesThePartsInOrderSkippingEmptyOnes()
    {
        var concat = new ConcatDataset<int>([new Range(0, 2), new Range(100, 0), new Range(10, 3), new Range(200, 0)]);
        Assert.Equal(5, concat.Count);
        Assert.Equal([0, 1, 10, 11, 12], Enumerable.Range(0, 5).Select(i => concat.Get(i, new SampleRng(0))));
        Assert.Throws<ArgumentOutOfRangeException>(() => concat.Get(5, new SampleRng(0)));
    }

    [Fact]
    public void OnePartIsServedAsItself()
    {
        var part = new Range(0, 3);
        Assert.Same(part, ConcatDataset<int>.Of([part]));
    }
}
