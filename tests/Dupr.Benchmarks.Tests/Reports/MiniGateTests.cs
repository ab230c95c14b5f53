using Dupr.Benchmarks.Reports;
using Dupr.Tests;

namespace Dupr.Benchmarks.Tests.Reports;

/// <summary>The regression gate on real runs of the mini suite (tests/fixtures/gate): an honest rerun passes, each planted fault fails.</summary>
public class MiniGateTests
{
    static readonly string Gate = Path.Combine(TestPaths.Fixtures, "gate");

    static CheckReport Check(string file) =>
        BaselineCheck.Compare(ResultsCsv.Read(Path.Combine(Gate, file)), BaselineRow.Read(Path.Combine(TestPaths.RepoRoot, "eval", "baselines", "mini.csv")), 1.0);

    [Fact]
    public void AnHonestRerunWithOtherSeedsAndAnotherPretrainingPasses()
    {
        var report = Check("honest.results.csv");
        Assert.True(report.Passed, report.Text());
        Assert.All(report.Lines, l => Assert.Equal(l.Baseline.Finetuning == "probe" && l.Baseline.Pretraining != "random" ? 1 : 3, l.Seeds));
    }

    [Theory]
    [InlineData("fault_lr0.results.csv", "dupr")]                 // pre-trainings at lr 1e-12: random weights passed off as pre-trained
    [InlineData("fault_shuffled_patches.results.csv", "dupr")]    // DUPR's patch positives paired with the wrong positions
    [InlineData("fault_no_box_reg.results.csv", "random")]        // fine-tuning without the box-regression loss
    public void EachPlantedFaultFailsTheGateWhereItWasPlanted(string file, string failing)
    {
        var report = Check(file);
        Assert.False(report.Passed);
        Assert.DoesNotContain(report.Lines, l => l.Verdict == CheckVerdict.Missing);
        Assert.Contains(report.Lines, l => l.Verdict == CheckVerdict.Regression && l.Baseline.Pretraining == failing);
    }
}
