using Dupr.Core.Data;
using Dupr.Core.Runtime;
using Dupr.Pretrain.Data;
using Dupr.Tests;
using TorchSharp;

namespace Dupr.Pretrain.Tests.Data;

/// <summary>The pre-training pipeline end to end: files on disk, decoding, two views, multi-threaded batches.</summary>
[Collection(NonParallel.Name)]
public class TwoViewLoaderTests
{
    static DataLoader<TwoViewSample, TwoViewBatch> Loader(string folder, string cache, int workers, bool skipBad = false) =>
        new(new TwoViewDataset(new UnlabeledImageFolder(folder, cache), new ViewTransform(ViewAugmentationOptions.MocoV2WithRandAugment(32))),
            TwoViewBatch.Collate, new DataLoaderOptions { BatchSize = 4, Workers = workers, Seed = 11, SkipBad = skipBad });

    static float[] Values(Dupr.Pretrain.Geometry.ViewFrame frame) =>
        [(float)frame.Crop.X1, (float)frame.Crop.Y1, (float)frame.Crop.X2, (float)frame.Crop.Y2, frame.Flipped ? 1 : 0];

    static List<float[]> Flatten(DataLoader<TwoViewSample, TwoViewBatch> loader, int epoch)
    {
        var result = new List<float[]>();
        foreach (TwoViewBatch batch in loader.Epoch(epoch))
            using (batch)
            using (torch.NewDisposeScope())
            {
                Assert.Equal(new long[] { batch.Count, 3, 32, 32 }, batch.Views1.shape);
                Assert.Equal(batch.Count, batch.Frames2.Count);
                Assert.All(batch.Frames1.Concat(batch.Frames2), frame => Assert.Equal((32, 32), (frame.Width, frame.Height)));
                result.Add([.. batch.Views1.data<byte>().Select(v => (float)v), .. batch.Views2.data<byte>().Select(v => (float)v), .. batch.Frames1.Concat(batch.Frames2).SelectMany(Values),
                    .. batch.Indices.Select(i => (float)i)]);
            }
        return result;
    }

    [Fact]
    public void BatchesAreIdenticalWithOneOrThreeWorkers()
    {
        using var folder = TestPaths.Temp();
        using var cache = TestPaths.Temp();
        TestImages.WriteFolder(folder.Path, 10);
        var one = Flatten(Loader(folder.Path, cache.Path, 1), epoch: 2);
        var three = Flatten(Loader(folder.Path, cache.Path, 3), epoch: 2);
        Assert.Equal(3, one.Count);
        Assert.Equal(one, three);
        Assert.NotEqual(one, Flatten(Loader(folder.Path, cache.Path, 3), epoch: 3));
    }

    [Fact]
    public void BadImagesStopTheRunOrAreSkippedAndCounted()
    {
        using var folder = TestPaths.Temp();
        using var cache = TestPaths.Temp();
        TestImages.WriteFolder(folder.Path, 8);
        string truncated = Path.Combine(folder.Path, "n01", "truncated.jpg");
        string text = Path.Combine(folder.Path, "n02", "text.jpg");
        byte[] jpeg = File.ReadAllBytes(Path.Combine(folder.Path, "n02", "img001.jpg"));
        File.WriteAllBytes(truncated, jpeg[..(jpeg.Length / 2)]);
        File.WriteAllText(text, "not an image");

        var error = Assert.Throws<DataFileException>(() => Flatten(Loader(folder.Path, cache.Path, 2), 0));
        Assert.Contains(error.FilePath, new[] { truncated, text });
        Assert.StartsWith(error.FilePath + ": ", error.Message);

        var loader = Loader(folder.Path, cache.Path, 2, skipBad: true);
        long before = LiveTensors.Settled();
        var batches = Flatten(loader, 0);
        Assert.Equal(before, torch.Tensor.TotalCount);
        Assert.Equal(3, batches.Count);
        Assert.True(loader.BadSamples.Skipped >= 2);
        Assert.Equal(new[] { truncated, text }.Order(), loader.BadSamples.Files.Keys.Order());
        Assert.Equal("truncated image (the compressed data ends early)", loader.BadSamples.Files[truncated]);
        Assert.NotNull(loader.BadSamples.Summary());
    }
}
