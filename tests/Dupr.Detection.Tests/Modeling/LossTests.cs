using Dupr.Detection.Modeling.Losses;
using Dupr.Tests;
using Newtonsoft.Json.Linq;
using static TorchSharp.torch;

namespace Dupr.Detection.Tests.Modeling;

/// <summary>
/// The focal loss against torchvision.ops.sigmoid_focal_loss (tests/fixtures/losses, tools/reference/make_focal_loss_fixtures.py)
/// and detectron2's smooth L1 against hand-computed values.
/// </summary>
public class LossTests
{
    static readonly JObject Fixture = JObject.Parse(File.ReadAllText(Path.Combine(TestPaths.Fixtures, "losses", "sigmoid_focal_loss.json")));

    static Tensor Read(string name, ScalarType dtype) =>
        tensor(Fixture[name]!.Values<double>().ToArray(), dtype: ScalarType.Float64).view(Fixture["shape"]!.Values<long>().ToArray()).to_type(dtype);

    [Fact]
    public void FocalLossMatchesTorchvisionInFloat64WithGradients()
    {
        using var scope = NewDisposeScope();
        foreach (var c in Fixture["cases"]!)
        {
            var logits = Read("logits", ScalarType.Float64).requires_grad_(true);
            var targets = Read("targets", ScalarType.Float64);
            double alpha = (double)c["alpha"]!, gamma = (double)c["gamma"]!;
            var loss = SigmoidFocalLoss.Elementwise(logits, targets, alpha, gamma);
            var expected = c["loss"]!.Values<double>().ToArray();
            var actual = loss.detach().flatten().data<double>().ToArray();
            for (int i = 0; i < expected.Length; i++)
                Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-12 + 1e-10 * Math.Abs(expected[i]), $"alpha {alpha} gamma {gamma} [{i}]: {actual[i]} vs {expected[i]}");
            var sum = SigmoidFocalLoss.Sum(logits, targets, alpha, gamma);
            Assert.Equal((double)c["sum"]!, sum.item<double>(), 9);
            sum.backward();
            var grad = logits.grad!.flatten().data<double>().ToArray();
            var expectedGrad = c["grad_sum"]!.Values<double>().ToArray();
            for (int i = 0; i < grad.Length; i++) Assert.Equal(expectedGrad[i], grad[i], 9);
        }
    }

    [Fact]
    public void FocalLossInFloat32IsCloseAndFiniteAtLargeLogits()
    {
        using var scope = NewDisposeScope();
        var c = Fixture["cases"]![0]!;
        var loss = SigmoidFocalLoss.Elementwise(Read("logits", ScalarType.Float32), Read("targets", ScalarType.Float32), (double)c["alpha"]!, (double)c["gamma"]!);
        var actual = loss.flatten().data<float>().ToArray();
        var expected = c["loss"]!.Values<double>().ToArray();
        Assert.All(actual, v => Assert.True(float.IsFinite(v)));
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-6 + 1e-5 * Math.Abs(expected[i]), $"[{i}]: {actual[i]} vs {expected[i]}");
    }

    [Fact]
    public void FocalLossByHand()
    {
        using var scope = NewDisposeScope();
        // logit 0 -> p = 0.5: BCE = ln 2, (1 - p_t)^2 = 0.25; foreground weight 0.25, background 0.75.
        var loss = SigmoidFocalLoss.Elementwise(zeros(2, dtype: ScalarType.Float64), tensor(new double[] { 1, 0 }), 0.25, 2.0).data<double>().ToArray();
        Assert.Equal(0.25 * 0.25 * Math.Log(2), loss[0], 12);
        Assert.Equal(0.75 * 0.25 * Math.Log(2), loss[1], 12);
        Assert.Throws<ArgumentException>(() => SigmoidFocalLoss.Elementwise(zeros(2), zeros(3)));
    }

    [Fact]
    public void SmoothL1IsQuadraticUnderBetaAndL1AtBetaZero()
    {
        using var scope = NewDisposeScope();
        var input = tensor(new double[] { 0.05, -0.3, 2.0, 0 });
        var target = zeros(4, dtype: ScalarType.Float64);
        // beta 0.1: 0.5 * 0.05^2 / 0.1 = 0.0125; 0.3 - 0.05 = 0.25; 2 - 0.05 = 1.95; 0.
        Assert.Equal(0.0125 + 0.25 + 1.95, SmoothL1Loss.Sum(input, target, 0.1).item<double>(), 12);
        Assert.Equal(0.05 + 0.3 + 2.0, SmoothL1Loss.Sum(input, target, 0).item<double>(), 12);
        // fvcore treats beta under 1e-5 as L1 rather than dividing by it.
        Assert.Equal(0.05 + 0.3 + 2.0, SmoothL1Loss.Sum(input, target, 1e-6).item<double>(), 12);
    }
}
