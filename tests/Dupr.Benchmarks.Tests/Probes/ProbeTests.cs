using Dupr.Benchmarks.Probes;
using Dupr.Detection.Data.Datasets;
using Dupr.Pretrain.Data;
using Dupr.Tests;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Benchmarks.Tests.Probes;

/// <summary>The probes on hand-made cases whose answers are known.</summary>
public sealed class ProbeTests
{
    // Three classes in three orthogonal directions of R^8, with a little noise: perfectly separable.
    static (Tensor Features, long[] Labels) Separable(int perClass, long seed)
    {
        var generator = new Generator((ulong)seed);
        var labels = Enumerable.Range(0, 3 * perClass).Select(i => (long)(i % 3)).ToArray();
        var features = nn.functional.one_hot(tensor(labels), 8).to_type(ScalarType.Float32).add(randn(labels.Length, 8, generator: generator).mul(S(0.05f)), One);
        return (nn.functional.normalize(features, dim: 1), labels);
    }

    [Fact]
    public void KnnIsPerfectOnSeparableFeatures()
    {
        using var scope = NewDisposeScope();
        var (train, trainLabels) = Separable(20, 1);
        var (test, testLabels) = Separable(10, 2);
        Assert.Equal(1.0, KnnProbe.Top1(train, trainLabels, test, testLabels, classes: 3));
    }

    [Fact]
    public void KnnFollowsTheWeightedVote()
    {
        using var scope = NewDisposeScope();
        // Two neighbours of class 1 slightly less similar than one of class 0: with k = 3 and a low temperature the single
        // closest neighbour wins; with a high temperature the two outvote it.
        var train = nn.functional.normalize(tensor(new float[,] { { 1, 0 }, { 0.9f, 0.45f }, { 0.9f, -0.45f } }), dim: 1);
        var test = tensor(new float[,] { { 1, 0 } });
        long[] trainLabels = [0, 1, 1];
        Assert.Equal(1.0, KnnProbe.Top1(train, trainLabels, test, [0], classes: 2, k: 3, temperature: 0.01));
        Assert.Equal(1.0, KnnProbe.Top1(train, trainLabels, test, [1], classes: 2, k: 3, temperature: 10));
    }

    [Fact]
    public void LinearProbeIsPerfectOnSeparableFeatures()
    {
        using var scope = NewDisposeScope();
        var (train, trainLabels) = Separable(20, 3);
        var (test, testLabels) = Separable(10, 4);
        Assert.Equal(1.0, LinearProbe.Top1(train, trainLabels, test, testLabels, classes: 3, seed: 0, epochs: 30));
    }

    [Fact]
    public void CorrespondenceIsExactForAPositionEncodingMapAndChanceForAConstantOne()
    {
        using var folder = TestPaths.Temp();
        // Whole-image views, flipped or not: every cell centre lands on a cell centre of the other view, far from any cell
        // edge, so the 8-bit coordinates of the images cannot blur which cell is nearest.
        var whole = PositionFeatureMaps.WriteCoordinateImages(folder, 6, square: 64);
        var flipsOnly = ViewAugmentationOptions.GeometryOnly(64);
        flipsOnly.Scale = [1, 1];
        flipsOnly.Ratio = [1, 1];
        foreach (var (level, (accuracy, cells, standardError)) in CorrespondenceProbe.Measure(new PositionFeatureMaps(), whole, flipsOnly, seed: 3))
        {
            Assert.Equal(6 * (level == "res4" ? 64 : 16), cells);
            Assert.Equal(1.0, accuracy, 9);
            Assert.Equal(0, standardError, 9); // every pair scores 100%: nothing to vary
        }

        // Random crops and flips: cell centres fall anywhere in the other view's cells; only those within the 8-bit coordinates'
        // error (about 0.4 px) of a cell edge can be missed.
        var images = PositionFeatureMaps.WriteCoordinateImages(folder, 6);
        var views = ViewAugmentationOptions.GeometryOnly(64);
        foreach (var (level, (accuracy, cells, _)) in CorrespondenceProbe.Measure(new PositionFeatureMaps(), images, views, seed: 3))
        {
            Assert.True(cells > 50, $"{level}: {cells} cells in the intersections");
            Assert.True(accuracy > 0.9, $"{level}: {accuracy}");
        }

        var chance = CorrespondenceProbe.Measure(new PositionFeatureMaps(constant: true), images, views, seed: 3);
        Assert.Equal(1.0 / (8 * 8), chance["res4"].Accuracy, 9);   // 64 px views, stride 8: every query ties with all 64 cells
        Assert.Equal(1.0 / (4 * 4), chance["res5"].Accuracy, 9);
    }

