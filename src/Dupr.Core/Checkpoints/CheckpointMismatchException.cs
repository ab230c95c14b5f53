using Dupr.Core.Runtime;

namespace Dupr.Core.Checkpoints;

/// <summary>A checkpoint that does not fit a module; <see cref="Report"/> holds the full key lists.</summary>
public sealed class CheckpointMismatchException(string message, LoadReport report) : DuprException(message)
{
    /// <summary>Every missing, unexpected and mis-shaped key.</summary>
    public LoadReport Report { get; } = report;
}
