using Dupr.Core.Ops;
using static TorchSharp.torch;

namespace Dupr.Core.Tests.Ops;

public class BoxCoderTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void EncodeAndDecodeMatchTorchvision(int caseIndex)
    {
        using var scope = NewDisposeScope();
        var fixture = OpsFixtures.Load("box_coder_000.json");
        var c = fixture["cases"]![caseIndex]!;
        var w = c["weights"]!.Values<double>().ToArray();
        var coder = new BoxCoder((w[0], w[1], w[2], w[3]));
        var proposals = OpsFixtures.Tensor(fixture["proposals"]!, ScalarType.Float32, -1, 4);
        var targets = OpsFixtures.Tensor(fixture["targets"]!, ScalarType.Float32, -1, 4);
        var deltas = OpsFixtures.Tensor(fixture["deltas"]!, ScalarType.Float32, -1, 8);
        OpsFixtures.AssertClose(coder.Encode(proposals, targets), OpsFixtures.Tensor(c["encoded"]!, ScalarType.Float32, -1, 4), 1e-6, "encoded");
        OpsFixtures.AssertClose(coder.Decode(deltas, proposals), OpsFixtures.Tensor(c["decoded"]!, ScalarType.Float32, -1, 8), 1e-6, "decoded");
    }

    [Theory]
    [InlineData(10, 10, 5, 5)]
    [InlineData(1, 1, 1, 1)]
    public void DecodeUndoesEncode(double wx, double wy, double ww, double wh)
    {
        using var scope = NewDisposeScope();
        var coder = new BoxCoder((wx, wy, ww, wh));
        var sources = NmsTests.RandomBoxes(new Random(1), 50).to_type(ScalarType.Float64);
        var targets = NmsTests.RandomBoxes(new Random(2), 50).to_type(ScalarType.Float64);
        var roundTrip = coder.Decode(coder.Encode(sources, targets), sources);
        Assert.Equal(ScalarType.Float64, roundTrip.dtype);
        Assert.True(roundTrip.allclose(targets, rtol: 0, atol: 1e-9));
    }

    [Fact]
    public void DecodeClampsWidthAndHeightDeltas()
    {
        using var scope = NewDisposeScope();
        var coder = new BoxCoder((1, 1, 1, 1));
        Assert.Equal(Math.Log(1000.0 / 16), coder.ScaleClamp);
        var box = tensor(new float[] { 0, 0, 10, 20 }).view(1, 4);
        var decoded = coder.Decode(tensor(new float[] { 0, 0, 50, -1 }).view(1, 4), box).data<float>();
        float width = decoded[2] - decoded[0], height = decoded[3] - decoded[1];
        Assert.Equal(10 * 1000.0 / 16, width, 3);          // exp(50) clamped to exp(log(62.5))
        Assert.Equal(20 * Math.Exp(-1), height, 4);          // negative deltas are not clamped
    }

    [Fact]
    public void DecodesOneBoxPerClassAndPromotesHalfPrecision()
    {
        using var scope = NewDisposeScope();
        var coder = new BoxCoder((10, 10, 5, 5));
        var boxes = NmsTests.RandomBoxes(new Random(3), 6);
        var deltas = randn(6, 3 * 4);
        var decoded = coder.Decode(deltas, boxes);
        Assert.Equal(new long[] { 6, 12 }, decoded.shape);
        for (int k = 0; k < 3; k++)
            Assert.True(decoded[.., (4 * k)..(4 * k + 4)].allclose(coder.Decode(deltas[.., (4 * k)..(4 * k + 4)], boxes)));
        Assert.Equal(ScalarType.Float32, coder.Decode(deltas.to_type(ScalarType.Float16), boxes).dtype);
    }

    [Fact]
    public void InvalidArgumentsAreRejected()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => new BoxCoder((10, 10, 0, 5)));
        var coder = new BoxCoder((1, 1, 1, 1));
        Assert.Contains("same number", Assert.Throws<ArgumentException>(() => coder.Encode(zeros(2, 4), zeros(3, 4))).Message);
        Assert.Contains("[N, 4k]", Assert.Throws<ArgumentException>(() => coder.Decode(zeros(2, 6), zeros(2, 4))).Message);
    }
}
