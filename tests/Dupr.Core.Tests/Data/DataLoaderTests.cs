using Dupr.Core.Data;
using Dupr.Core.Runtime;
using Dupr.Tests;

namespace Dupr.Core.Tests.Data;

[Collection(NonParallel.Name)]
public class DataLoaderTests
{
    static DataLoader<TorchSharp.torch.Tensor, FakeBatch> Loader(FakeDataset data, int workers, bool dropLast = false, bool skipBad = false, int batch = 4) =>
        new(data, FakeBatch.Collate, new DataLoaderOptions { BatchSize = batch, Workers = workers, Seed = 7, DropLast = dropLast, SkipBad = skipBad });

    static List<float[]> Run(DataLoader<TorchSharp.torch.Tensor, FakeBatch> loader, int epoch)
    {
        var values = new List<float[]>();
        foreach (var batch in loader.Epoch(epoch))
            using (batch)
                values.Add(batch.Values);
        return values;
    }

    [Fact]
    public void OrderAndContentDoNotDependOnWorkerCount()
    {
        var inline = Run(Loader(new FakeDataset(23), 0), epoch: 3);
        var one = Run(Loader(new FakeDataset(23), 1), epoch: 3);
        var three = Run(Loader(new FakeDataset(23), 3), epoch: 3);
        Assert.Equal(6, inline.Count);
        Assert.Equal(inline, one);
        Assert.Equal(inline, three);
        Assert.Equal(3 * 2, inline[^1].Length);
    }

    [Fact]
    public void ShardsSplitEveryGlobalBatchIntoDisjointPartsWhoseUnionIsTheBatchOfOneLoader()
    {
        var whole = Run(Loader(new FakeDataset(23), 1, dropLast: true, batch: 6), epoch: 2);
        var shards = Enumerable.Range(0, 3).Select(k => Run(new DataLoader<TorchSharp.torch.Tensor, FakeBatch>(new FakeDataset(23), FakeBatch.Collate,
            new DataLoaderOptions { BatchSize = 2, Workers = k, Seed = 7, DropLast = true, ShardIndex = k, ShardCount = 3 }), epoch: 2)).ToList();
        Assert.Equal(3, whole.Count);
        Assert.All(shards, s => Assert.Equal(whole.Count, s.Count)); // every rank takes as many steps
        for (int b = 0; b < whole.Count; b++)
            Assert.Equal(whole[b], shards.SelectMany(s => s[b]).ToArray()); // rank k holds the k-th part of global batch b
        Assert.Throws<ArgumentException>(() => new DataLoaderOptions { ShardIndex = 3, ShardCount = 3, DropLast = true }.Validate());
        Assert.Throws<ArgumentException>(() => new DataLoaderOptions { ShardIndex = 0, ShardCount = 2 }.Validate());
    }

    [Fact]
    public void StartingMidEpochGivesTheSameLaterBatches()
    {
        var loader = Loader(new FakeDataset(23), 2);
        var full = Run(loader, epoch: 2);
        var resumed = new List<float[]>();
        foreach (var batch in loader.Epoch(2, firstBatch: 4))
            using (batch)
                resumed.Add(batch.Values);
        Assert.Equal(full.Skip(4), resumed);
        Assert.Throws<ArgumentOutOfRangeException>(() => loader.Epoch(2, firstBatch: 7).ToList());
    }

