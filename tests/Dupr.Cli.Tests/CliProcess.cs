using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Dupr.Cli.Tests;

/// <summary>A `dupr` child process the test can watch and signal while it runs (stop and kill tests).</summary>
public sealed class CliProcess : IDisposable
{
    /// <summary>POSIX signal numbers the tests send.</summary>
    public const int SigInt = 2, SigKill = 9, SigTerm = 15;

    // A test run started in the background by a script (`cmd &`) inherits SIGINT ignored, and so would every child it starts:
    // a child would then never see the Ctrl-C these tests send (.NET keeps an inherited SIG_IGN). Children get the default.
    static CliProcess()
    {
        IntPtr previous = signal(SigInt, SigDefault);
        if (previous != SigIgnore) signal(SigInt, previous);
    }

    static readonly IntPtr SigDefault = 0, SigIgnore = 1;

    readonly Process _process;
    readonly StringBuilder _stdout = new(), _stderr = new();

    /// <summary>Starts dupr.dll of the test's own build with <paramref name="args"/>.</summary>
    public CliProcess(params string[] args) : this("dotnet", [Path.Combine(AppContext.BaseDirectory, "dupr.dll"), .. args])
    {
    }

    /// <summary>Starts <paramref name="program"/> with <paramref name="args"/> (e.g. mpiexec, see <see cref="Mpi"/>).</summary>
    public CliProcess(string program, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args) start.ArgumentList.Add(arg);
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The child's process id.</summary>
    public int Id => _process.Id;

    /// <summary>What the child has written to stderr so far.</summary>
    public string Stderr
    {
        get
        {
            lock (_stderr) return _stderr.ToString();
        }
    }

    /// <summary>Sends <paramref name="signal"/> to the child.</summary>
    public void Signal(int signal)
    {
        if (kill(_process.Id, signal) != 0) throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Waits until <paramref name="condition"/> holds, polling every 10 ms; false if the child ended or time ran out first.</summary>
    public bool WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (condition()) return true;
            if (_process.HasExited) return condition();
            Thread.Sleep(10);
        }
        return false;
    }

    /// <summary>Waits for the child to end (killing it after <paramref name="timeout"/>) and returns what it did.</summary>
    public CliRunner.Result WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout)) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(); // drains the output readers
        lock (_stdout) return new CliRunner.Result(_process.ExitCode, _stdout.ToString(), Stderr);
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    static void Append(StringBuilder text, string? line)
    {
        if (line == null) return;
        lock (text) text.Append(line).Append('\n');
    }

    [DllImport("libc", SetLastError = true)]
    static extern int kill(int pid, int signal);

    [DllImport("libc")]
    static extern IntPtr signal(int signal, IntPtr handler);
}
