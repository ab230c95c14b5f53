using Dupr.Core.Imaging;
using Dupr.Core.Runtime;
using Dupr.Pretrain.Data;
using Dupr.Tests;
using TorchSharp;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Pretrain.Tests.Data;

/// <summary>The recorded crop boxes and flips say exactly which original-image point each view pixel shows.</summary>
public class TwoViewGeometryTests
{
    const int ViewSize = 32;

    [Fact]
    public void EveryViewPixelShowsTheOriginalPointItsBoxAndFlipMapTo()
    {
        using var scope = NewDisposeScope();
        const int height = 60, width = 80;
        Tensor ramps = TestImages.CoordinateRamps(height, width);
        var transform = new ViewTransform(ViewAugmentationOptions.GeometryOnly(ViewSize));
        int flipped = 0, checkedPixels = 0;
        for (int i = 0; i < 60; i++)
        {
            using AugmentedView view = transform.Augment(ramps, SampleRng.For(3, 0, i));
            float[] pixels = view.Pixels.data<float>().ToArray();
            flipped += view.Flipped ? 1 : 0;
            // Away from the crop border, bilinear/antialiased resampling reproduces a linear ramp
            // up to a small filter bias (well under 0.1 px); a wrong box or flip is off by >= 0.3 px.
            double margin = Math.Max(1.0, (double)view.Box.Width / ViewSize) + 1.0;
            for (int v = 0; v < ViewSize; v++)
            for (int u = 0; u < ViewSize; u++)
            {
                var (x, y) = ViewMapping.ToOriginal(view.Box, view.Flipped, ViewSize, u + 0.5, v + 0.5);
                bool interiorX = x - view.Box.X1 >= margin && view.Box.X2 - x >= margin;
                bool interiorY = y - view.Box.Y1 >= margin && view.Box.Y2 - y >= margin;
                if (interiorX) Assert.InRange(Math.Abs(pixels[v * ViewSize + u] * width - x), 0, 0.1);
                if (interiorY) Assert.InRange(Math.Abs(pixels[ViewSize * ViewSize + v * ViewSize + u] * height - y), 0, 0.1);
                if (interiorX && interiorY) checkedPixels++;
            }
        }
        Assert.InRange(flipped, 15, 45);
        Assert.True(checkedPixels > 20_000, $"only {checkedPixels} interior pixels checked");
    }

    [Fact]
    public void PixelsOfBothViewsMappingToTheSameOriginalPointHoldTheSameContent()
    {
        using var temp = TestPaths.Temp();
        using var cache = TestPaths.Temp();
        using var scope = NewDisposeScope();
        ImageEncoder.Save(TestImages.Smooth(72, 96, seed: 5), temp.File("smooth.png"));
        var options = ViewAugmentationOptions.GeometryOnly(48);
        var dataset = new TwoViewDataset(new UnlabeledImageFolder(temp.Path, cache.Path), new ViewTransform(options));
        double worstMean = 0, wrongFlipMean = double.MaxValue;
        int pairs = 0;
        for (int i = 0; i < 40; i++)
        {
            using TwoViewSample sample = dataset.Get(0, SampleRng.For(9, 0, i));
            var (mean, count) = Compare(sample.First, sample.Second, 48, flipSecond: sample.Second.Flipped);
            if (count < 50) continue;
            pairs++;
            worstMean = Math.Max(worstMean, mean);
            // Control: ignoring the recorded flip of the second view must break the correspondence.
            var (wrong, _) = Compare(sample.First, sample.Second, 48, flipSecond: !sample.Second.Flipped);
            wrongFlipMean = Math.Min(wrongFlipMean, wrong);
        }
        Assert.True(pairs >= 20, $"only {pairs} view pairs overlapped");
        Assert.True(worstMean < 0.01, $"worst mean difference {worstMean}, wrong flip {wrongFlipMean}");
        Assert.True(wrongFlipMean > 5 * worstMean, $"wrong flip gives {wrongFlipMean}, right flip {worstMean}");
    }

    // Mean absolute difference (in [0, 1] units) between view-1 pixels and view 2 sampled at the same
    // original point, over view-1 pixels whose point lies well inside both crops.
    static (double Mean, int Count) Compare(AugmentedView first, AugmentedView second, int size, bool flipSecond)
    {
        float[] a = InUnitRange(first.Pixels), b = InUnitRange(second.Pixels);
        double total = 0;
        int count = 0;
        for (int v = 0; v < size; v++)
        for (int u = 0; u < size; u++)
        {
            var (x, y) = ViewMapping.ToOriginal(first.Box, first.Flipped, size, u + 0.5, v + 0.5);
            if (!Inside(first.Box, x, y, 2) || !Inside(second.Box, x, y, 2)) continue;
            var (u2, v2) = ViewMapping.ToView(second.Box, flipSecond, size, x, y);
            for (int c = 0; c < 3; c++)
                total += Math.Abs(a[c * size * size + v * size + u] - TestImages.Bilinear(b, size, c, u2 - 0.5, v2 - 0.5));
            count++;
        }
        return (count == 0 ? 0 : total / (3 * count), count);
    }

