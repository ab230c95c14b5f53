using Dupr.Core.Runtime;

namespace Dupr.Benchmarks.Runner;

/// <summary>A stage stopped by a stop request before it finished; its folder keeps what re-running needs to continue.</summary>
public sealed class StageInterruptedException(string message) : DuprException(message);
