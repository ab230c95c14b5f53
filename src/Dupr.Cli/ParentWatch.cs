using System.Runtime.InteropServices;
using Dupr.Benchmarks.Runner;

namespace Dupr.Cli;

/// <summary>
/// Stops a child of `dupr bench run --jobs N` when its parent is gone (killed with -9, say): the child then checkpoints
/// and exits instead of running on unattended. Checks once a second on POSIX systems; elsewhere it only follows the token.
/// </summary>
public static class ParentWatch
{
    /// <summary>A source cancelled with <paramref name="token"/> or when the parent named by DUPR_PARENT_PID is no longer this process's parent.</summary>
    public static CancellationTokenSource StopWhenOrphaned(CancellationToken token)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(token);
        if (OperatingSystem.IsWindows() || !int.TryParse(Environment.GetEnvironmentVariable(ChildProcessLauncher.ParentVariable), out int parent)) return source;
        var timer = new Timer(_ =>
        {
            if (getppid() != parent && !source.IsCancellationRequested)
            {
                Console.Error.WriteLine($"dupr: parent process {parent} is gone: stopping at the next step boundary");
                source.Cancel();
            }
        }, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        source.Token.Register(() => timer.Dispose());
        return source;
    }

    [DllImport("libc")]
    static extern int getppid();
}
