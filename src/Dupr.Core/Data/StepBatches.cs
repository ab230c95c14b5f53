namespace Dupr.Core.Data;

/// <summary>
/// The batches one optimiser step consumes (its micro-batches), all taken from the loader's stream before the step changes
/// anything, so that a stop while waiting for the loader leaves the step undone; disposed together.
/// </summary>
public sealed class StepBatches<TBatch> : IDisposable where TBatch : class, IBatch
{
    readonly List<TBatch> _batches;

    /// <summary>Takes the next <paramref name="count"/> batches of <paramref name="stream"/> (an endless loader stream).</summary>
    public StepBatches(IEnumerator<TBatch> stream, int count)
    {
        _batches = new List<TBatch>(count);
        try
        {
            for (int i = 0; i < count; i++)
            {
                if (!stream.MoveNext()) throw new InvalidOperationException("the loader ran out of batches");
                _batches.Add(stream.Current);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The batches, in stream order.</summary>
    public IReadOnlyList<TBatch> Batches => _batches;

    public void Dispose()
    {
        foreach (TBatch batch in _batches) batch.Dispose();
        _batches.Clear();
    }
}
