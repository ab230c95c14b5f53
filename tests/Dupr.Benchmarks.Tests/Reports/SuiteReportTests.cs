using Dupr.Benchmarks.Paper;
using Dupr.Benchmarks.Reports;
using Dupr.Benchmarks.Suites;
using Dupr.Benchmarks.Tests.Runner;
using Dupr.Tests;

namespace Dupr.Benchmarks.Tests.Reports;

public class SuiteReportTests
{
    static readonly Lazy<PaperTable> Paper = new(() => PaperTable.Load(PaperTable.DirectoryIn(TestPaths.RepoRoot)));

    static ResultRow Row(string pretraining, long seed, string metric, double value) => new("tiny", "voc_c4", pretraining, seed, metric, value, 3, "h");

    [Fact]
    public void SummariesGiveTheMeanAndSampleStandardDeviationOverSeeds()
    {
        var s = Assert.Single(MetricSummary.Of([Row("dupr", 0, "voc.AP", 1), Row("dupr", 1, "voc.AP", 2), Row("dupr", 2, "voc.AP", 6)]));
        Assert.Equal(3, s.Mean, 12);
        Assert.Equal(Math.Sqrt((4 + 1 + 9) / 2.0), s.Std, 12);
        Assert.Equal(3, s.Count);
        Assert.Equal(0, MetricSummary.Of([Row("dupr", 0, "voc.AP", 1)])[0].Std);
    }

    [Theory]
    [InlineData(1.25, "+1.3")]
    [InlineData(-0.44, "-0.4")]
    [InlineData(-0.04, "+0.0")]
    [InlineData(0, "+0.0")]
    public void DeltasAreSignedWithOneDecimalAsThePaperPrintsThem(double value, string expected) => Assert.Equal(expected, SuiteReport.Signed(value));

    [Fact]
    public void TheProbeTableHasARowPerMetricAndPrintsCosinesWithTwoDecimals()
    {
        Suite suite = SuiteFixtures.Tiny(); // pre-trainings random, mocov2, dupr; references: random, then mocov2
        static ResultRow Probe(string pretraining, long seed, string metric, double value) => new("tiny", SuiteProbeSpec.ResultsName, pretraining, seed, metric, value, 0, "h");
        var rows = new List<ResultRow>
        {
            Probe("random", 0, "knn.res5", 30), Probe("random", 1, "knn.res5", 32), Probe("mocov2", 0, "knn.res5", 33), Probe("dupr", 0, "knn.res5", 52.5),
            Probe("random", 0, "iou-similarity.res4.slope", 0.12), Probe("random", 1, "iou-similarity.res4.slope", 0.14),
            Probe("mocov2", 0, "iou-similarity.res4.slope", 0.37), Probe("dupr", 0, "iou-similarity.res4.slope", 0.44),
        };
        string table = SuiteReport.ProbeTable(suite.Spec, rows)!;
        var lines = table.TrimEnd('\n').Split('\n');
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("| probe | ", lines[0]);
        Assert.Equal("| knn.res5 | 31.0 ±1.4 | 33.0 (+2.0) | 52.5 (+21.5) [+19.5] |", lines[2]);
        Assert.Equal("| iou-similarity.res4.slope | 0.13 ±0.01 | 0.37 (+0.24) | 0.44 (+0.31) [+0.07] |", lines[3]);
        Assert.Null(SuiteReport.ProbeTable(suite.Spec, [Row("dupr", 0, "voc.AP", 1)]));
    }

    [Fact]
    public void TheTableShowsOursAndThePapersNumbersWithBracketedDeltas()
    {
        Suite suite = SuiteFixtures.Tiny(); // references: random, then mocov2
        var rows = new List<ResultRow>
        {
            Row("random", 0, "voc.AP", 1.0), Row("random", 1, "voc.AP", 3.0),
            Row("mocov2", 0, "voc.AP", 4.0), Row("mocov2", 1, "voc.AP", 6.0),
            Row("dupr", 0, "voc.AP", 5.5), Row("dupr", 1, "voc.AP", 6.5),
        };
        string table = SuiteReport.Table(suite.Spec, suite.Spec.Finetunings[0], MetricSummary.Of(rows), SuitePaper.Matches(suite.Spec, Paper.Value));
        string[] lines = table.Split('\n');
        Assert.StartsWith("| pre-training | seeds | voc.AP | paper table1 AP | voc.AP50 | paper table1 AP50 |", lines[0]);
        // random is the first reference: no delta; MoCo v2 against random; DUPR against both. The paper's columns likewise
        // (Table 1: random init 33.8, MoCo v2 57.0, DUPR 59.0).
        Assert.StartsWith("| random init | 2 | 2.0 ±1.4 | 33.8 | – |", lines[2]);
        Assert.StartsWith("| MoCo v2 | 2 | 5.0 ±1.4 (+3.0) | 57.0 (+23.2) | – |", lines[3]);
        Assert.StartsWith("| DUPR | 2 | 6.0 ±0.7 (+4.0) [+1.0] | 59.0 (+25.2) [+2.0] | – |", lines[4]);
        Assert.Contains("Paper settings: table1: VOC07+12 Faster R-CNN R50-C4 24k.", table);
    }

    [Fact]
    public void AGapRowOfTheTextIsShownAsAGap()
    {
        using var temp = TestPaths.Temp();
        var suite = SuiteFixtures.EditedJson(temp, j =>
        {
            j["finetunings"]![0]!["paper"] = Newtonsoft.Json.Linq.JArray.Parse(
                """[{ "table": "fig2", "setting": "COCO Mask R-CNN R50-FPN 12k", "pretrainings": ["dupr"], "metrics": { "voc.AP": "APbb" } }]""");
        });
        string table = SuiteReport.Table(suite.Spec, suite.Spec.Finetunings[0], MetricSummary.Of([Row("dupr", 0, "voc.AP", 1)]),
            SuitePaper.Matches(suite.Spec, Paper.Value));
        Assert.Contains("| DUPR | 1 | 1.0 | gap +2.9 vs MoCo v2 |", table);
        Assert.Contains("| MoCo v2 | 0 | – | – |", table);
    }
}
