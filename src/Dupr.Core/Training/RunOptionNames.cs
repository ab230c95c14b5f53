namespace Dupr.Core.Training;

/// <summary>
/// What the program that starts a run calls the run's options, so that an error can say what to change: the dupr command
/// line sets its flags (--resume, --seed, ...); a library caller gets plain words.
/// </summary>
public sealed record RunOptionNames(string Resume, string Seed, string Data, string Output)
{
    /// <summary>Plain words, for callers with no command line.</summary>
    public static RunOptionNames Plain { get; } = new("resume", "seed", "data folder", "output folder");

    /// <summary>The names errors use in this process.</summary>
    public static RunOptionNames Current { get; set; } = Plain;
}
