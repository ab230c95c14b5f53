using Microsoft.Extensions.Hosting;

namespace Dupr.Cli;

/// <summary>
/// A host lifetime that leaves SIGINT and SIGTERM alone. The default console lifetime swallows every signal to stop the
/// host, so <see cref="StopSignals"/>' promise (the first signal stops at a step boundary, the second kills) could not hold,
/// and a command still running when the host gave up waiting was cut off.
/// </summary>
public sealed class SignalFreeLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
