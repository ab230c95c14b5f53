using Dupr.Core.Config;
using Dupr.Core.Runtime;
using Dupr.Pretrain.Config;
using Dupr.Pretrain.Data;
using Dupr.Tests;

namespace Dupr.Pretrain.Tests;

/// <summary>Out-of-range pre-training settings are refused with the key named, before anything runs.</summary>
public class ConfigRangeTests
{
    static string Recipe => Path.Combine(TestPaths.RepoRoot, "configs", "pretrain", "dupr_r18_mini.json");

    [Theory]
    // Pre-training took -5 as "use the epochs" and ran 128 iterations.
    [InlineData("solver.max_iter=-5", "'solver.max_iter' must be 0 or more, got -5")]
    // NaN trained to a NaN backbone with exit code 0; a negative rate ended in an unhandled ArgumentException.
    [InlineData("solver.base_lr=NaN", "'solver.base_lr' must be a finite number, got NaN")]
    [InlineData("solver.base_lr=-0.5", "'solver.base_lr' must be positive, got -0.5")]
    [InlineData("solver.checkpoint_period=0", "'solver.checkpoint_period' must be at least 1, got 0")]
    [InlineData("train.log_period=0", "'train.log_period' must be at least 1, got 0")]
    [InlineData("contrast.temperature=0", "'contrast.temperature' must be positive, got 0")]
    [InlineData("contrast.momentum=1.5", "'contrast.momentum' must be in [0, 1], got 1.5")]
    [InlineData("contrast.beta=[0,0,-1,1]", "'contrast.beta[2]' must be 0 or more, got -1")]
    public void OutOfRangeSettingsNameTheKey(string assignment, string problem)
    {
        string key = assignment[..assignment.IndexOf('=')];
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load<PretrainConfig>(Recipe, [assignment]));
        Assert.Equal($"--set {key}: {problem}", error.Message);
    }

    [Fact]
    public void ViewOptionsAreNamedByTheirConfigSection()
    {
        var config = ConfigLoader.Load<PretrainConfig>(Recipe, ["views.size=0"]);
        Assert.Equal("views.size: must be at least 8, got 0", Assert.Throws<DuprException>(() => new ViewTransform(config.Views)).Message);
    }
}
