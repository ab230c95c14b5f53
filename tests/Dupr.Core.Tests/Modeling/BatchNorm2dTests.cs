using Dupr.Core.Modeling;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Core.Tests.Modeling;

public class BatchNorm2dTests
{
    [Fact]
    public void MatchesTorchSharpsBatchNormInTrainingAndEvalWithPyTorchsKeys()
    {
        using var scope = NewDisposeScope();
        var ours = new BatchNorm2d(3);
#pragma warning disable DUPR002 // TorchSharp's BatchNorm2d is the reference under comparison
        var theirs = nn.BatchNorm2d(3);
#pragma warning restore DUPR002
        Assert.Equal(theirs.state_dict().Keys.Order(), ours.state_dict().Keys.Order());
        random.manual_seed(4);
        for (int step = 0; step < 3; step++)
        {
            var input = randn(4, 3, 5, 5).mul(S(2)).add(S(1), One);
            Assert.True(ours.call(input).allclose(theirs.call(input), rtol: 1e-5, atol: 1e-6));
        }
        foreach (var key in new[] { "running_mean", "running_var" })
            Assert.True(ours.state_dict()[key].allclose(theirs.state_dict()[key], rtol: 1e-5, atol: 1e-6), key);
        Assert.Equal(3L, ours.state_dict()["num_batches_tracked"].item<long>());
        ours.eval();
        theirs.eval();
        var test = randn(2, 3, 5, 5);
        Assert.True(ours.call(test).allclose(theirs.call(test), rtol: 1e-5, atol: 1e-6));
        Assert.Equal(3L, ours.state_dict()["num_batches_tracked"].item<long>());
    }
}
