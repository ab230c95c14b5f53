using Dupr.Benchmarks.Reports;
using Dupr.Benchmarks.Suites;

namespace Dupr.Benchmarks.Tests.Reports;

/// <summary>The statistics behind the claims' verdicts and the baselines' tolerances.</summary>
public sealed class ClaimTests
{
    [Theory]
    [InlineData(1, 12.706205)]
    [InlineData(2, 4.302653)]
    [InlineData(4, 2.776445)]
    [InlineData(10, 2.228139)]
    [InlineData(30, 2.042272)]
    [InlineData(1e6, 1.959966)]
    public void StudentTQuantilesMatchTheTables(double df, double expected)
    {
        Assert.Equal(expected, StudentT.Quantile(0.975, df), 1e-5);
        Assert.Equal(-expected, StudentT.Quantile(0.025, df), 1e-5);
        Assert.Equal(0.975, StudentT.Cdf(expected, df), 6);
    }

    [Fact]
    public void WelchDifferenceOfThreeSeedsEach()
    {
        var d = Difference.Of([12, 13, 14], [2, 4, 3]);
        Assert.Equal(10, d.Mean, 12);
        Assert.Equal(Math.Sqrt(1.0 / 3 + 1.0 / 3), d.StandardError, 12);       // both sample variances are 1
        double half = StudentT.Quantile(0.975, 4) * d.StandardError;          // Welch's df is 4 for equal variances and counts
        Assert.Equal(10 - half, d.Low, 9);
        Assert.Equal(10 + half, d.High, 9);
        Assert.Equal(10 / d.StandardError, d.Significance, 9);
    }

    [Fact]
    public void OneValueOnASideBorrowsTheOtherSidesSpreadAndTwoSingleValuesHaveNone()
    {
        var d = Difference.Of([50], [40, 42, 44]);
        Assert.Equal(8, d.Mean, 12);
        Assert.Equal(Math.Sqrt(4 * (1 + 1.0 / 3)), d.StandardError, 12);
        Assert.True(double.IsNaN(Difference.Of([1], [2]).StandardError));
    }

    [Fact]
    public void ProbesOfOnePretrainingEachDifferByTheirTestSamplesErrors()
    {
        var d = Difference.OfMeasurements(60, 3, 50, 4);
        Assert.Equal(10, d.Mean, 12);
        Assert.Equal(5, d.StandardError, 12);
        Assert.Equal(10 - 1.959964 * 5, d.Low, 9);
        Assert.True(d.FromTestSamples);

        // A comparison of single probe rows with standard errors uses them; without, it has no spread, as before.
        ResultRow Probe(string pretraining, double value, double? se) => new("s", "probe", pretraining, 0, "knn.res5", value, 0, "x", se);
        var spec = new SuiteSpec { Comparisons = [new ComparisonSpec { A = "dupr", B = "mocov2" }] };
        Assert.Equal("dupr - mocov2, probe knn.res5: +10.0 ± 5.0 (95% CI +0.2..+19.8; one value each, SE of the probes' test samples)",
            Assert.Single(ClaimVerdicts.Comparisons(spec, [Probe("dupr", 60, 3), Probe("mocov2", 50, 4)], n => n)));
        Assert.Equal("dupr - mocov2, probe knn.res5: +10.0 (no spread: one value each)",
            Assert.Single(ClaimVerdicts.Comparisons(spec, [Probe("dupr", 60, null), Probe("mocov2", 50, 4)], n => n)));
        // Several seeds on a side keep the spread over seeds.
        Assert.Contains("3 vs 1 seeds", Assert.Single(ClaimVerdicts.Comparisons(spec,
            [Probe("dupr", 60, 3), Probe("dupr", 62, 3) with { Seed = 1 }, Probe("dupr", 64, 3) with { Seed = 2 }, Probe("mocov2", 50, 4)], n => n)));
    }

    static List<ResultRow> Rows(string pretraining, string metric, params double[] values) =>
        values.Select((v, seed) => new ResultRow("s", "voc_c4", pretraining, seed, metric, v, 100, "x")).ToList();

    static SuiteSpec Spec(double minGain) => new()
    {
        Pretrainings = [new PretrainingSpec { Name = "random", Label = "random init" }, new PretrainingSpec { Name = "mocov2", Label = "MoCo v2" }],
        Claims = [new ClaimSpec { Better = "mocov2", Than = "random", On = "voc_c4", MinGain = new() { ["voc.AP50"] = minGain } }],
        Comparisons = [new ComparisonSpec { A = "mocov2", B = "random" }],
    };

