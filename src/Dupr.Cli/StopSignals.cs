using System.Runtime.InteropServices;

namespace Dupr.Cli;

/// <summary>
/// Turns the first Ctrl-C (SIGINT) or SIGTERM into a cancellation that long commands honour at a step
/// boundary, after writing a checkpoint; a second signal ends the process at once.
/// </summary>
public sealed class StopSignals : IDisposable
{
    readonly CancellationTokenSource _source = new();
    readonly PosixSignalRegistration[] _registrations;

    public StopSignals() =>
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal), PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal)];

    /// <summary>Cancelled after the first signal.</summary>
    public CancellationToken Token => _source.Token;

    void OnSignal(PosixSignalContext context)
    {
        if (_source.IsCancellationRequested) return; // second signal: default handling ends the process
        context.Cancel = true;
        Console.Error.WriteLine($"dupr: {context.Signal}: stopping at the next step boundary (send it again to kill)");
        _source.Cancel();
    }

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _source.Dispose();
    }
}