    [Fact]
    public void IouSimilarityFallsWithIouForAPositionEncodingMapAndIsFlatForAConstantOne()
    {
        using var folder = TestPaths.Temp();
        var images = PositionFeatureMaps.WriteCoordinateImages(folder, 4);
        // Two boxes per image, a fifth to a third of its sides.
        var records = images.Select((file, i) => new DetectionRecord
        {
            FilePath = file, ImageId = i, Height = 0, Width = 0,
            Boxes = [10, 12, 50, 44, 40, 30, 80, 70], Classes = [0, 1],
        }).ToList();

        var curves = IouSimilarityProbe.Measure(new PositionFeatureMaps(), records, shortSide: 128, maxSize: 256, seed: 0);
        foreach (var (level, curve) in curves)
        {
            Assert.True(curve.Slope > 0.3, $"{level}: slope {curve.Slope}");
            Assert.True(curve.Gap > 0.2, $"{level}: gap {curve.Gap}");
            Assert.True(curve.BinMeans[^1] > curve.BinMeans[5] && curve.BinMeans[5] > curve.BinMeans[0],
                $"{level}: bins {string.Join(", ", curve.BinMeans)}");
            Assert.All(curve.BinCounts, c => Assert.True(c > 0));
        }

        foreach (var (level, curve) in curves)
            Assert.True(curve.SlopeStandardError > 0 && curve.SlopeStandardError < curve.Slope / 3, $"{level}: slope {curve.Slope} ± {curve.SlopeStandardError}");

        var flat = IouSimilarityProbe.Measure(new PositionFeatureMaps(constant: true), records, shortSide: 128, maxSize: 256, seed: 0);
        foreach (var (level, curve) in flat)
        {
            Assert.Equal(0, curve.Slope, 5);
            Assert.Equal(0, curve.SlopeStandardError, 5);
            Assert.All(curve.BinMeans, m => Assert.Equal(1, m, 5));
        }
    }

    [Fact]
    public void StandardErrorsOfTheProbesMatchTheirClosedFormsAndTheBootstrap()
    {
        Assert.Equal(Math.Sqrt(0.25 / 100), ProbeStandardError.Proportion(0.5, 100), 12);
        Assert.Equal(0, ProbeStandardError.Proportion(1, 355));
        Assert.True(double.IsNaN(ProbeStandardError.Proportion(0.5, 0)));

        // Pairs of equal size: the ratio's cluster error is the standard error of the pairs' shares, sd / sqrt(n).
        var pairs = new[] { (2.0, 10.0), (4.0, 10.0), (6.0, 10.0), (8.0, 10.0) };
        double[] shares = [0.2, 0.4, 0.6, 0.8];
        double sd = Math.Sqrt(shares.Sum(s => (s - 0.5) * (s - 0.5)) / 3);
        Assert.Equal(sd / 2, ProbeStandardError.Ratio(pairs), 12);
        Assert.True(double.IsNaN(ProbeStandardError.Ratio([(1.0, 2.0)])));

        // The bootstrap error of a mean of n values approaches sd * sqrt((n - 1) / n) / sqrt(n); a constant statistic has none.
        var values = Enumerable.Range(0, 400).Select(i => (double)(i % 20)).ToList();
        double mean = values.Average(), sdValues = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
        double bootstrap = ProbeStandardError.Bootstrap(values, draw => draw.Average(), new Dupr.Core.Runtime.SampleRng(0), resamples: 2000);
        Assert.InRange(bootstrap, 0.9 * sdValues / 20, 1.1 * sdValues / 20);
        Assert.Equal(bootstrap, ProbeStandardError.Bootstrap(values, draw => draw.Average(), new Dupr.Core.Runtime.SampleRng(0), resamples: 2000));
        Assert.Equal(0, ProbeStandardError.Bootstrap(values, _ => 1.0, new Dupr.Core.Runtime.SampleRng(0)));
    }

    [Fact]
    public void ObjectCropsLeaveOutDifficultAndDegenerateBoxesAndSubsampleEvenly()
    {
        var record = new DetectionRecord
        {
            FilePath = "unused.jpg", ImageId = 1, Height = 0, Width = 0,
            Boxes = [0, 0, 10, 10, 5, 5, 5, 9, 1, 1, 8, 8, 2, 2, 6, 6], Classes = [0, 1, 2, 3], Difficult = [false, false, true, false],
        };
        var crops = ObjectCrops.From([record]);
        Assert.Equal([0L, 3L], crops.Labels);
        var many = ObjectCrops.From(Enumerable.Repeat(record, 10).ToList(), maxObjects: 4);  // objects 0, 5, 10, 15 of 20
        Assert.Equal([0L, 3L, 0L, 3L], many.Labels);
    }
}
