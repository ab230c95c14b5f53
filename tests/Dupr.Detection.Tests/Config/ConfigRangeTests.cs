using Dupr.Core.Config;
using Dupr.Detection.Config;
using Dupr.Tests;

namespace Dupr.Detection.Tests.Config;

/// <summary>Out-of-range or contradictory fine-tuning settings are refused with the key named, before anything runs.</summary>
public class ConfigRangeTests
{
    static string Recipe => Path.Combine(TestPaths.RepoRoot, "configs", "detection", "voc_faster_rcnn_r18_c4_mini.json");

    [Theory]
    [InlineData("solver.base_lr=Infinity", "'solver.base_lr' must be a finite number, got Infinity")]
    [InlineData("solver.steps=25", "'solver.steps' must be a list of integers, got 25; a list of one is written [25]")]
    [InlineData("solver.warmup_factor=2", "'solver.warmup_factor' must be in [0, 1], got 2")]
    [InlineData("rpn.nms_thresh=-0.1", "'rpn.nms_thresh' must be in [0, 1], got -0.1")]
    [InlineData("roi_heads.batch_size_per_image=0", "'roi_heads.batch_size_per_image' must be at least 1, got 0")]
    [InlineData("input.min_size_train=[64,0]", "'input.min_size_train[1]' must be at least 1, got 0")]
    [InlineData("anchors.sizes=[[32,-64]]", "'anchors.sizes[0][1]' must be positive, got -64")]
    [InlineData("train.log_period=0", "'train.log_period' must be at least 1, got 0")]
    [InlineData("train.accumulation=0", "'train.accumulation' must be at least 1, got 0")]
    [InlineData("solver.weight_decay_norm=-1e-4", "'solver.weight_decay_norm' must be 0 or more, got -0.0001")]
    [InlineData("test.precise_bn.num_iter=0", "'test.precise_bn.num_iter' must be at least 1, got 0")]
    public void OutOfRangeSettingsNameTheKey(string assignment, string problem)
    {
        string key = assignment[..assignment.IndexOf('=')];
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load<DetectionConfig>(Recipe, [assignment]));
        Assert.Equal($"--set {key}: {problem}", error.Message);
    }

    [Fact]
    public void AnAccumulationThatDoesNotDivideTheBatchIsRefused()
    {
        var config = ConfigLoader.Load<DetectionConfig>(Recipe, ["train.accumulation=3"]);
        Assert.Equal("train.batch_size (4) must be a positive multiple of train.accumulation (3)", Assert.Throws<Dupr.Core.Runtime.DuprException>(config.Validate).Message);
    }

    [Fact]
    public void ARepeatedClassNameIsRefused()
    {
        var config = ConfigLoader.Load<DetectionConfig>(Recipe, ["datasets.class_names=circle,square,circle,star,cross,hexagon"]);
        Assert.Equal("datasets.class_names: class 'circle' is listed twice", Assert.Throws<Dupr.Core.Runtime.DuprException>(config.Validate).Message);
    }
}