    static bool Inside(CropBox box, double x, double y, double margin) =>
        x - box.X1 >= margin && box.X2 - x >= margin && y - box.Y1 >= margin && box.Y2 - y >= margin;

    static float[] InUnitRange(Tensor pixels)
    {
        using var scope = NewDisposeScope();
        return ImageTensor.ToFloat(pixels).data<float>().ToArray();
    }

    [Fact]
    public void CropFollowsTorchvisionRules()
    {
        var rng = SampleRng.For(0, 0, 0);
        for (int i = 0; i < 500; i++)
        {
            CropBox box = RandomResizedCrop.Sample(rng, 120, 90, (0.2, 1.0), (3.0 / 4, 4.0 / 3));
            Assert.True(box.X1 >= 0 && box.Y1 >= 0 && box.X2 <= 120 && box.Y2 <= 90);
            Assert.InRange((double)box.Width * box.Height / (120 * 90), 0.18, 1.0);
            Assert.InRange((double)box.Width / box.Height, 0.70, 1.40);
        }
        // No 10% window of a 1000x10 strip has an aspect ratio in [3/4, 4/3]: torchvision's fallback
        // is the centred window of the nearest allowed ratio.
        Assert.Equal(new CropBox(493, 0, 13, 10), RandomResizedCrop.Sample(rng, 1000, 10, (0.08, 0.1), (3.0 / 4, 4.0 / 3)));
        Assert.Equal(new CropBox(0, 0, 30, 30), RandomResizedCrop.Sample(rng, 30, 30, (2, 3), (3.0 / 4, 4.0 / 3)));
    }

    [Fact]
    public void ViewsRepeatForTheSameKeyAreUInt8AndNormaliseWhereTheModelRuns()
    {
        using var scope = NewDisposeScope();
        Tensor image = TestImages.Smooth(50, 60, 1);
        var options = ViewAugmentationOptions.MocoV2WithRandAugment(24);
        var transform = new ViewTransform(options);
        var a = transform.Apply(image, SampleRng.For(1, 2, 3));
        var b = transform.Apply(image, SampleRng.For(1, 2, 3));
        var c = transform.Apply(image, SampleRng.For(1, 3, 3));
        Assert.Equal(a.Box, b.Box);
        Assert.True(Same(a.Pixels, b.Pixels));
        Assert.False(Same(a.Pixels, c.Pixels));
        Assert.Equal(new long[] { 3, 24, 24 }, a.Pixels.shape);
        Assert.Equal(ScalarType.Byte, a.Pixels.dtype);

        // The stored view is the float view quantised as torchvision's convert_image_dtype does.
        var unquantised = transform.Augment(image, SampleRng.For(1, 2, 3));
        Assert.Equal(ScalarType.Float32, unquantised.Pixels.dtype);
        Assert.True(Same(ImageTensor.ToUInt8(unquantised.Pixels), a.Pixels));

        // The model's input: [0, 1] then (x - mean) / std per channel, for a batch as for the loader's.
        Tensor input = ViewTransform.ModelInput(stack([a.Pixels, c.Pixels]), options, CPU);
        Assert.Equal(ScalarType.Float32, input.dtype);
        Tensor expected = ImageTensor.Normalize(ImageTensor.ToFloat(a.Pixels), options.Mean, options.Std);
        Assert.Equal(0, (input[0] - expected).abs().max().item<float>());
        Assert.Throws<ArgumentException>(() => ViewTransform.ModelInput(unquantised.Pixels, options, CPU));
    }

    static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    [Fact]
    public void RandAugmentRunsEveryOpOnUInt8()
    {
        using var scope = NewDisposeScope();
        Tensor image = TestImages.Smooth(20, 20, 2);
        var augment = new PhotometricRandAugment(count: 40, magnitude: 30);
        for (int i = 0; i < 5; i++)
        {
            Tensor result = augment.Apply(image, SampleRng.For(0, 0, i));
            Assert.Equal(ScalarType.Byte, result.dtype);
            Assert.Equal(image.shape, result.shape);
        }
    }

    [Fact]
    public void BadOptionsAreNamed()
    {
        var options = ViewAugmentationOptions.MocoV2();
        options.Scale = [0.5, 0.2];
        Assert.StartsWith("views.scale:", Assert.Throws<DuprException>(() => new ViewTransform(options)).Message);
        options = ViewAugmentationOptions.MocoV2();
        options.RandAugmentMagnitude = 31;
        Assert.StartsWith("views.rand_augment_magnitude:", Assert.Throws<DuprException>(options.Validate).Message);
    }
}
