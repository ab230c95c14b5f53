using System.Diagnostics;

namespace Dupr.Cli.Tests;

/// <summary>Runs the built `dupr` in a child process, as a user would, and captures its output.</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Run(params string[] args) => RunFrom(AppContext.BaseDirectory, args);

    /// <summary>Runs with <paramref name="environment"/> added to the child's environment variables.</summary>
    public static Result RunWith(IReadOnlyDictionary<string, string> environment, params string[] args) => RunFrom(AppContext.BaseDirectory, args, environment);

    /// <summary>Runs another program of the test's build, e.g. the rank program of the MPI tests, in one process.</summary>
    public static Result RunProgram(string dll, params string[] args) =>
        RunFrom(AppContext.BaseDirectory, args, new Dictionary<string, string>(), dll);

    /// <summary>Runs the dupr.dll found in <paramref name="appDirectory"/>.</summary>
    public static Result RunFrom(string appDirectory, params string[] args) => RunFrom(appDirectory, args, new Dictionary<string, string>());

    static Result RunFrom(string appDirectory, string[] args, IReadOnlyDictionary<string, string> environment, string dll = "dupr.dll")
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment) start.Environment[name] = value;
        start.ArgumentList.Add(Path.Combine(appDirectory, dll));
        foreach (string arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5))) process.Kill(entireProcessTree: true);
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }
}
