using Dupr.Core.Runtime;
using TorchSharp;

namespace Dupr.Core.Data;

/// <summary>
/// Loads a dataset in batches on worker threads with a bounded prefetch queue. Batches come out in
/// order, and their content depends only on (seed, epoch), never on the number of workers or on thread
/// timing: the epoch order comes from (seed, epoch), each sample's randomness from (seed, epoch, index).
/// </summary>
/// <remarks>
/// Tensor ownership: workers build each batch inside their own dispose scope and detach the batch's
/// tensors (<see cref="IBatch.Tensors"/>) from it; all other tensors made while loading are freed there.
/// Every batch the enumeration yields belongs to the consumer, who disposes it; batches loaded but not
/// yet yielded when the enumeration ends (break, exception, cancellation) are disposed by the loader,
/// and its threads have exited by the time the enumerator's Dispose returns.
/// Bad files: by default the first unreadable file stops the epoch with its <see cref="DataFileException"/>
/// (rethrown to the consumer at the batch that holds it). With <see cref="DataLoaderOptions.SkipBad"/>
/// the sample is skipped, counted in <see cref="BadSamples"/>, and its slot refilled with another sample
/// drawn deterministically, so batches keep their size.
/// </remarks>
public sealed class DataLoader<TSample, TBatch> where TBatch : class, IBatch
{
    // Key that separates replacement draws from every sample's own stream.
    const long ReplacementStream = -0x5EED;
    const long ShuffleStream = -1;

    readonly IDataset<TSample> _dataset;
    readonly Func<IReadOnlyList<TSample>, TBatch> _collate;

    /// <summary>Batching, ordering and threading options.</summary>
    public DataLoaderOptions Options { get; }

    /// <summary>Samples skipped under the skip-bad policy, over every epoch so far.</summary>
    public BadSampleLog BadSamples { get; } = new();

    /// <summary>A loader over <paramref name="dataset"/> that batches with <paramref name="collate"/>.</summary>
    public DataLoader(IDataset<TSample> dataset, Func<IReadOnlyList<TSample>, TBatch> collate, DataLoaderOptions options)
    {
        options.Validate();
        if (dataset.Count == 0) throw new DuprException("the dataset is empty: nothing to load");
        _dataset = dataset;
        _collate = collate;
        Options = options;
    }

    /// <summary>A loader of the same dataset, batching and threads whose orders and sample randomness come from <paramref name="seed"/>.</summary>
    public DataLoader<TSample, TBatch> WithSeed(long seed) => new(_dataset, _collate, Options with { Seed = seed });

    /// <summary>Batches in one epoch.</summary>
    public int BatchesPerEpoch => Options.DropLast
        ? _dataset.Count / Options.GlobalBatchSize
        : (_dataset.Count + Options.GlobalBatchSize - 1) / Options.GlobalBatchSize;

    /// <summary>The dataset indices of <paramref name="epoch"/> in visiting order.</summary>
    public int[] Order(int epoch) =>
        Options.Shuffle ? new SampleRng(Options.Seed, epoch, ShuffleStream).Permutation(_dataset.Count) : Enumerable.Range(0, _dataset.Count).ToArray();

    /// <summary>
    /// The batches of <paramref name="epoch"/>, in order, from batch <paramref name="firstBatch"/> on (a resumed run
    /// starts mid-epoch with the same batches an uninterrupted run would load); dispose each one (see the class remarks).
    /// </summary>
    public IEnumerable<TBatch> Epoch(int epoch, int firstBatch = 0, CancellationToken cancellation = default)
    {
        if (firstBatch < 0 || firstBatch > BatchesPerEpoch)
            throw new ArgumentOutOfRangeException(nameof(firstBatch), $"batch {firstBatch} is outside the epoch's {BatchesPerEpoch} batches");
        int[] order = Order(epoch);
        int count = BatchesPerEpoch - firstBatch;
        if (Options.Workers == 0)
        {
            for (int b = 0; b < count; b++)
            {
                cancellation.ThrowIfCancellationRequested();
                yield return BuildBatch(epoch, order, firstBatch + b, cancellation);
            }
            yield break;
        }
        using var run = new LoaderEpoch<TBatch>(count, Options.Workers, Options.EffectivePrefetch,
            (b, token) => BuildBatch(epoch, order, firstBatch + b, token), cancellation);
        while (run.Next() is { } batch) yield return batch;
    }

    /// <summary>
    /// Batches without end, epoch after epoch, from the <paramref name="firstBatch"/>-th batch of the whole
    /// stream on: a trainer resumed at step k asks for batch k and gets what an uninterrupted run would.
    /// </summary>
    public IEnumerable<TBatch> Stream(long firstBatch = 0, CancellationToken cancellation = default)
    {
        int perEpoch = BatchesPerEpoch;
        for (int epoch = (int)(firstBatch / perEpoch); ; epoch++)
        {
            int skip = epoch == firstBatch / perEpoch ? (int)(firstBatch % perEpoch) : 0;
            foreach (TBatch batch in Epoch(epoch, skip, cancellation)) yield return batch;
        }
    }

    TBatch BuildBatch(int epoch, int[] order, int batchIndex, CancellationToken cancellation)
    {
        int start = batchIndex * Options.GlobalBatchSize + Options.ShardIndex * Options.BatchSize;
        int end = Math.Min(start + Options.BatchSize, order.Length);
        using var scope = torch.NewDisposeScope();
        var samples = new List<TSample>(end - start);
        for (int position = start; position < end; position++)
        {
            cancellation.ThrowIfCancellationRequested();
            samples.Add(LoadSample(epoch, order, position));
        }
        TBatch batch = _collate(samples);
        scope.Detach(batch.Tensors);
        return batch;
    }

    TSample LoadSample(int epoch, int[] order, int position)
    {
        int index = order[position];
        DataFileException failure;
        try
        {
            return _dataset.Get(index, SampleRng.For(Options.Seed, epoch, index));
        }
        catch (DataFileException e) when (Options.SkipBad)
        {
            BadSamples.Record(e);
            failure = e;
        }
        for (int attempt = 1; attempt <= Options.MaxReplacements; attempt++)
        {
            var draw = new SampleRng(Options.Seed, epoch, position, attempt, ReplacementStream);
            int replacement = draw.NextInt(_dataset.Count);
            try
            {
                return _dataset.Get(replacement, draw.Fork(replacement));
            }
            catch (DataFileException e)
            {
                BadSamples.Record(e);
                failure = e;
            }
        }
        throw new DuprException($"{Options.MaxReplacements} replacements drawn for a bad sample were unreadable too; most of the dataset may be bad (last: {failure.Message})");
    }
}
