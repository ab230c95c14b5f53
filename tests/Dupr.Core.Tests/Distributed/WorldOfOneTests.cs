using Dupr.Core.Distributed;
using Dupr.Core.Modeling;
using Dupr.Core.Runtime;
using Dupr.Tests;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Core.Tests.Distributed;

/// <summary>
/// A process started without a launcher is a world of one: no MPI is loaded, its collectives return their input, and the
/// data-parallel pieces (gradient averaging, SyncBN, term means) leave a single-process run as it was. The MPI side runs in
/// real processes in Dupr.Cli.Tests' MpiTests.
/// </summary>
[Collection(NonParallel.Name)]
public class WorldOfOneTests
{
    public WorldOfOneTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public void AProcessStartedWithoutALauncherIsAWorldOfOneWhoseCollectivesReturnTheirInput()
    {
        Assert.False(World.IsLaunched);
        var world = World.Current;
        Assert.Same(World.Single, world);
        Assert.Equal((0, 1, 0, 1, true), (world.Rank, world.Size, world.LocalRank, world.LocalSize, world.IsMain));
        using var t = arange(S(0), S(6), S(1), dtype: ScalarType.Float32);
        world.AllReduceSum(t);
        world.Broadcast(t);
        Assert.Equal([0f, 1, 2, 3, 4, 5], t.data<float>().ToArray());
        Assert.Same(t, world.AllGather(t));
        Assert.Equal([1.5, 2], world.AllReduceSum([1.5, 2]));
        Assert.True(world.Any(true));
        Assert.False(world.Any(false));
        world.EnsureSame([1, 2], "anything");
        World.AbortAll(1); // nothing joined: a no-op
    }

    [Fact]
    public void TermMeansKeepTheNamesPresentInTheirOrderAndRefuseAnUnknownOne()
    {
        var means = World.Single.MeanByName([("b", 2.0), ("loss", 3.0)], ["loss", "a", "b"]);
        Assert.Equal([("loss", 3.0), ("b", 2.0)], means);
        Assert.Throws<ArgumentException>(() => World.Single.MeanByName([("c", 1.0)], ["loss"]));
    }

    [Theory]
    [InlineData(16, 2, 8)]
    [InlineData(16, 1, 16)]
    public void TheMicroBatchIsTheGlobalBatchOverTheMicroBatchesOfAStep(int batch, int accumulation, int expected) =>
        Assert.Equal(expected, DataParallel.MicroBatch(World.Single, batch, accumulation));

    [Fact]
    public void ABatchThatDoesNotSplitIsRefusedNamingTheKeys() =>
        Assert.Equal("train.batch_size (4) must be a positive multiple of train.accumulation (3)",
            Assert.Throws<DuprException>(() => DataParallel.MicroBatch(World.Single, 4, 3)).Message);

    [Fact]
    public void AveragingGradientsInAWorldOfOneLeavesThemAsTheyAre()
    {
        using var layer = nn.Linear(3, 2);
        layer.forward(ones(4, 3)).sum().backward();
        var before = layer.parameters().Select(p => p.grad!.data<float>().ToArray()).ToList();
        new GradientAverager(World.Single, layer.parameters()).Average();
        Assert.Equal(before, layer.parameters().Select(p => p.grad!.data<float>().ToArray()).ToList());
    }

    [Fact]
    public void SyncBnInOneProcessIsBatchNormOverTheBatch()
    {
        var x = randn([4, 3, 5, 5], generator: new Generator(3)).mul(S(2)).add(S(1), One);
        using var plain = new BatchNorm2d(3);
        using var sync = (BatchNorm2d)Norms.Create(NormKind.SyncBN, 3);
        Assert.True(sync.Synchronized);
        var a = plain.forward(x);
        var b = sync.forward(x);
        Assert.Equal(a.data<float>().ToArray(), b.data<float>().ToArray());
        Assert.Equal(plain.state_dict().Keys.Order(), sync.state_dict().Keys.Order()); // checkpoints load either way
    }
}
