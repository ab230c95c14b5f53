namespace Dupr.Core.Data;

/// <summary>How a <see cref="DataLoader{TSample, TBatch}"/> batches, orders and loads samples.</summary>
public sealed record DataLoaderOptions
{
    /// <summary>Samples per batch (per shard when <see cref="ShardCount"/> > 1).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>
    /// Data parallelism's sampler: the epoch's order is cut into global batches of BatchSize x ShardCount, and shard k (a
    /// rank) loads the k-th BatchSize samples of each. Every shard sees the same number of batches, the shards of a step
    /// are disjoint, and together they are what one process with the global batch would load.
    /// </summary>
    public int ShardCount { get; init; } = 1;

    /// <summary>This process's shard, 0..ShardCount-1.</summary>
    public int ShardIndex { get; init; }

    /// <summary>Samples per step over all shards.</summary>
    public int GlobalBatchSize => BatchSize * ShardCount;

    /// <summary>Loader threads; 0 loads on the consumer's thread (debugging, tests).</summary>
    public int Workers { get; init; } = 2;

    /// <summary>Batches loaded ahead of the consumer (in flight or ready); null means 2 per worker.</summary>
    public int? Prefetch { get; init; }

    /// <summary>Visit samples in a new random order each epoch (from the seed and the epoch).</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Leave out the last batch when it would be smaller than <see cref="BatchSize"/>.</summary>
    public bool DropLast { get; init; }

    /// <summary>Seed of the epoch order and of every sample's generator.</summary>
    public long Seed { get; init; }

    /// <summary>Skip unreadable files (and count them) instead of stopping the run with an error naming the file.</summary>
    public bool SkipBad { get; init; }

    /// <summary>Replacement draws tried for one bad sample before giving up, under <see cref="SkipBad"/>.</summary>
    public int MaxReplacements { get; init; } = 16;

    /// <summary>Batches loaded ahead, with the default applied.</summary>
    public int EffectivePrefetch => Prefetch ?? Math.Max(2, 2 * Workers);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad option.</summary>
    public void Validate()
    {
        if (BatchSize < 1) throw new ArgumentException($"batch size must be at least 1, got {BatchSize}");
        if (Workers < 0) throw new ArgumentException($"workers must be non-negative, got {Workers}");
        if (Prefetch is < 1) throw new ArgumentException($"prefetch must be at least 1, got {Prefetch}");
        if (ShardCount < 1 || ShardIndex < 0 || ShardIndex >= ShardCount)
            throw new ArgumentException($"shard {ShardIndex} of {ShardCount} does not exist");
        if (ShardCount > 1 && !DropLast) throw new ArgumentException("sharded loading drops the last partial batch (every shard must load one)");
        if (MaxReplacements < 1) throw new ArgumentException($"max replacements must be at least 1, got {MaxReplacements}");
    }
}
