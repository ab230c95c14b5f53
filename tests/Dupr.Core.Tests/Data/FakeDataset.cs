using Dupr.Core.Data;
using Dupr.Core.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Dupr.Core.Tests.Data;

/// <summary>A dataset of [index, random draw] rows that takes a random time per sample, so workers finish out of order.</summary>
sealed class FakeDataset(int count, IReadOnlySet<int>? bad = null) : IDataset<Tensor>
{
    readonly Random _jitter = new(1);
    int _calls;

    public int Count => count;

    /// <summary>How many samples were requested so far.</summary>
    public int Calls => Volatile.Read(ref _calls);

    public Tensor Get(int index, SampleRng rng)
    {
        Interlocked.Increment(ref _calls);
        int delay;
        lock (_jitter) delay = _jitter.Next(3);
        Thread.Sleep(delay);
        if (bad?.Contains(index) == true) throw new DataFileException($"img{index}.jpg", "corrupt image data");
        // A temporary the worker's scope must free.
        using var temp = ones(3);
        return tensor(new[] { index, (float)rng.NextDouble() });
    }
}

/// <summary>Rows stacked into [B, 2]; counts live batches to check disposal.</summary>
sealed class FakeBatch : IBatch
{
    public static int Live;

    public Tensor Rows { get; }

    FakeBatch(Tensor rows)
    {
        Rows = rows;
        Interlocked.Increment(ref Live);
    }

    public static FakeBatch Collate(IReadOnlyList<Tensor> samples) => new(stack(samples));

    public IEnumerable<Tensor> Tensors => [Rows];

    public float[] Values => Rows.data<float>().ToArray();

    public void Dispose()
    {
        if (Rows.IsInvalid) return;
        Rows.Dispose();
        Interlocked.Decrement(ref Live);
    }
}
