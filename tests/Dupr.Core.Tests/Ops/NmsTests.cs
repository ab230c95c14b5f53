using Dupr.Core.Ops;
using Newtonsoft.Json.Linq;
using TorchSharp;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Core.Tests.Ops;

public class NmsTests
{
    public static TheoryData<string> NmsFixtures() => new(OpsFixtures.Names("nms_"));

    public static TheoryData<string> BatchedFixtures() => new(OpsFixtures.Names("batched_nms_"));

    [Fact]
    public void FixturesArePresent()
    {
        Assert.True(OpsFixtures.Names("nms_").Count() >= 9, "tests/fixtures/ops lacks nms cases");
        Assert.Equal(2, OpsFixtures.Names("batched_nms_").Count());
    }

    [Theory]
    [MemberData(nameof(NmsFixtures))]
    public void KeepsTheIndicesTorchvisionKeeps(string name)
    {
        using var scope = NewDisposeScope();
        var fixture = OpsFixtures.Load(name);
        var boxes = OpsFixtures.Tensor(fixture["boxes"]!, ScalarType.Float32, -1, 4);
        var scores = OpsFixtures.Tensor(fixture["scores"]!, ScalarType.Float32, -1);
        var keep = Nms.Apply(boxes, scores, (double)fixture["iou_threshold"]!);
        Assert.Equal(ScalarType.Int64, keep.dtype);
        Assert.Equal(fixture["keep"]!.Values<long>().ToArray(), keep.data<long>().ToArray());
    }

    [Theory]
    [MemberData(nameof(NmsFixtures))]
    public void PairwiseIouMatchesTorchvision(string name)
    {
        using var scope = NewDisposeScope();
        var fixture = OpsFixtures.Load(name);
        var boxes = OpsFixtures.Tensor(fixture["boxes"]!, ScalarType.Float32, -1, 4)[..10];
        var expected = OpsFixtures.Tensor(fixture["iou_first_10x10"]!, ScalarType.Float64, 10, 10);
        var iou = BoxOps.PairwiseIou(boxes, boxes).to_type(ScalarType.Float64);
        // torchvision divides 0 by 0 for two empty boxes; PairwiseIou gives 0 there, as detectron2 does.
        expected = expected.nan_to_num(0.0);
        Assert.True((iou - expected).abs().max().item<double>() <= 1e-6, $"{name}: max |diff| {(iou - expected).abs().max().item<double>():E2}");
    }

    [Theory]
    [MemberData(nameof(BatchedFixtures))]
    public void BatchedKeepsTheIndicesTorchvisionKeeps(string name)
    {
        using var scope = NewDisposeScope();
        var fixture = OpsFixtures.Load(name);
        var boxes = OpsFixtures.Tensor(fixture["boxes"]!, ScalarType.Float32, -1, 4);
        var scores = OpsFixtures.Tensor(fixture["scores"]!, ScalarType.Float32, -1);
        var groups = tensor(fixture["idxs"]!.Values<long>().ToArray());
        var keep = Nms.Batched(boxes, scores, groups, (double)fixture["iou_threshold"]!);
        Assert.Equal(fixture["keep"]!.Values<long>().ToArray(), keep.data<long>().ToArray());
    }

    [Fact]
    public void BatchedEqualsNmsWithinEachGroupMergedByScore()
    {
        using var scope = NewDisposeScope();
        var generator = new Random(5);
        foreach (int count in new[] { 300, 2500 })   // both of torchvision's methods
        {
            var boxes = RandomBoxes(generator, count);
            var scores = randperm(count).to_type(ScalarType.Float32).div(S(count));   // distinct: tie order is tested elsewhere
            var groups = randint(0, 7, count);
            var keep = Nms.Batched(boxes, scores, groups, 0.6).data<long>().ToArray();

            var expected = new List<long>();
            for (int g = 0; g < 7; g++)
            {
                var members = nonzero(groups == S(g)).view(-1);
                var kept = Nms.Apply(boxes.index_select(0, members), scores.index_select(0, members), 0.6);
                expected.AddRange(members.index_select(0, kept).data<long>().ToArray());
            }
            var s = scores.data<float>().ToArray();
            var order = expected.OrderByDescending(i => s[i]).ThenBy(i => i).ToArray();
            Assert.Equal(order, keep);
        }
    }

