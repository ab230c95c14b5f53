using Dupr.Core.Ops;
using Newtonsoft.Json.Linq;
using TorchSharp;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Core.Tests.Ops;

public class RoIAlignTests
{
    /// <summary>Every (fixture file, case) pair: each file holds the four (aligned, sampling_ratio) cases.</summary>
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (string name in OpsFixtures.Names("roi_align_"))
        {
            int cases = ((JArray)OpsFixtures.Load(name)["cases"]!).Count;
            for (int i = 0; i < cases; i++) data.Add(name, i);
        }
        return data;
    }

    [Fact]
    public void FixturesArePresent()
    {
        Assert.True(OpsFixtures.Names("roi_align_").Count() >= 9, "tests/fixtures/ops lacks roi_align cases");
        var cases = Cases().Select(row => (JObject)OpsFixtures.Load((string)row[0])["cases"]![(int)row[1]]!)
            .Select(c => ((bool)c["aligned"]!, (int)c["sampling_ratio"]!)).ToHashSet();
        Assert.Superset(new HashSet<(bool, int)> { (true, 0), (true, 2), (false, 0), (false, 2) }, cases);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float32KernelMatchesTorchvision(string name, int caseIndex) => Check(name, caseIndex, ScalarType.Float32, 1e-5, composition: false);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float64KernelMatchesTorchvision(string name, int caseIndex) => Check(name, caseIndex, ScalarType.Float64, 1e-11, composition: false);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float32CompositionMatchesTorchvision(string name, int caseIndex) => Check(name, caseIndex, ScalarType.Float32, 1e-5, composition: true);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float64CompositionMatchesTorchvision(string name, int caseIndex) => Check(name, caseIndex, ScalarType.Float64, 1e-11, composition: true);

    static void Check(string name, int caseIndex, ScalarType dtype, double rtol, bool composition)
    {
        using var scope = NewDisposeScope();
        var fixture = OpsFixtures.Load(name);
        var c = fixture["cases"]![caseIndex]!;
        long[] inputShape = fixture["input_shape"]!.Values<long>().ToArray();
        long[] outputShape = c["output_shape"]!.Values<long>().ToArray();
        var outputSize = ((int)fixture["output_size"]![0]!, (int)fixture["output_size"]![1]!);
        double scale = (double)fixture["spatial_scale"]!;
        bool aligned = (bool)c["aligned"]!;
        int ratio = (int)c["sampling_ratio"]!;

        var input = OpsFixtures.Tensor(fixture["input"]!, dtype, inputShape).requires_grad_(true);
        var boxes = OpsFixtures.Tensor(fixture["boxes"]!, dtype, -1, 5);
        var output = RoIAlign.Apply(input, boxes, outputSize, scale, ratio, aligned,
            composition ? RoIAlignImplementation.Composition : RoIAlignImplementation.Kernel);

        string what = $"{name} aligned={aligned} ratio={ratio} {dtype}";
        OpsFixtures.AssertClose(output, OpsFixtures.Tensor(c["output"]!, dtype, outputShape), rtol, $"{what} output");
        output.backward([OpsFixtures.Tensor(c["grad_output"]!, dtype, outputShape)]);
        OpsFixtures.AssertClose(input.grad!, OpsFixtures.Tensor(c["grad_input"]!, dtype, inputShape), rtol, $"{what} grad_input");
        if (dtype == ScalarType.Float32 && c["output_f32"] is { } output32)
        {
            // Our own fixtures also hold torchvision's float32 results from the same float32 inputs:
            // only the summation order differs, so the bound is tighter.
            OpsFixtures.AssertClose(output, OpsFixtures.Tensor(output32, dtype, outputShape), 1e-6, $"{what} output vs torchvision float32");
            OpsFixtures.AssertClose(input.grad!, OpsFixtures.Tensor(c["grad_input_f32"]!, dtype, inputShape), 1e-6, $"{what} grad_input vs torchvision float32");
        }
    }

    [Fact]
    public void KernelAndCompositionAgreeOnALargeBatch()
    {
        using var scope = NewDisposeScope();
        var generator = new Random(7);
        // 150 channels: three kernel chunks on 2 threads (64, 64, 22), the last with a scalar tail.
        var input = randn(2, 150, 25, 34).requires_grad_(true);
        var boxes = RandomBoxes(generator, 120, batch: 2, imageHeight: 400, imageWidth: 544);
        var kernel = RoIAlign.Apply(input, boxes, (7, 7), 1 / 16.0, 0, true, RoIAlignImplementation.Kernel);
        var composed = RoIAlign.Apply(input, boxes, (7, 7), 1 / 16.0, 0, true, RoIAlignImplementation.Composition);
        OpsFixtures.AssertClose(kernel, composed, 1e-5, "forward");
        var grad = randn_like(kernel);
        var kernelGrad = autograd.grad([kernel], [input], [grad])[0];
        var composedGrad = autograd.grad([composed], [input], [grad])[0];
        OpsFixtures.AssertClose(kernelGrad, composedGrad, 1e-5, "backward");
    }

    [Fact]
    public void GradientFlowsThroughAnIntermediateInput()
    {
        using var scope = NewDisposeScope();
        var x = randn(1, 3, 12, 12).requires_grad_(true);
        var boxes = tensor(new float[] { 0, 1, 2, 9, 10, 0, 4, 0, 11, 6 }).reshape(2, 5);
        RoIAlign.Apply(x.mul(S(2)), boxes, (3, 3), 1.0, 2, true).sum().backward();
        var direct = x.detach().requires_grad_(true);
        RoIAlign.Apply(direct, boxes, (3, 3), 1.0, 2, true).sum().backward();
        Assert.True(x.grad!.allclose(direct.grad!.mul(S(2))));
        Assert.True(direct.grad!.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void EmptyBoxesGiveAnEmptyOutputAndZeroGradient()
    {
        using var scope = NewDisposeScope();
        var input = randn(1, 3, 8, 8).requires_grad_(true);
        var output = RoIAlign.Apply(input, zeros(0, 5), (7, 7), 1.0, 0, true);
        Assert.Equal(new long[] { 0, 3, 7, 7 }, output.shape);
        output.sum().backward();
        Assert.Equal(0.0, input.grad!.abs().sum().item<float>());
    }

    [Fact]
    public void Float16InputIsPooledInFloat32AndReturnedInFloat16()
    {
        using var scope = NewDisposeScope();
        var input = randn(1, 2, 6, 6);
        var boxes = tensor(new float[] { 0, 1, 1, 4, 5 }).reshape(1, 5);
        var expected = RoIAlign.Apply(input, boxes, (2, 2), 1.0, 2, true);
        var half = RoIAlign.Apply(input.to_type(ScalarType.Float16), boxes, (2, 2), 1.0, 2, true);
        Assert.Equal(ScalarType.Float16, half.dtype);
        Assert.True(half.to_type(ScalarType.Float32).allclose(expected, rtol: 1e-2, atol: 1e-2));
    }

    [Fact]
    public void InvalidArgumentsAreRejectedWithClearMessages()
    {
        using var scope = NewDisposeScope();
        var input = randn(2, 3, 8, 8);
        var good = tensor(new float[] { 0, 1, 1, 4, 4 }).reshape(1, 5);
        Assert.Contains("[K, 5]", Assert.Throws<ArgumentException>(() => RoIAlign.Apply(input, zeros(3, 4), (7, 7))).Message);
        Assert.Contains("[N, C, H, W]", Assert.Throws<ArgumentException>(() => RoIAlign.Apply(randn(3, 8, 8), good, (7, 7))).Message);
        Assert.Contains("batch index 2", Assert.Throws<ArgumentException>(() =>
            RoIAlign.Apply(input, tensor(new float[] { 2, 1, 1, 4, 4 }).reshape(1, 5), (7, 7))).Message);
        Assert.Contains("non-finite", Assert.Throws<ArgumentException>(() =>
            RoIAlign.Apply(input, tensor(new float[] { 0, float.NaN, 1, 4, 4 }).reshape(1, 5), (7, 7))).Message);
        Assert.Contains("output size", Assert.Throws<ArgumentException>(() => RoIAlign.Apply(input, good, (0, 7))).Message);
        Assert.Contains("spatial scale", Assert.Throws<ArgumentException>(() => RoIAlign.Apply(input, good, (7, 7), -1)).Message);
        Assert.Contains("floating point", Assert.Throws<ArgumentException>(() => RoIAlign.Apply(input.to_type(ScalarType.Int32), good, (7, 7))).Message);
    }

    [Fact]
    public void ToRoiFormatPrefixesEachImagesIndex()
    {
        using var scope = NewDisposeScope();
        var rois = RoIAlign.ToRoiFormat([ones(2, 4), zeros(0, 4), full(1, 4, S(3f))]);
        Assert.Equal(new long[] { 3, 5 }, rois.shape);
        Assert.Equal(new float[] { 0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 2, 3, 3, 3, 3 }, rois.data<float>().ToArray());
    }

    /// <summary>Random (batch, x1, y1, x2, y2) rows inside an image, sizes from 2 pixels to the whole image.</summary>
    internal static Tensor RandomBoxes(Random random, int count, int batch, int imageHeight, int imageWidth)
    {
        var rows = new float[count * 5];
        for (int i = 0; i < count; i++)
        {
            float w = 2 + (float)random.NextDouble() * (imageWidth - 2), h = 2 + (float)random.NextDouble() * (imageHeight - 2);
            float x = (float)random.NextDouble() * (imageWidth - w), y = (float)random.NextDouble() * (imageHeight - h);
            rows[i * 5] = random.Next(batch);
            rows[i * 5 + 1] = x;
            rows[i * 5 + 2] = y;
            rows[i * 5 + 3] = x + w;
            rows[i * 5 + 4] = y + h;
        }
        return tensor(rows).reshape(count, 5);
    }
}
