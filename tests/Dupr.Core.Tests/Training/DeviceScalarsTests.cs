using Dupr.Core.Runtime;
using Dupr.Core.Training;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Core.Tests.Training;

public class DeviceScalarsTests
{
    [Fact]
    public void MeanAveragesEachNameOverThePartsThatHaveItInFirstAppearanceOrder()
    {
        using var scope = NewDisposeScope();
        var first = DeviceScalars.Stack(["loss", "image"], [tensor(1f), tensor(0.5f)]);
        var second = DeviceScalars.Stack(["loss", "image", "patch"], [tensor(3f), tensor(1.5f), tensor(2f)]);
        long before = HostReads.OnThisThread;
        var mean = DeviceScalars.Mean([first, second]);
        Assert.Equal(before, HostReads.OnThisThread); // on the device: no read
        Assert.Equal([("loss", 2.0), ("image", 1.0), ("patch", 2.0)], mean.Read());
    }

    [Fact]
    public void StackKeepsFloat32ValuesExactlyAndDetachesThem()
    {
        using var scope = NewDisposeScope();
        var weight = tensor(0.1f, requires_grad: true);
        var scalars = DeviceScalars.Stack(["loss"], [weight.mul(S(3))]);
        Assert.False(scalars.Values.requires_grad);
        Assert.Equal((double)(0.1f * 3f), scalars.Read()[0].Value);
        Assert.Throws<ArgumentException>(() => DeviceScalars.Stack(["a", "b"], [tensor(1f)]));
    }
}