    [Fact]
    public void StreamRunsAcrossEpochsFromAnyBatch()
    {
        var loader = Loader(new FakeDataset(23), 1);
        var expected = Run(loader, 1).Skip(4).Concat(Run(loader, 2)).Take(4).ToList();
        var actual = new List<float[]>();
        foreach (var batch in loader.Stream(firstBatch: 6 + 4).Take(4))
            using (batch)
                actual.Add(batch.Values);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void EachEpochVisitsEverySampleOnceInItsOwnOrder()
    {
        var loader = Loader(new FakeDataset(20), 2);
        int[] Indices(int epoch) => Run(loader, epoch).SelectMany(v => v.Where((_, i) => i % 2 == 0)).Select(v => (int)v).ToArray();
        int[] first = Indices(0), second = Indices(1);
        Assert.Equal(Enumerable.Range(0, 20), first.Order());
        Assert.Equal(Enumerable.Range(0, 20), second.Order());
        Assert.NotEqual(first, second);
        Assert.Equal(first, Indices(0));
    }

    [Fact]
    public void DropLastLeavesOutThePartialBatch()
    {
        var loader = Loader(new FakeDataset(10), 2, dropLast: true);
        Assert.Equal(2, loader.BatchesPerEpoch);
        Assert.All(Run(loader, 0), v => Assert.Equal(8, v.Length));
    }

    [Fact]
    public void BadFileStopsTheEpochWithItsName()
    {
        foreach (int workers in new[] { 0, 3 })
        {
            var loader = Loader(new FakeDataset(16, new HashSet<int> { 5 }), workers);
            var e = Assert.Throws<DataFileException>(() => Run(loader, 0));
            Assert.Equal("img5.jpg: corrupt image data", e.Message);
        }
        Assert.Equal(0, FakeBatch.Live);
    }

    [Fact]
    public void SkipBadReplacesAndCountsDeterministically()
    {
        var bad = new HashSet<int> { 2, 9 };
        var inline = Loader(new FakeDataset(16, bad), 0, skipBad: true);
        var threaded = Loader(new FakeDataset(16, bad), 3, skipBad: true);
        var a = Run(inline, 0);
        var b = Run(threaded, 0);
        Assert.Equal(a, b);
        Assert.All(a, v => Assert.Equal(8, v.Length));
        Assert.DoesNotContain(a.SelectMany(v => v.Where((_, i) => i % 2 == 0)), v => bad.Contains((int)v));
        Assert.True(threaded.BadSamples.Skipped >= 2);
        Assert.Equal(new[] { "img2.jpg", "img9.jpg" }, threaded.BadSamples.Files.Keys.Order());
        Assert.StartsWith($"skipped {threaded.BadSamples.Skipped} bad sample(s) from 2 file(s), e.g. img2.jpg: corrupt image data", threaded.BadSamples.Summary());
    }

    [Fact]
    public void BreakingEarlyDisposesPrefetchedBatchesAndStopsWorkers()
    {
        var data = new FakeDataset(400);
        var loader = Loader(data, 3);
        foreach (var batch in loader.Epoch(0))
        {
            batch.Dispose();
            break;
        }
        int calls = data.Calls;
        Thread.Sleep(50);
        Assert.Equal(calls, data.Calls);
        Assert.True(calls < 400);
        Assert.Equal(0, FakeBatch.Live);
    }

    [Fact]
    public void CancellationStopsTheEpoch()
    {
        var data = new FakeDataset(400);
        var loader = Loader(data, 2);
        using var cancel = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            foreach (var batch in loader.Epoch(0, cancellation: cancel.Token))
            {
                batch.Dispose();
                cancel.Cancel();
            }
        });
        int calls = data.Calls;
        Thread.Sleep(50);
        Assert.Equal(calls, data.Calls);
        Assert.Equal(0, FakeBatch.Live);
    }

    [Fact]
    public void NoTensorsLeakOverEpochs()
    {
        var loader = Loader(new FakeDataset(24), 2);
        Run(loader, 0);
        long before = LiveTensors.Settled();
        for (int epoch = 1; epoch < 4; epoch++) Run(loader, epoch);
        Assert.Equal(before, TorchSharp.torch.Tensor.TotalCount);
    }

    [Fact]
    public void SampleRngIsKeyedAndForksIndependently()
    {
        Assert.Equal(SampleRng.For(1, 2, 3).NextUInt64(), SampleRng.For(1, 2, 3).NextUInt64());
        Assert.NotEqual(SampleRng.For(1, 2, 3).NextUInt64(), SampleRng.For(1, 3, 2).NextUInt64());
        var rng = SampleRng.For(1, 2, 3);
        ulong child = rng.Fork(1).NextUInt64();
        Assert.Equal(child, rng.Fork(1).NextUInt64());
        Assert.NotEqual(child, rng.Fork(2).NextUInt64());
        var counts = new int[5];
        for (int i = 0; i < 5000; i++) counts[rng.NextInt(5)]++;
        Assert.All(counts, c => Assert.InRange(c, 850, 1150));
    }
}
