using Dupr.Core.Ops;
using static TorchSharp.torch;

namespace Dupr.Core.Tests.Ops;

public class RoIPoolerTests
{
    static readonly double[] FpnScales = [1 / 4.0, 1 / 8.0, 1 / 16.0, 1 / 32.0];

    [Fact]
    public void LevelsFollowDetectron2IncludingTheBoundaries()
    {
        using var scope = NewDisposeScope();
        var fixture = OpsFixtures.Load("fpn_levels_000.json");
        var boxes = OpsFixtures.Tensor(fixture["boxes"]!, ScalarType.Float32, -1, 4);
        int min = (int)fixture["min_level"]!, max = (int)fixture["max_level"]!;
        var expected = fixture["levels"]!.Values<long>().Select(l => l - min).ToArray();
        Assert.Equal(expected, RoIPooler.AssignLevels(boxes, min, max).data<long>().ToArray());
    }

    [Fact]
    public void EachBoxIsPooledFromItsLevelAndKeepsItsPlace()
    {
        using var scope = NewDisposeScope();
        var features = Pyramid(2, 5);
        var boxesPerImage = new[] { Boxes(new Random(1), 30), Boxes(new Random(2), 25) };
        var pooler = new RoIPooler((7, 7), FpnScales, samplingRatio: 0, aligned: true);
        var pooled = pooler.call(features, boxesPerImage);
        Assert.Equal(new long[] { 55, 5, 7, 7 }, pooled.shape);

        var rois = RoIAlign.ToRoiFormat(boxesPerImage);
        var level = RoIPooler.AssignLevels(rois[.., 1..], 2, 5).data<long>().ToArray();
        Assert.True(level.Distinct().Count() >= 3, "the boxes should spread over the levels");
        for (int k = 0; k < rois.size(0); k++)
        {
            int l = (int)level[k];
            var expected = RoIAlign.Apply(features[l], rois[k..(k + 1)], (7, 7), FpnScales[l], 0, true);
            Assert.True(pooled[k..(k + 1)].allclose(expected, rtol: 0, atol: 0), $"box {k}, level {l}");
        }
    }

    [Fact]
    public void GradientsReachEveryLevelUsed()
    {
        using var scope = NewDisposeScope();
        var features = Pyramid(1, 3).Select(f => f.requires_grad_(true)).ToArray();
        var boxes = Boxes(new Random(3), 40);
        new RoIPooler((7, 7), FpnScales).call(features, [boxes]).sum().backward();
        var used = RoIPooler.AssignLevels(boxes, 2, 5).data<long>().Distinct().ToHashSet();
        for (int l = 0; l < features.Length; l++)
            Assert.Equal(used.Contains(l), features[l].grad is { } g && g.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void OneLevelIsPlainRoIAlign()
    {
        using var scope = NewDisposeScope();
        var features = randn(2, 4, 20, 24);
        var boxes = new[] { Boxes(new Random(4), 6), Boxes(new Random(5), 3) };
        var pooled = new RoIPooler((14, 14), [1 / 16.0], samplingRatio: 2, aligned: false).call([features], boxes);
        var expected = RoIAlign.Apply(features, RoIAlign.ToRoiFormat(boxes), (14, 14), 1 / 16.0, 2, false);
        Assert.True(pooled.allclose(expected, rtol: 0, atol: 0));
    }

    [Fact]
    public void NoBoxesGiveAnEmptyBatch()
    {
        using var scope = NewDisposeScope();
        var pooled = new RoIPooler((7, 7), FpnScales).call(Pyramid(2, 3), [zeros(0, 4), zeros(0, 4)]);
        Assert.Equal(new long[] { 0, 3, 7, 7 }, pooled.shape);
    }

    [Fact]
    public void InvalidConfigurationsAndInputsAreRejected()
    {
        using var scope = NewDisposeScope();
        Assert.Contains("powers of 2", Assert.Throws<ArgumentException>(() => new RoIPooler((7, 7), [1 / 4.0, 1 / 6.0])).Message);
        Assert.Contains("consecutive", Assert.Throws<ArgumentException>(() => new RoIPooler((7, 7), [1 / 4.0, 1 / 16.0])).Message);
        var pooler = new RoIPooler((7, 7), FpnScales);
        Assert.Equal((2, 5), (pooler.MinLevel, pooler.MaxLevel));
        Assert.Contains("4 level(s)", Assert.Throws<ArgumentException>(() => pooler.call(Pyramid(1, 3)[..2], [zeros(1, 4)])).Message);
        Assert.Contains("2 image(s)", Assert.Throws<ArgumentException>(() => pooler.call(Pyramid(1, 3), [zeros(1, 4), zeros(1, 4)])).Message);
    }

    /// <summary>Levels 2 to 5 of a 256x320 image.</summary>
    static Tensor[] Pyramid(int batch, int channels) =>
        FpnScales.Select(s => randn(batch, channels, (long)(256 * s), (long)(320 * s))).ToArray();

    /// <summary>Boxes from 4 to 250 pixels in a 256x320 image.</summary>
    static Tensor Boxes(Random random, int count)
    {
        var values = new float[count * 4];
        for (int i = 0; i < count; i++)
        {
            double side = Math.Exp(Math.Log(4) + random.NextDouble() * Math.Log(250 / 4.0));
            double x = random.NextDouble() * (320 - side), y = random.NextDouble() * Math.Max(1, 256 - side);
            values[4 * i] = (float)x;
            values[4 * i + 1] = (float)y;
            values[4 * i + 2] = (float)(x + side * (0.5 + random.NextDouble()));
            values[4 * i + 3] = (float)(y + side);
        }
        return tensor(values).view(count, 4);
    }
}
