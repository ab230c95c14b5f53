using Dupr.Core.Runtime;
using Dupr.Detection.Data;
using Dupr.Detection.Data.Transforms;
using TorchSharp;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Detection.Tests.Data.Transforms;

public class DetectionTransformTests
{
    // A black 40x60 image with a white rectangle x in [12, 30), y in [8, 24), which is instance 0;
    // instance 1 is a box outside the image, to be dropped.
    static DetectionSample Sample()
    {
        Tensor image = zeros([3, 40, 60], ScalarType.Byte);
        image.narrow(1, 8, 16).narrow(2, 12, 18).fill_(S(255));
        Tensor masks = zeros([2, 40, 60], ScalarType.Byte);
        masks[0].narrow(0, 8, 16).narrow(1, 12, 18).fill_(S(1));
        return new DetectionSample
        {
            Image = image,
            Boxes = tensor(new float[] { 12, 8, 30, 24, 70, 10, 80, 20 }).view(2, 4),
            Classes = tensor(new long[] { 3, 1 }),
            Polygons = [new InstancePolygons([[12, 8, 30, 8, 30, 24, 12, 24]]), new InstancePolygons([[70, 10, 80, 10, 80, 20]])],
            Masks = masks,
            Difficult = tensor(new[] { true, false }),
            ImageId = 42,
            OriginalSize = (40, 60),
        };
    }

    [Theory]
    [InlineData(480, 640, 800, 1333, 800, 1067)]
    [InlineData(375, 500, 480, 1333, 480, 640)]
    [InlineData(500, 333, 608, 1000, 913, 608)]
    [InlineData(100, 1000, 800, 1333, 133, 1333)]
    [InlineData(427, 640, 800, 1333, 800, 1199)]
    public void OutputSizeMatchesDetectron2(int h, int w, int shortEdge, int maxSize, int expectedH, int expectedW) =>
        Assert.Equal((expectedH, expectedW), ResizeShortestEdge.OutputSize(h, w, shortEdge, maxSize));

    [Fact]
    public void BoxesPolygonsAndMasksFollowResize()
    {
        using var scope = NewDisposeScope();
        using DetectionSample resized = new ResizeShortestEdge([80], 1000).Apply(Sample(), 80);
        Assert.Equal((80, 120), (resized.Height, resized.Width));
        Assert.Equal(new float[] { 24, 16, 60, 48, 140, 20, 160, 40 }, resized.Boxes.data<float>().ToArray());
        Assert.Equal(new double[] { 24, 16, 60, 16, 60, 48, 24, 48 }, resized.Polygons![0].Rings[0]);
        AssertWhiteExactlyInside(resized.Image, 24, 16, 60, 48);
        AssertMaskBox(resized.Masks![0], 24, 16, 60, 48);
        Assert.Equal((40, 60), resized.OriginalSize);
    }

    [Fact]
    public void BoxesPolygonsAndMasksFollowFlip()
    {
        using var scope = NewDisposeScope();
        using DetectionSample flipped = DetectionFlip.Apply(Sample());
        Assert.Equal(new float[] { 30, 8, 48, 24, -20, 10, -10, 20 }, flipped.Boxes.data<float>().ToArray());
        Assert.Equal(new double[] { 48, 8, 30, 8, 30, 24, 48, 24 }, flipped.Polygons![0].Rings[0]);
        AssertWhiteExactlyInside(flipped.Image, 30, 8, 48, 24);
        AssertMaskBox(flipped.Masks![0], 30, 8, 48, 24);
    }

    [Fact]
    public void TrainingPipelineDropsEmptyBoxesAndKeepsUint8Pixels()
    {
        using var scope = NewDisposeScope();
        var options = new DetectionTransformOptions { MinSizeTrain = [80], MaxSizeTrain = 1000, FlipProbability = 1 };
        using DetectionSample input = Sample();
        using DetectionSample output = DetectionAugmentation.ForTraining(options).Apply(input, SampleRng.For(0, 0, 0));
        Assert.Equal(1, output.Count);
        Assert.Equal(new float[] { 60, 16, 96, 48 }, output.Boxes.data<float>().ToArray());
        Assert.Equal(new long[] { 3 }, output.Classes.data<long>().ToArray());
        Assert.Single(output.Polygons!);
        Assert.Equal(new long[] { 1, 80, 120 }, output.Masks!.shape);
        Assert.Equal([true], output.Difficult!.data<bool>().ToArray());
        Assert.Equal(ScalarType.Byte, output.Image.dtype); // normalised on the model's device (ModelInput)
        Assert.Equal(0, output.Image[0, 0, 0].item<byte>());
        Assert.Equal(255, output.Image[0, 30, 80].item<byte>());
        Assert.Equal(42, output.ImageId);
    }

