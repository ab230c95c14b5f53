using Dupr.Core.Config;
using Dupr.Core.Modeling;
using Dupr.Tests;

namespace Dupr.Core.Tests.Modeling;

public class ModelingConfigTests
{
    [Fact]
    public void DefaultsAreDetectron2s()
    {
        var resnet = new ResNetConfig();
        var fpn = new FpnConfig();

        Assert.Equal((50, NormKind.FrozenBN, 2, 64), (resnet.Depth, resnet.Norm, resnet.FreezeAt, resnet.Width));
        Assert.Equal((256, NormKind.None, FpnTopBlock.MaxPool), (fpn.OutChannels, fpn.Norm, fpn.TopBlock));
        Assert.Equal(new[] { "res3", "res4", "res5" }, FpnConfig.RetinaNet().InFeatures);
    }

    [Fact]
    public void LoadFromJsonWithSnakeCaseKeysAndOverrides()
    {
        using var temp = TestPaths.Temp();
        File.WriteAllText(temp.File("resnet.json"), """{ "depth": 18, "norm": "GN", "out_features": ["res4"], "num_classes": 10 }""");

        var config = ConfigLoader.Load<ResNetConfig>(temp.File("resnet.json"), ["freeze_at=0"]);

        Assert.Equal(new ResNetConfig { Depth = 18, Norm = NormKind.GN, OutFeatures = config.OutFeatures, NumClasses = 10, FreezeAt = 0 }, config);
        Assert.Equal(new[] { "res4" }, config.OutFeatures);
        Assert.Throws<ConfigException>(() => ConfigLoader.Load<FpnConfig>(null, ["top_block=P8"]));
    }
}
