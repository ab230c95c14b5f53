using Dupr.Core.Config;
using Dupr.Pretrain.Config;
using Dupr.Tests;

namespace Dupr.Pretrain.Tests;

public class ConfigTests
{
    static string ConfigDir => Path.Combine(TestPaths.RepoRoot, "configs", "pretrain");

    public static TheoryData<string> AllConfigs() =>
        new(Directory.GetFiles(ConfigDir, "*.json", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(ConfigDir, f)));

    [Theory]
    [MemberData(nameof(AllConfigs))]
    public void EveryPretrainConfigResolves(string name)
    {
        var config = ConfigLoader.Load<PretrainConfig>(Path.Combine(ConfigDir, name));
        Assert.Equal(4, config.Contrast.Alpha.Count);
        Assert.Equal(4, config.Contrast.Beta.Count);
        Assert.Equal(4, config.Contrast.RoiSize.Count);
    }

    [Fact]
    public void PrecisionIsSpelledAsConfigsWriteIt()
    {
        Assert.Equal(Core.Training.Precision.Fp32, ConfigLoader.Load<PretrainConfig>(null, []).Train.Precision);
        Assert.Equal(Core.Training.Precision.Bf16, ConfigLoader.Load<PretrainConfig>(null, ["train.precision=bf16"]).Train.Precision);
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load<PretrainConfig>(null, ["train.precision=fp8"]));
        Assert.Contains("'train.precision' must be one of fp32, bf16, fp16, got \"fp8\"", error.Message);
    }

    [Fact]
    public void PaperRecipesHaveThePapersValues()
    {
        var main = ConfigLoader.Load<PretrainConfig>(Path.Combine(ConfigDir, "dupr_r50_200ep.json"));
        Assert.Equal([0.1, 0.4, 0.7, 1.0], main.Contrast.Alpha);
        Assert.Equal([0.0, 0, 1, 1], main.Contrast.Beta);
        Assert.Equal(14, main.Contrast.RoiSize[2]);
        Assert.Equal(7, main.Contrast.RoiSize[3]);
        Assert.Equal(0.15, main.Contrast.Temperature);
        Assert.Equal(2, main.Views.RandAugmentOps);
        Assert.Equal(0.06, main.Solver.BaseLr);

        var ablation = ConfigLoader.Load<PretrainConfig>(Path.Combine(ConfigDir, "dupr_r50_200ep_ablation.json"));
        Assert.Equal(0.2, ablation.Contrast.Temperature);
        Assert.Equal(0, ablation.Views.RandAugmentOps);

        var moco = ConfigLoader.Load<PretrainConfig>(Path.Combine(ConfigDir, "mocov2_r50_200ep.json"));
        Assert.Equal([0.0, 0, 0, 1], moco.Contrast.Alpha);
        Assert.All(moco.Contrast.Beta, b => Assert.Equal(0, b));
        Assert.Equal(0.2, moco.Contrast.Temperature);

        var roi = ConfigLoader.Load<PretrainConfig>(Path.Combine(ConfigDir, "ablations", "t7a_roi_9.json"));
        Assert.Equal(9, roi.Contrast.RoiSize[3]);
        Assert.Equal(0.2, roi.Contrast.Temperature); // inherited from the ablation base
    }
}
