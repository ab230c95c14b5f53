using Dupr.Core.Training;
using TorchSharp;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Core.Tests.Training;

public class SgdTests
{
    [Theory]
    [InlineData(0.0, 0.0, 0.0, false, false)]
    [InlineData(0.9, 0.0, 1e-4, false, false)]
    [InlineData(0.9, 0.1, 1e-4, false, true)]
    [InlineData(0.9, 0.0, 1e-4, true, false)]
    public void StepsExactlyAsTorchSharpsSGD(double momentum, double dampening, double weightDecay, bool nesterov, bool maximize)
    {
        using var scope = NewDisposeScope();
        var start = randn(5, 3, generator: new Generator(7));
        var ours = new TorchSharp.Modules.Parameter(start.clone());
        var theirs = new TorchSharp.Modules.Parameter(start.clone());
        using var sgd = new Sgd([ours], 0.05, momentum, dampening, weightDecay, nesterov, maximize);
#pragma warning disable DUPR002 // TorchSharp's SGD is the reference under comparison
        using var reference = optim.SGD([theirs], 0.05, momentum, dampening, weightDecay, nesterov, maximize);
#pragma warning restore DUPR002
        for (int step = 0; step < 4; step++)
        {
            foreach (var (parameter, optimizer) in new (TorchSharp.Modules.Parameter, optim.Optimizer)[] { (ours, sgd), (theirs, reference) })
            {
                optimizer.zero_grad();
                parameter.pow(S(3)).sum().backward();
                optimizer.step();
            }
            Assert.Equal(theirs.data<float>().ToArray(), ours.data<float>().ToArray());
        }
    }
}
