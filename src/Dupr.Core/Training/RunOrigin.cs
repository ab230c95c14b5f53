namespace Dupr.Core.Training;

/// <summary>
/// What a training run starts from besides its config: the seed and the data folder. Checkpoints record it and a resumed
/// run must match it, or its second half would draw other data orders and augmentations (or other data) than its first.
/// </summary>
public sealed record RunOrigin(long Seed, string Data)
{
    /// <summary>The data folder as a full path without a trailing separator, so that two spellings of one folder compare equal.</summary>
    public string DataPath => Path.TrimEndingDirectorySeparator(Path.GetFullPath(Data));
}
