using System.Diagnostics;
using Dupr.Benchmarks.Synthetic;
using Dupr.Core.Checkpoints;
using Dupr.Core.Runtime;
using Dupr.Tests;
using static TorchSharp.torch;

namespace Dupr.Cli.Tests;

/// <summary>
/// Data parallelism in real MPI processes (mpiexec -n 2): two ranks with half the batch each take the steps one process
/// takes with the whole batch (SyncBN against BN over the batch; MoCo v2 and DUPR with cross-rank shuffle-BN against
/// split-BN with the same groups and permutation, banks included), and a rank killed with -9 ends the job, which --resume
/// then finishes as if it had never stopped.
/// </summary>
[Collection(NonParallel.Name)]
public sealed class MpiTests : IDisposable
{
    static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);
    readonly TempDirectory _temp = TestPaths.Temp();

    public MpiTests() => TorchRuntime.EnsureLoaded();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void SyncBnOnTwoRanksTakesTheStepsOfBnOverTheWholeBatch()
    {
        string one = _temp.File("one.dat"), sync = _temp.File("sync.dat"), split = _temp.File("split.dat");
        Succeeded(CliRunner.RunProgram("Dupr.MpiRanks.dll", "syncbn", "BN", one));
        Succeeded(Mpi.Run(2, "Dupr.MpiRanks.dll", "syncbn", "SyncBN", sync));
        Succeeded(Mpi.Run(2, "Dupr.MpiRanks.dll", "syncbn", "BN", split));

        using var expected = StateDictFile.Read(one);
        using var synced = StateDictFile.Read(sync);
        using var perRank = StateDictFile.Read(split);
        // Weights and running statistics alike: SyncBN's statistics are the whole batch's.
        Assert.True(MaxDifference(expected, synced, _ => true) < 1e-5, $"SyncBN differs from BN over the batch by {MaxDifference(expected, synced, _ => true)}");
        // The control: per-rank BN normalises each half with its own statistics, and the steps differ.
        Assert.True(MaxDifference(expected, perRank, _ => true) > 1e-3, "per-rank BN matched BN over the whole batch: the test cannot tell them apart");
    }

    [Theory]
    [InlineData("mocov2_r18_mini.json")]
    [InlineData("dupr_r18_mini.json")]
    public void TwoRanksTakeTheStepsOfOneProcessWithTheWholeBatch(string recipe)
    {
        string unlabeled = World();
        string one = _temp.File("one"), two = _temp.File("two");
        Succeeded(CliRunner.Run(Pretrain(recipe, unlabeled, one, threads: 2, "solver.max_iter=3")));
        var job = Succeeded(Mpi.Run(2, "dupr.dll", Pretrain(recipe, unlabeled, two, threads: 1, "solver.max_iter=3")));
        Assert.Contains("MPI world of 2 ranks", job.Stderr);

        // BN running statistics are left out: one process updates them once per BN group, a rank once per step.
        using (var expected = StateDictFile.Read(Path.Combine(one, "backbone.pth")))
        using (var actual = StateDictFile.Read(Path.Combine(two, "backbone.pth")))
            Assert.True(MaxDifference(expected, actual, IsWeight) < 1e-5, $"backbones differ by {MaxDifference(expected, actual, IsWeight)}");
        // The banks: rank 0's checkpoint (the trainer checked that every rank's banks are the same) against one process's.
        using (var expected = StateDictFile.Read(LastModel(one)))
        using (var actual = StateDictFile.Read(LastModel(two)))
            Assert.True(MaxDifference(expected, actual, k => k.Contains("queue")) < 1e-5, $"banks differ by {MaxDifference(expected, actual, k => k.Contains("queue"))}");
    }

    [Fact]
    public void KillingOneRankEndsTheJobAndResumeContinuesAsIfNeverStopped()
    {
        string unlabeled = World();
        string killed = _temp.File("killed"), whole = _temp.File("whole");
        string[] args = Pretrain("mocov2_r18_mini.json", unlabeled, killed, threads: 1, "solver.max_iter=12", "solver.checkpoint_period=4");
        using (var job = new CliProcess(Mpi.Launcher, Mpi.Arguments(2, "dupr.dll", args)))
        {
            string pointer = Path.Combine(killed, "checkpoints", "last_checkpoint");
            Assert.True(job.WaitUntil(() => File.Exists(pointer), Patience), job.Stderr);
            int rank1 = RankProcess(killed, 1);
            Process.GetProcessById(rank1).Kill();
            var clock = Stopwatch.StartNew();
            var ended = job.WaitForExit(TimeSpan.FromSeconds(60));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(55), $"the job outlived its killed rank by {clock.Elapsed}: a rank hangs");
            Assert.NotEqual(0, ended.ExitCode);
        }
        Assert.False(File.Exists(Path.Combine(killed, "backbone.pth")));
        Succeeded(Mpi.Run(2, "dupr.dll", [.. args, "--resume"]));
        Succeeded(Mpi.Run(2, "dupr.dll", Pretrain("mocov2_r18_mini.json", unlabeled, whole, threads: 1, "solver.max_iter=12", "solver.checkpoint_period=4")));

        using var resumed = StateDictFile.Read(Path.Combine(killed, "backbone.pth"));
        using var uninterrupted = StateDictFile.Read(Path.Combine(whole, "backbone.pth"));
        Assert.Equal(0, MaxDifference(uninterrupted, resumed, _ => true));
    }

    // 16 unlabeled images of 96 px (two global batches of 8).
    string World()
    {
        string shapes = _temp.File("shapes");
        SyntheticWorld.Generate(new SyntheticWorldOptions { Train = 1, Val = 1, Unlabeled = 16, Size = 96 }, shapes);
        return Path.Combine(shapes, "unlabeled");
    }

    static string[] Pretrain(string recipe, string data, string output, int threads, params string[] sets) =>
    [
        "pretrain", "--config", Path.Combine(TestPaths.RepoRoot, "configs", "pretrain", recipe), "--data", data, "--output", output,
        "--threads", threads.ToString(),
        .. new[]
        {
            "model.width=8", "train.batch_size=8", "train.workers=1", "train.log_period=1", "solver.checkpoint_period=1000",
            "contrast.shuffle_bn_groups=2", "contrast.queue_size=32", "contrast.patch_keys_per_batch=8", "contrast.fill_queues_at_start=true",
            "train.probe_period=0",
        }.Concat(sets).SelectMany(a => new[] { "--set", a }),
    ];

    static CliRunner.Result Succeeded(CliRunner.Result result)
    {
        Assert.True(result.ExitCode == 0, $"exit code {result.ExitCode}: {result.Stderr}");
        return result;
    }

    static bool IsWeight(string key) => !key.Contains("running_") && !key.Contains("num_batches_tracked");

    static string LastModel(string run)
    {
        string folder = File.ReadAllText(Path.Combine(run, "checkpoints", "last_checkpoint")).Trim();
        return Path.Combine(run, "checkpoints", folder, "model.dat");
    }

    static double MaxDifference(StateDict expected, StateDict actual, Func<string, bool> include)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        double max = 0;
        foreach (string key in expected.Keys.Where(include))
            max = Math.Max(max, (expected[key].to(ScalarType.Float64) - actual[key].to(ScalarType.Float64)).abs().max().item<double>());
        return max;
    }

    // The process of rank `rank` of the job writing `run`: a dotnet process whose command line names the run and whose
    // environment carries the rank MPICH's launcher gave it.
    static int RankProcess(string run, int rank)
    {
        foreach (string dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            try
            {
                string command = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (!command.Contains("dupr.dll") || !command.Contains(run)) continue;
                if (File.ReadAllText(Path.Combine(dir, "environ")).Split('\0').Contains($"PMI_RANK={rank}")) return pid;
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        throw new InvalidOperationException($"no process of rank {rank} writes {run}");
    }
}
