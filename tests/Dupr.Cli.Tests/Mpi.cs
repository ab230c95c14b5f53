namespace Dupr.Cli.Tests;

/// <summary>Launches programs of the test's build as MPI jobs with MPICH's mpiexec, as a user's multi-process runs are.</summary>
public static class Mpi
{
    /// <summary>mpiexec on PATH; the suite needs it (make test and .ci/run install MPICH where it is missing).</summary>
    public static string Launcher { get; } = FindLauncher();

    /// <summary>The arguments of `mpiexec -n <paramref name="ranks"/> dotnet <paramref name="dll"/> <paramref name="args"/>`.</summary>
    public static string[] Arguments(int ranks, string dll, params string[] args) =>
        ["-n", ranks.ToString(), "dotnet", Path.Combine(AppContext.BaseDirectory, dll), .. args];

    /// <summary>Runs <paramref name="dll"/> of the test's build on <paramref name="ranks"/> ranks and waits for the job.</summary>
    public static CliRunner.Result Run(int ranks, string dll, params string[] args)
    {
        using var job = new CliProcess(Launcher, Arguments(ranks, dll, args));
        return job.WaitForExit(TimeSpan.FromMinutes(5));
    }

    static string FindLauncher()
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
            if (File.Exists(Path.Combine(dir, "mpiexec"))) return Path.Combine(dir, "mpiexec");
        throw new InvalidOperationException("mpiexec is not on PATH: install MPICH (apt-get install mpich; make test does it when run as root)");
    }
}
