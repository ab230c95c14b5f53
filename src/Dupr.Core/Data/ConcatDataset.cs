using Dupr.Core.Runtime;

namespace Dupr.Core.Data;

/// <summary>Several datasets served as one, in the order given (detectron2 concatenates the sets of DATASETS.TRAIN likewise).</summary>
public sealed class ConcatDataset<T> : IDataset<T>
{
    readonly IReadOnlyList<IDataset<T>> _parts;
    readonly int[] _starts;

    /// <summary>Serves the samples of <paramref name="parts"/> one part after the other.</summary>
    public ConcatDataset(IReadOnlyList<IDataset<T>> parts)
    {
        if (parts.Count == 0) throw new ArgumentException("need at least one dataset", nameof(parts));
        _parts = parts;
        _starts = new int[parts.Count];
        long total = 0;
        for (int i = 0; i < parts.Count; i++)
        {
            _starts[i] = (int)total;
            total += parts[i].Count;
        }
        Count = total <= int.MaxValue ? (int)total : throw new ArgumentException($"{total} samples are more than one dataset can index", nameof(parts));
    }

    /// <summary><paramref name="parts"/> as one dataset: the only part itself, or their concatenation.</summary>
    public static IDataset<T> Of(IReadOnlyList<IDataset<T>> parts) => parts.Count == 1 ? parts[0] : new ConcatDataset<T>(parts);

    public int Count { get; }

    public T Get(int index, SampleRng rng)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"the dataset has {Count} samples");
        // The last part starting at or before index; empty parts share their start with the next one, so skip past them.
        int part = Array.BinarySearch(_starts, index);
        if (part < 0) part = ~part - 1;
        while (part + 1 < _starts.Length && _starts[part + 1] == index) part++;
        return _parts[part].Get(index - _starts[part], rng);
    }
}