    [Fact]
    public void EqualScoresKeepTheLowerIndexFirst()
    {
        using var scope = NewDisposeScope();
        var boxes = tensor(new float[] { 0, 0, 10, 10, 0, 0, 10, 10, 20, 20, 30, 30, 20, 20, 30, 30 }).view(4, 4);
        var scores = tensor(new float[] { 0.5f, 0.5f, 0.9f, 0.9f });
        Assert.Equal(new long[] { 2, 0 }, Nms.Apply(boxes, scores, 0.5).data<long>().ToArray());
        Assert.Equal(new long[] { 2, 3, 0, 1 }, Nms.Apply(boxes, scores, 1.0).data<long>().ToArray());
    }

    [Fact]
    public void ThresholdIsStrictInTorchvisionsPrecision()
    {
        using var scope = NewDisposeScope();
        // IoU exactly 0.5 (overlap 50 over union 100): kept at threshold 0.5, suppressed just below.
        var boxes = tensor(new float[] { 0, 0, 10, 7.5f, 0, 2.5f, 10, 10 }).view(2, 4);
        var scores = tensor(new float[] { 1, 0.5f });
        Assert.Equal(new long[] { 0, 1 }, Nms.Apply(boxes, scores, 0.5).data<long>().ToArray());
        Assert.Equal(new long[] { 0 }, Nms.Apply(boxes, scores, 0.4999999).data<long>().ToArray());
    }

    [Fact]
    public void Float64BoxesAreSuppressedInFloat64()
    {
        using var scope = NewDisposeScope();
        var generator = new Random(9);
        var boxes = RandomBoxes(generator, 500);
        var scores = randperm(500).to_type(ScalarType.Float32).div(S(500));
        var keep32 = Nms.Apply(boxes, scores, 0.5).data<long>().ToArray();
        var keep64 = Nms.Apply(boxes.to_type(ScalarType.Float64), scores.to_type(ScalarType.Float64), 0.5).data<long>().ToArray();
        Assert.Equal(keep32, keep64);
    }

    [Fact]
    public void EmptyInputsGiveEmptyIndices()
    {
        using var scope = NewDisposeScope();
        Assert.Equal(0, Nms.Apply(zeros(0, 4), zeros(0), 0.5).numel());
        Assert.Equal(0, Nms.Batched(zeros(0, 4), zeros(0), zeros(0, ScalarType.Int64), 0.5).numel());
        Assert.Equal(ScalarType.Int64, Nms.Batched(zeros(0, 4), zeros(0), zeros(0, ScalarType.Int64), 0.5).dtype);
    }

    [Fact]
    public void InvalidArgumentsAreRejectedWithClearMessages()
    {
        using var scope = NewDisposeScope();
        Assert.Contains("[N, 4]", Assert.Throws<ArgumentException>(() => Nms.Apply(zeros(3, 5), zeros(3), 0.5)).Message);
        Assert.Contains("scores must be [N]", Assert.Throws<ArgumentException>(() => Nms.Apply(zeros(3, 4), zeros(2), 0.5)).Message);
        Assert.Contains("groups must be [N]", Assert.Throws<ArgumentException>(() => Nms.Batched(zeros(3, 4), zeros(3), zeros(4, ScalarType.Int64), 0.5)).Message);
        Assert.Contains("integers", Assert.Throws<ArgumentException>(() => Nms.Batched(zeros(3, 4), zeros(3), zeros(3), 0.5)).Message);
    }

    internal static Tensor RandomBoxes(Random random, int count)
    {
        var values = new float[count * 4];
        for (int i = 0; i < count; i++)
        {
            float x = (float)random.NextDouble() * 200, y = (float)random.NextDouble() * 200;
            values[4 * i] = x;
            values[4 * i + 1] = y;
            values[4 * i + 2] = x + 4 + (float)random.NextDouble() * 80;
            values[4 * i + 3] = y + 4 + (float)random.NextDouble() * 80;
        }
        return tensor(values).view(count, 4);
    }
}

public class TorchCpuSortTests
{
    [Fact]
    public void EqualValuesComeOutInTorchsOrder()
    {
        var fixture = OpsFixtures.Load("sort_ties_000.json");
        foreach (var array in fixture["arrays"]!)
        {
            double[] values = array["values"]!.Select(v => v.Type == Newtonsoft.Json.Linq.JTokenType.String ? double.NaN : (double)v).ToArray();
            Assert.Equal(array["order"]!.Values<int>().ToArray(), TorchCpuSort.DescendingOrder(values));
        }
    }
}
