using Dupr.Core.Ops;
using TorchSharp;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Core.Tests.Ops;

/// <summary>
/// The device path of NMS (tensor operations, for boxes on a GPU), run here on CPU tensors: the same indices in the same
/// order as the C# kernel, ties, thresholds, blocks and groups included.
/// </summary>
public class TensorNmsTests
{
    [Theory]
    [MemberData(nameof(NmsTests.NmsFixtures), MemberType = typeof(NmsTests))]
    public void KeepsTheIndicesTorchvisionKeeps(string name)
    {
        using var scope = NewDisposeScope();
        var fixture = OpsFixtures.Load(name);
        var boxes = OpsFixtures.Tensor(fixture["boxes"]!, ScalarType.Float32, -1, 4);
        var scores = OpsFixtures.Tensor(fixture["scores"]!, ScalarType.Float32, -1);
        var keep = TensorNms.Run(boxes, scores, null, (double)fixture["iou_threshold"]!);
        Assert.Equal(ScalarType.Int64, keep.dtype);
        Assert.Equal(fixture["keep"]!.Values<long>().ToArray(), keep.data<long>().ToArray());
    }

    [Theory]
    [InlineData(200, 0.5, ScalarType.Float32)]
    [InlineData(2600, 0.7, ScalarType.Float32)]   // three blocks: suppression across blocks
    [InlineData(2600, 0.3, ScalarType.Float64)]
    [InlineData(1500, 1.0, ScalarType.Float32)]   // nothing suppressed
    public void KeepsWhatTheKernelKeepsTiesIncluded(int count, double threshold, ScalarType type)
    {
        using var scope = NewDisposeScope();
        var boxes = NmsTests.RandomBoxes(new Random(count), count).to_type(type);
        // Scores on a coarse grid: many ties, which go to the lower index.
        var scores = randint(0, 40, count, generator: new Generator((ulong)count)).to_type(type).div(S(40));
        Assert.Equal(Nms.Apply(boxes, scores, threshold).data<long>().ToArray(), TensorNms.Run(boxes, scores, null, threshold).data<long>().ToArray());
    }

    [Fact]
    public void AChainThatNeedsManyPassesIsExactAndChecksItsFixedPointOncePerFourPasses()
    {
        using var scope = NewDisposeScope();
        // Boxes 10 wide, 3 apart: each overlaps its neighbours (IoU 7/13) and nothing further (4/16). Greedy keeps every
        // other box; Cluster-NMS settles one box per pass, so 24 boxes take about 24 passes.
        const int count = 24;
        var boxes = tensor(Enumerable.Range(0, count).SelectMany(i => new float[] { 3 * i, 0, 3 * i + 10, 10 }).ToArray()).view(count, 4);
        var scores = tensor(Enumerable.Range(0, count).Select(i => 1f - i / 100f).ToArray());
        long before = Dupr.Core.Runtime.HostReads.OnThisThread;
        long[] kept = TensorNms.Run(boxes, scores, null, 0.5).data<long>().ToArray();
        long reads = Dupr.Core.Runtime.HostReads.OnThisThread - before;
        Assert.Equal(Enumerable.Range(0, count / 2).Select(i => 2L * i).ToArray(), kept);
        Assert.Equal(Nms.Apply(boxes, scores, 0.5).data<long>().ToArray(), kept);
        Assert.True(reads <= count / 4 + 1, $"{reads} host reads for {count} passes");
    }

    [Fact]
    public void GroupsSuppressOnlyWithinThemselvesAsTheKernelDoes()
    {
        using var scope = NewDisposeScope();
        const int count = 2200;
        var boxes = NmsTests.RandomBoxes(new Random(3), count);
        var scores = randint(0, 50, count, generator: new Generator(4)).to_type(ScalarType.Float32).div(S(50));
        var groups = randint(0, 5, count, generator: new Generator(5));
        long[] expected = NmsKernel.Run(boxes.data<float>().ToArray(), scores.to_type(ScalarType.Float64).data<double>().ToArray(),
            groups.to_type(ScalarType.Int32).data<int>().ToArray(), 0.6);
        Assert.Equal(expected, TensorNms.Run(boxes, scores, groups, 0.6).data<long>().ToArray());
    }

    [Fact]
    public void TheThresholdIsStrictInTheBoxesPrecision()
    {
        using var scope = NewDisposeScope();
        var boxes = tensor(new float[] { 0, 0, 10, 7.5f, 0, 2.5f, 10, 10 }).view(2, 4);
        var scores = tensor(new float[] { 1, 0.5f });
        Assert.Equal(new long[] { 0, 1 }, TensorNms.Run(boxes, scores, null, 0.5).data<long>().ToArray());
        Assert.Equal(new long[] { 0 }, TensorNms.Run(boxes, scores, null, 0.4999999).data<long>().ToArray());
        Assert.Equal(0, TensorNms.Run(zeros(0, 4), zeros(0), null, 0.5).numel());
    }
}
