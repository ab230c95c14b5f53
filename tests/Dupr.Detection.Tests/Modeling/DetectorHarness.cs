using Dupr.Core.Training;
using Dupr.Detection.Data;
using Dupr.Detection.Data.Coco;
using Dupr.Detection.Data.Transforms;
using Dupr.Detection.Evaluation;
using Dupr.Detection.Masks;
using Dupr.Detection.Modeling;
using Dupr.Detection.Modeling.MetaArch;
using Dupr.Tests;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;
using Dupr.Detection.Evaluation.Coco;

namespace Dupr.Detection.Tests.Modeling;

/// <summary>Shared steps of the detector tests: a short SGD run, COCO AP50 of detections on the training samples, and the live-tensor check.</summary>
internal static class DetectorHarness
{
    /// <summary>
    /// <paramref name="steps"/> SGD steps (momentum 0.9, weight decay 1e-4, linear warm-up over 20 steps to <paramref name="lr"/>) on
    /// one batch; returns the first and last total loss, and the wall and process CPU seconds taken (CPU time tells the
    /// cost on a shared machine).
    /// </summary>
    public static (double First, double Last, double Seconds, double CpuSeconds) Train(Detector model, DetectionBatch batch, int steps, double lr)
    {
        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        model.train();
        using var optimizer = new Sgd(model.parameters().Where(p => p.requires_grad), lr, momentum: 0.9, weightDecay: 1e-4);
        double first = 0, last = 0;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < steps; i++)
        {
            using var scope = NewDisposeScope();
            foreach (var group in optimizer.ParamGroups) group.LearningRate = lr * Math.Min(1.0, (i + 1) / 20.0);
            var loss = model.TrainStep(batch, optimizer);
            if (i == 0) first = loss.item<float>();
            last = loss.item<float>();
        }
        return (first, last, watch.Elapsed.TotalSeconds, (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
    }

    /// <summary>
    /// COCO AP50 (pycocotools semantics, 0..1) of <paramref name="detections"/> against the samples' instances; segm
    /// compares the pasted masks with the samples' polygons.
    /// </summary>
    public static double CocoAp50(IReadOnlyList<DetectionSample> samples, IReadOnlyList<Detections> detections, int classes, CocoIouType iouType)
    {
        var images = samples.Select(s => new CocoImage(s.ImageId + 1, s.OriginalSize.Width, s.OriginalSize.Height, $"{s.ImageId}.png")).ToList();
        var categories = Enumerable.Range(0, classes).Select(c => new CocoCategory(c + 1, $"class{c}", null)).ToList();
        var annotations = new List<CocoAnnotation>();
        foreach (var s in samples)
            for (int k = 0; k < s.Count; k++)
            {
                var b = s.Boxes[k].data<float>().ToArray();
                annotations.Add(new CocoAnnotation(annotations.Count + 1, s.ImageId + 1, s.Classes[k].item<long>() + 1,
                    new BoxXywh(b[0], b[1], b[2] - b[0], b[3] - b[1]), (b[2] - b[0]) * (b[3] - b[1]), false, new CocoPolygons(s.Polygons![k].Rings)));
            }
        var gt = new CocoDataset("memory", images, categories, annotations);
        var results = new CocoResults("memory");
        for (int i = 0; i < samples.Count; i++)
        {
            var d = detections[i];
            var (height, width) = samples[i].OriginalSize;
            for (int k = 0; k < d.Count; k++)
            {
                var b = d.Boxes[k].data<float>().ToArray();
                CocoSegmentation? segmentation = null;
                if (iouType == CocoIouType.Segm)
                    segmentation = CocoRleSegmentation.Compress(Rle.FromRowMajor(d.Masks![k].contiguous().data<byte>().ToArray(), height, width));
                results.Add(samples[i].ImageId + 1, d.Classes[k].item<long>() + 1, d.Scores[k].item<float>(),
                            new BoxXywh(b[0], b[1], b[2] - b[0], b[3] - b[1]), segmentation);
            }
        }
        return CocoEvaluator.Evaluate(gt, results, iouType, maxThreads: 1).Stats[1];
    }

    /// <summary>Fails if a training step plus an inference pass leaves more live tensors after warming up.</summary>
    public static void AssertNoLiveTensorGrowth(Detector model, DetectionBatch batch)
    {
        using var optimizer = new Sgd(model.parameters().Where(p => p.requires_grad), 0.01, momentum: 0.9);
        void Step()
        {
            using var scope = NewDisposeScope();
            model.train();
            model.TrainStep(batch, optimizer);
            model.eval();
            foreach (var d in model.Inference(batch)) d.Dispose();
        }

        for (int i = 0; i < 2; i++) Step();   // gradients and momentum buffers appear on the first steps
        long before = LiveTensors.Settled();
        for (int i = 0; i < 4; i++) Step();
        Assert.True(Tensor.TotalCount <= before, $"{Tensor.TotalCount - before} more live tensors after 4 steps");
    }
}