    [Fact]
    public void CollateRasterisesPolygonsIntoBitmapsOnlyWhenAskedAndKeepsExistingBitmaps()
    {
        using var scope = NewDisposeScope();
        InstancePolygons square = new([new double[] { 2, 2, 6, 2, 6, 6, 2, 6 }]);
        DetectionSample withPolygons = new()
        {
            Image = zeros([3, 8, 10], ScalarType.Byte), Boxes = tensor(new float[] { 2, 2, 6, 6 }).view(1, 4), Classes = tensor(new long[] { 1 }),
            Polygons = [square],
        };
        DetectionSample withBitmaps = withPolygons with { Polygons = null, Masks = ones([1, 8, 10], ScalarType.Byte) };

        using var plain = DetectionBatch.Collate([withPolygons]);
        Assert.Null(plain.Samples[0].Masks);
        using var bitmaps = DetectionBatch.Collate([withPolygons, withBitmaps], bitmapMasks: true);
        Assert.Equal([1L, 8, 10], bitmaps.Samples[0].Masks!.shape);
        Assert.Equal(16, bitmaps.Samples[0].Masks!.sum().item<long>());
        Assert.Equal(80, bitmaps.Samples[1].Masks!.sum().item<long>());
    }

    [Fact]
    public void ModelInputNormalisesAsEachImageWasNormalisedBeforeBatchingAndPadsWithZero()
    {
        using var scope = NewDisposeScope();
        var generator = new TorchSharp.torch.Generator(3);
        DetectionSample Make(int h, int w) => new()
        {
            Image = randint(0, 256, [3, h, w], dtype: ScalarType.Int32, generator: generator).to_type(ScalarType.Byte),
            Boxes = tensor(new float[] { 1, 2, 5, 6 }).view(1, 4),
            Classes = tensor(new long[] { 1 }),
        };
        DetectionSample[] inputs = [Make(50, 70), Make(64, 33)];
        using DetectionBatch batch = DetectionBatch.Collate(inputs);
        foreach (var normalization in new[] { PixelNormalization.Torchvision, PixelNormalization.Detectron2Msra })
        {
            var input = batch.ModelInput(normalization, CPU);
            Assert.Equal(ScalarType.Float32, input.Images.dtype);
            Assert.Equal(new long[] { 2, 3, 64, 96 }, input.Images.shape);
            // The same values, bit for bit, as normalising each image and padding the floats with zeros.
            for (int i = 0; i < 2; i++)
            {
                var expected = zeros(3, 64, 96);
                expected.narrow(1, 0, inputs[i].Height).narrow(2, 0, inputs[i].Width).copy_(normalization.Apply(inputs[i].Image));
                Assert.Equal(expected.data<float>().ToArray(), input.Images[i].contiguous().data<float>().ToArray());
                Assert.Equal(inputs[i].Boxes.data<float>().ToArray(), input.Samples[i].Boxes.data<float>().ToArray());
            }
            Assert.Equal(new long[] { 3, 64, 33 }, input.Samples[1].Image.shape);
        }
        Assert.Equal(ScalarType.Byte, batch.Images.dtype); // the loader's batch is left as it was
        Assert.Throws<InvalidOperationException>(() => batch.ModelInput(PixelNormalization.Torchvision, CPU).ModelInput(PixelNormalization.Torchvision, CPU));
    }

    [Fact]
    public void BgrNormalisationReversesChannelsFirst()
    {
        using var scope = NewDisposeScope();
        Tensor pixel = tensor(new byte[] { 10, 20, 30 }).view(3, 1, 1);
        float[] bgr = PixelNormalization.Detectron2Msra.Apply(pixel).data<float>().ToArray();
        Assert.Equal(new[] { 30 - 103.530f, 20 - 116.280f, 10 - 123.675f }, bgr);
    }