    [Fact]
    public void AClaimHoldsOnlyWithTheGainAndMoreThanThreeStandardErrors()
    {
        var rows = Rows("random", "voc.AP50", 30, 31, 32).Concat(Rows("mocov2", "voc.AP50", 40, 41, 42)).ToList();
        var verdict = Assert.Single(ClaimVerdicts.Evaluate(Spec(5), rows));
        Assert.True(verdict.Holds);
        Assert.Equal("MoCo v2 > random init, voc_c4 voc.AP50: holds, +10.0 ± 0.8 (95% CI +7.7..+12.3; 3 vs 3 seeds; needs >= +5.0 and > 3 SE)",
            verdict.Line(n => n == "mocov2" ? "MoCo v2" : "random init"));
        Assert.False(Assert.Single(ClaimVerdicts.Evaluate(Spec(11), rows)).Holds);                 // gain not reached

        var noisy = Rows("random", "voc.AP50", 20, 31, 42).Concat(Rows("mocov2", "voc.AP50", 30, 41, 52)).ToList();
        Assert.False(Assert.Single(ClaimVerdicts.Evaluate(Spec(5), noisy)).Holds);                 // +10, but within 3 SE
        var missing = Assert.Single(ClaimVerdicts.Evaluate(Spec(5), Rows("random", "voc.AP50", 30)));
        Assert.False(missing.Holds);
        Assert.Contains("NO RESULTS", missing.Line(n => n));

        var comparison = Assert.Single(ClaimVerdicts.Comparisons(Spec(5), rows, n => n));
        Assert.StartsWith("mocov2 - random, voc_c4 voc.AP50: +10.0 ± 0.8 (95% CI", comparison);
    }

    [Fact]
    public void ABaselineTakesTheMeanOfRunsAndThreeStandardErrorsAboveAFloor()
    {
        var first = Rows("random", "voc.AP50", 30, 32, 34).Concat(Rows("random", "voc.AP", 10, 10, 10)).ToList();
        var second = Rows("random", "voc.AP50", 31, 33, 35).Concat(Rows("random", "voc.AP", 10, 10, 10)).Concat(Rows("mocov2", "voc.AP", 5)).ToList();
        var built = BaselineBuilder.Build([first, second], floor: 0.5);
        var rows = built.Rows;
        Assert.Equal(2, rows.Count);                                                               // mocov2 is in one run only
        Assert.Empty(built.Vacuous);
        var ap50 = rows.Single(r => r.Metric == "voc.AP50");
        Assert.Equal(32.5, ap50.Value);
        // Seeds' SD 2 -> a 3-seed mean has SE 2/sqrt(3); the runs' means differ by 1 (SD 0.71): the larger, times 3.
        Assert.Equal(Math.Round(3 * 2 / Math.Sqrt(3), 2), ap50.Tolerance);
        Assert.Equal(0.5, rows.Single(r => r.Metric == "voc.AP").Tolerance);                        // no spread: the floor
    }

    [Fact]
    public void ABaselineLeavesOutMetricsThatNoScoreCouldFail()
    {
        // A ratio of 0.3 under a floor of 0.5 points, and a noisy 2 +- 3: neither could ever be below value - tolerance.
        var first = Rows("random", "iou.slope", 0.3, 0.3, 0.3).Concat(Rows("random", "voc.AP75", 0, 2, 5)).Concat(Rows("random", "voc.AP", 10, 10, 10)).ToList();
        var second = Rows("random", "iou.slope", 0.3, 0.3, 0.3).Concat(Rows("random", "voc.AP75", 1, 3, 1)).Concat(Rows("random", "voc.AP", 10, 10, 10)).ToList();
        var built = BaselineBuilder.Build([first, second], floor: 0.5);
        Assert.Equal(["voc.AP"], built.Rows.Select(r => r.Metric));
        Assert.Equal(["voc_c4 / random / iou.slope", "voc_c4 / random / voc.AP75"], built.Vacuous.Order());
    }

    [Fact]
    public void ABaselinePoolsTheRunsSpreadOfSingleValueMetricsOverTheirFamily()
    {
        // One value per run (a pre-training's probe): knn at two layers of two pre-trainings, 20% and 0% apart, and a
        // linear probe 10% apart. knn's relative spread pools over its four metrics; linear is its own family.
        List<ResultRow> Run(double knnDupr, double knnMoco, double linear) =>
            [.. Rows("dupr", "knn.res4", knnDupr), .. Rows("dupr", "knn.res5", 50), .. Rows("mocov2", "knn.res4", knnMoco),
             .. Rows("mocov2", "knn.res5", 30), .. Rows("dupr", "linear.res5", linear)];
        var built = BaselineBuilder.Build([Run(44, 30, 57), Run(56, 30, 63)], floor: 0.5);
        double Tolerance(string pretraining, string metric) => built.Rows.Single(r => r.Pretraining == pretraining && r.Metric == metric).Tolerance!.Value;

        double knnCv = Math.Sqrt(Math.Pow(Math.Sqrt(72) / 50, 2) / 4); // dupr knn.res4: SD sqrt(72) over 50; the other three 0
        Assert.Equal(Math.Round(3 * knnCv * 50, 2), Tolerance("dupr", "knn.res4"));
        Assert.Equal(Math.Round(3 * knnCv * 50, 2), Tolerance("dupr", "knn.res5"));   // no spread of its own, its family's
        Assert.Equal(Math.Round(3 * knnCv * 30, 2), Tolerance("mocov2", "knn.res4"));
        Assert.Equal(Math.Round(3 * Math.Sqrt(18), 2), Tolerance("dupr", "linear.res5")); // alone in its family: its own spread
    }
}
