using Dupr.Core.Data;
using Dupr.Core.Runtime;
using Dupr.Detection.Data;
using Dupr.Detection.Data.Transforms;
using Dupr.Tests;
using TorchSharp;
using static TorchSharp.torch;

namespace Dupr.Detection.Tests.Data.Transforms;

/// <summary>The detection transforms behind the multi-threaded loader: deterministic and leak-free.</summary>
[Collection(NonParallel.Name)]
public class DetectionLoaderTests
{
    sealed class RandomImages(DetectionAugmentation augmentation) : IDataset<DetectionSample>
    {
        public int Count => 10;

        public DetectionSample Get(int index, SampleRng rng)
        {
            using var scope = NewDisposeScope();
            var sizes = new Random(index);
            int height = 30 + sizes.Next(20), width = 30 + sizes.Next(20);
            using var pixels = new Generator((ulong)index);
            var sample = new DetectionSample
            {
                Image = randint(0, 256, [3, height, width], ScalarType.Byte, generator: pixels),
                Boxes = tensor(new float[] { 2, 3, 20, 25 }).view(1, 4),
                Classes = tensor(new long[] { index % 3 }),
                ImageId = index,
                OriginalSize = (height, width),
            };
            DetectionSample result = augmentation.Apply(sample, rng);
            scope.MoveToOuter(result.Tensors);
            return result;
        }
    }

    static List<float[]> Load(int workers, int epoch)
    {
        var options = new DetectionTransformOptions { MinSizeTrain = [32, 48, 64], MaxSizeTrain = 100 };
        var loader = new DataLoader<DetectionSample, DetectionBatch>(new RandomImages(DetectionAugmentation.ForTraining(options)),
            samples => DetectionBatch.Collate(samples), new DataLoaderOptions { BatchSize = 3, Workers = workers, Seed = 5 });
        var result = new List<float[]>();
        foreach (DetectionBatch batch in loader.Epoch(epoch))
            using (batch)
            using (NewDisposeScope())
                result.Add([.. batch.Images.to_type(ScalarType.Float32).data<float>(), .. batch.Samples.SelectMany(s => s.Boxes.data<float>().ToArray())]);
        return result;
    }

    [Fact]
    public void BatchesRepeatAcrossWorkerCountsWithoutLeaks()
    {
        var inline = Load(0, 1);
        long before = LiveTensors.Settled();
        var threaded = Load(2, 1);
        Assert.Equal(before, Tensor.TotalCount);
        Assert.Equal(4, inline.Count);
        Assert.Equal(inline, threaded);
        Assert.NotEqual(inline, Load(2, 2));
    }
}