    [Fact]
    public void ShortEdgeIsDrawnFromTheListOrRange()
    {
        var choice = new ResizeShortestEdge([480, 512, 544], 1333);
        var range = new ResizeShortestEdge([100, 104], 1333, ShortEdgeSampling.Range);
        var seen = new HashSet<int>();
        var rng = SampleRng.For(0, 0, 0);
        for (int i = 0; i < 200; i++)
        {
            Assert.Contains(choice.SampleLength(rng), new[] { 480, 512, 544 });
            seen.Add(range.SampleLength(rng));
        }
        Assert.Equal(new[] { 100, 101, 102, 103, 104 }, seen.Order());
    }

    [Fact]
    public void TestPipelineUsesTheFixedSize()
    {
        using var scope = NewDisposeScope();
        using DetectionSample output = DetectionAugmentation.ForTest(new DetectionTransformOptions()).Apply(Sample(), SampleRng.For(0, 0, 0));
        Assert.Equal((800, 1200), (output.Height, output.Width));
        Assert.Equal(new float[] { 240, 160, 600, 480 }, output.Boxes.data<float>().ToArray());
    }

    [Fact]
    public void BatchPadsToAMultipleOf32AndKeepsSizes()
    {
        using var scope = NewDisposeScope();
        DetectionSample Make(int h, int w, float value) => new()
        {
            Image = full([3, h, w], S(value)),
            Boxes = zeros([0, 4]),
            Classes = zeros([0], ScalarType.Int64),
        };
        DetectionSample[] inputs = [Make(50, 70, 1), Make(64, 33, 2)];
        using DetectionBatch batch = DetectionBatch.Collate(inputs);
        foreach (DetectionSample input in inputs) input.Dispose();
        Assert.Equal(new long[] { 2, 3, 64, 96 }, batch.Images.shape);
        Assert.Equal(new long[] { 3, 64, 33 }, batch.Samples[1].Image.shape);
        Assert.Equal(2, batch.Samples[1].Image.max().item<float>());
        Assert.Equal(new long[] { 0, 4 }, batch.Samples[0].Boxes.shape);
        Assert.Equal(new[] { (50, 70), (64, 33) }, batch.ImageSizes);
        Assert.Equal(50 * 70 * 3, batch.Images[0].sum().item<float>());
        Assert.Equal(64 * 33 * 3 * 2, batch.Images[1].sum().item<float>());
        Assert.Equal(2, batch.Images[1, 0, 63, 32].item<float>());
        Assert.Equal(0, batch.Images[1, 0, 63, 33].item<float>());
        Assert.Equal(0, batch.Images[0, 2, 50, 0].item<float>());
        Assert.Equal(new long[] { 2, 3, 64, 64 }, DetectionBatch.Collate([Make(64, 64, 0), Make(1, 1, 0)]).Images.shape);
    }

    static void AssertWhiteExactlyInside(Tensor image, int x1, int y1, int x2, int y2)
    {
        Tensor red = image[0].to_type(ScalarType.Float32);
        // One pixel inside the box edges is white, one pixel outside is black (resampling only blurs the edge itself).
        Assert.Equal(255f, red.narrow(0, y1 + 1, y2 - y1 - 2).narrow(1, x1 + 1, x2 - x1 - 2).min().item<float>(), 0.5f);
        Assert.Equal(0f, red[y1 - 2, x1 - 2].item<float>(), 0.5f);
        Assert.Equal(0f, red[y2 + 1, x2 + 1].item<float>(), 0.5f);
        Assert.Equal(0f, red[(y1 + y2) / 2, x1 - 2].item<float>(), 0.5f);
        Assert.Equal(0f, red[(y1 + y2) / 2, x2 + 1].item<float>(), 0.5f);
    }

    static void AssertMaskBox(Tensor mask, int x1, int y1, int x2, int y2)
    {
        Tensor points = nonzero(mask);
        Assert.Equal(y1, points[.., 0].min().item<long>());
        Assert.Equal(y2 - 1, points[.., 0].max().item<long>());
        Assert.Equal(x1, points[.., 1].min().item<long>());
        Assert.Equal(x2 - 1, points[.., 1].max().item<long>());
    }
}
