using System.Diagnostics;
using System.Runtime.InteropServices;
using Dupr.Core.Runtime;

namespace Dupr.Benchmarks.Runner;

/// <summary>
/// Runs each stage as a child `dupr bench stage ... --name STAGE` process with its own thread count, its output appended to
/// the stage folder's stage.log; a stop request reaches the child as SIGTERM (it checkpoints and exits), and the child stops
/// by itself when this process dies (it watches its parent).
/// </summary>
/// <param name="command">The dupr command line up to its arguments: e.g. [dotnet, dupr.dll] or [dupr].</param>
/// <param name="arguments">The `bench stage` arguments that rebuild this plan (suite, output, data, stages, seeds); the launcher adds --name and --threads.</param>
/// <param name="threads">Torch threads per child.</param>
public sealed class ChildProcessLauncher(IReadOnlyList<string> command, IReadOnlyList<string> arguments, int threads) : IStageLauncher
{
    /// <summary>The environment variable that tells a child its parent's process id, so it can stop when orphaned.</summary>
    public const string ParentVariable = "DUPR_PARENT_PID";

    /// <summary>The child's log, in the stage folder.</summary>
    public const string LogName = "stage.log";

    public Task Launch(Stage stage, CancellationToken stop) => Task.Factory.StartNew(() =>
    {
        string logPath = Path.Combine(stage.Directory, LogName);
        var info = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in command.Skip(1).Concat(arguments).Concat(["--name", stage.Name, "--threads", threads.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            info.ArgumentList.Add(a);
        info.Environment[ParentVariable] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        using var process = Process.Start(info) ?? throw new DuprException($"{stage.Name}: cannot start {command[0]}");
        var gate = new object();
        void Write(string? line)
        {
            if (line == null) return;
            lock (gate) log.WriteLine(line);
        }
        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using (stop.Register(() => Terminate(process)))
            process.WaitForExit();
        if (process.ExitCode != 0 && !stop.IsCancellationRequested)
            throw new DuprException($"exit code {process.ExitCode}; last lines of {logPath}: {string.Join(" | ", Tail(logPath, 3))}");
    }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default); // a thread of its own: it waits for minutes

    static IEnumerable<string> Tail(string path, int lines) =>
        File.ReadLines(path).Where(l => l.Length > 0 && !l.StartsWith('[')).TakeLast(lines);

    // SIGTERM, so that the child writes its checkpoint; where there are no POSIX signals, the child is killed.
    static void Terminate(Process process)
    {
        try
        {
            if (OperatingSystem.IsWindows()) process.Kill();
            else _ = kill(process.Id, 15);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    [DllImport("libc", SetLastError = true)]
    static extern int kill(int pid, int signal);
}
