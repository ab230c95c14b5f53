namespace Dupr.Cli;

/// <summary>Turns the first Ctrl-C into a cancellation the trainers honour at a step boundary (they checkpoint first); a second one kills.</summary>
public sealed class CtrlC : IDisposable
{
    readonly CancellationTokenSource _source = new();

    public CtrlC() => Console.CancelKeyPress += OnCancel;

    /// <summary>Cancelled after the first Ctrl-C.</summary>
    public CancellationToken Token => _source.Token;

    void OnCancel(object? sender, ConsoleCancelEventArgs e)
    {
        if (_source.IsCancellationRequested) return; // second Ctrl-C: let the process end
        e.Cancel = true;
        Console.Error.WriteLine("dupr: stopping at the next step boundary (Ctrl-C again to kill)");
        _source.Cancel();
    }

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancel;
        _source.Dispose();
    }
}
