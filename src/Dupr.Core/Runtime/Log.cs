namespace Dupr.Core.Runtime;

/// <summary>Minimal console logging: messages and progress go to stderr, results to stdout.</summary>
public static class Log
{
    /// <summary>Whether <see cref="Debug"/> messages are shown (the global --verbose option).</summary>
    public static bool Verbose { get; set; }

    /// <summary>
    /// A rank of a multi-process run other than rank 0: it shows warnings (prefixed with its rank) but no informational
    /// messages or progress, which rank 0 prints for the whole run.
    /// </summary>
    public static int? Rank { get; set; }

    /// <summary>An informational message.</summary>
    public static void Info(string message)
    {
        if (Rank is null) Console.Error.WriteLine(message);
    }

    /// <summary>A message shown only with --verbose.</summary>
    public static void Debug(string message)
    {
        if (Verbose && Rank is null) Console.Error.WriteLine(message);
    }

    /// <summary>A warning that does not stop the run.</summary>
    public static void Warn(string message) => Console.Error.WriteLine(Rank is int rank ? $"warning (rank {rank}): {message}" : $"warning: {message}");
}
