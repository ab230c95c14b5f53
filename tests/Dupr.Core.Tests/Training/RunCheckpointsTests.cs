using Dupr.Core.Runtime;
using Dupr.Core.Training;
using Dupr.Tests;
using TorchSharp;
using static TorchSharp.torch;

namespace Dupr.Core.Tests.Training;

/// <summary>Checkpoints record the run's origin (seed, data) and refuse a resume that differs; bad state files are clean errors.</summary>
public class RunCheckpointsTests
{
    sealed record State(long Iteration);

    static string Saved(TempDirectory temp, RunOrigin origin, long iteration = 4)
    {
        using var model = nn.Linear(2, 1);
        using var optimizer = new Sgd(model.parameters(), 0.1);
        return new RunCheckpoints<State>(temp.Path, origin).Save(model, optimizer, iteration, new State(iteration));
    }

    static State Load(TempDirectory temp, RunOrigin origin)
    {
        using var model = nn.Linear(2, 1);
        using var optimizer = new Sgd(model.parameters(), 0.1);
        return new RunCheckpoints<State>(temp.Path, origin).Load(model, optimizer);
    }

    [Fact]
    public void AResumeFromTheSameSeedAndDataLoads()
    {
        using var temp = TestPaths.Temp();
        Saved(temp, new RunOrigin(3, "data/shapes"));
        Assert.Equal(4, Load(temp, new RunOrigin(3, Path.GetFullPath("data/shapes") + "/")).Iteration);
    }

    // A resume with another --seed or --data was accepted and made a hybrid run.
    [Fact]
    public void AResumeWithAnotherSeedOrDataIsRefused()
    {
        using var temp = TestPaths.Temp();
        string folder = Saved(temp, new RunOrigin(3, "/data/a"));
        string state = Path.Combine(folder, "state.json");
        Assert.Equal($"--resume: the run was started with --seed 3, not 4 ({state}); resume with --seed 3 or choose a new --output",
            Assert.Throws<DuprException>(() => Load(temp, new RunOrigin(4, "/data/a"))).Message);
        Assert.Equal($"--resume: the run was started on --data /data/a, not /data/b ({state}); resume with that --data or choose a new --output",
            Assert.Throws<DuprException>(() => Load(temp, new RunOrigin(3, "/data/b"))).Message);
    }

    [Fact]
    public void CheckpointsWithoutAnOriginStillResume()
    {
        using var temp = TestPaths.Temp();
        string folder = Saved(temp, new RunOrigin(3, "/data/a"));
        File.WriteAllText(Path.Combine(folder, "state.json"), """{"Iteration":4}""");
        Assert.Equal(4, Load(temp, new RunOrigin(9, "/elsewhere")).Iteration);
    }

    // A corrupt state.json ended the resume in a Newtonsoft stack trace.
    [Theory]
    [InlineData("{\"Iteration\": 4")]
    [InlineData("[1, 2]")]
    [InlineData("")]
    public void ACorruptStateFileIsAnErrorNamingIt(string text)
    {
        using var temp = TestPaths.Temp();
        string state = Path.Combine(Saved(temp, new RunOrigin(3, "/data/a")), "state.json");
        File.WriteAllText(state, text);
        var error = Assert.Throws<DuprException>(() => Load(temp, new RunOrigin(3, "/data/a")));
        Assert.StartsWith($"{state}: corrupt trainer state (", error.Message);
        Assert.DoesNotContain("\n", error.Message);
    }

    [Fact]
    public void UnfinishedCheckpointFoldersOfKilledRunsAreRemoved()
    {
        using var temp = TestPaths.Temp();
        string unfinished = Path.Combine(temp.Path, "checkpoints", "iter_0000006.tmp");
        Directory.CreateDirectory(unfinished);
        Saved(temp, new RunOrigin(3, "/data/a"), iteration: 4);
        Assert.False(Directory.Exists(unfinished));
        Assert.True(Directory.Exists(Path.Combine(temp.Path, "checkpoints", "iter_0000004")));
    }
}
