using Dupr.Core.Runtime;

namespace Dupr.Core.Data;

/// <summary>An indexable dataset whose samples may be random (augmented) through the generator the loader passes.</summary>
/// <remarks>
/// <see cref="Get"/> is called from loader worker threads, concurrently: it must be thread-safe and
/// draw every random number from <c>rng</c>. A file it cannot read must raise
/// <see cref="DataFileException"/> naming the file, which the skip-bad policy can skip.
/// </remarks>
public interface IDataset<out T>
{
    /// <summary>Number of samples.</summary>
    int Count { get; }

    /// <summary>Sample <paramref name="index"/>, augmented with randomness from <paramref name="rng"/>.</summary>
    T Get(int index, SampleRng rng);
}
