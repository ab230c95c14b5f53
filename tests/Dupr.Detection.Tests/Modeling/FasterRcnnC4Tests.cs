using Dupr.Detection.Data.Transforms;
using Dupr.Detection.Data.Voc;
using Dupr.Detection.Evaluation;
using Dupr.Detection.Modeling.MetaArch;
using Dupr.Tests;
using static TorchSharp.torch;

namespace Dupr.Detection.Tests.Modeling;

[Collection(NonParallel.Name)]
public class FasterRcnnC4Tests
{
    [Fact]
    public void KeysFollowDetectron2AndTorchvision()
    {
        using var model = new FasterRcnnC4(SyntheticScenes.MiniConfig(2));
        var keys = model.state_dict().Keys.ToList();
        Assert.Contains("backbone.layer3.0.conv1.weight", keys);
        Assert.DoesNotContain(keys, k => k.StartsWith("backbone.layer4"));
        Assert.Contains("proposal_generator.rpn_head.conv.weight", keys);
        Assert.Contains("proposal_generator.rpn_head.objectness_logits.weight", keys);
        Assert.Contains("proposal_generator.rpn_head.anchor_deltas.bias", keys);
        Assert.Contains("roi_heads.res5.0.conv1.weight", keys);
        Assert.Contains("roi_heads.res5.norm.weight", keys);
        Assert.Contains("roi_heads.box_predictor.cls_score.weight", keys);
        Assert.Equal([3L, 128], model.state_dict()["roi_heads.box_predictor.cls_score.weight"].shape);
        Assert.Equal([8L, 128], model.state_dict()["roi_heads.box_predictor.bbox_pred.weight"].shape);
    }

    /// <summary>The overfit acceptance: 4 small images, AP50 &gt; 0.9 (VOC area AP, in percent here) in about a minute on CPU.</summary>
    [Fact]
    public void OverfitsFourImages()
    {
        using var outer = NewDisposeScope();
        manual_seed(0);
        const int classes = 2;
        var samples = SyntheticScenes.Create(4, 96, classes, seed: 1);
        using var batch = DetectionBatch.Collate(samples);
        var config = SyntheticScenes.MiniConfig(classes);
        using var model = new FasterRcnnC4(config);
        model.train();
        using var optimizer = optim.SGD(model.parameters().Where(p => p.requires_grad), 0.02, momentum: 0.9, weight_decay: 1e-4);
        double first = 0, last = 0;
        const int steps = 100;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < steps; i++)
        {
            using var scope = NewDisposeScope();
            double warmup = Math.Min(1.0, (i + 1) / 20.0);
            foreach (var group in optimizer.ParamGroups) group.LearningRate = 0.02 * warmup;
            optimizer.zero_grad();
            var loss = model.Losses(batch).Values.Aggregate((a, b) => a + b);
            loss.backward();
            optimizer.step();
            if (i == 0) first = loss.item<float>();
            last = loss.item<float>();
        }
        double trainSeconds = watch.Elapsed.TotalSeconds;
        model.eval();
        var detections = model.Inference(batch);
        string[] names = ["red", "blue"];
        var annotations = samples.Select(s => new VocAnnotation(s.ImageId.ToString(), null, 96, 96, 3,
            Enumerable.Range(0, s.Count).Select(k =>
            {
                var b = s.Boxes[k].data<float>().ToArray();
                return new VocObject(names[s.Classes[k].item<long>()], false, false, null, b[0] + 1, b[1] + 1, b[2], b[3]);
            }).ToList())).ToList();
        var byClass = names.ToDictionary(n => n, _ => (IReadOnlyList<VocDetection>)new List<VocDetection>());
        for (int i = 0; i < samples.Count; i++)
            for (int k = 0; k < detections[i].Count; k++)
            {
                var b = detections[i].Boxes[k].data<float>().ToArray();
                ((List<VocDetection>)byClass[names[detections[i].Classes[k].item<long>()]]).Add(
                    new VocDetection(samples[i].ImageId.ToString(), detections[i].Scores[k].item<float>(), b[0] + 1, b[1] + 1, b[2], b[3], 0));
            }
        var result = VocEvaluator.Evaluate(annotations, new VocDetections(byClass, "memory"), VocMetric.Area, names);
        Assert.True(result.AP50 > 90, $"AP50 {result.AP50:F1} after {steps} steps (loss {first:F3} -> {last:F3}) in {trainSeconds:F1}s");
    }

    [Fact]
    public void TrainingAndInferenceStepsLeaveNoLiveTensors()
    {
        using var outer = NewDisposeScope();
        manual_seed(5);
        var samples = SyntheticScenes.Create(2, 64, 2, seed: 2);
        using var batch = DetectionBatch.Collate(samples);
        using var model = new FasterRcnnC4(SyntheticScenes.MiniConfig(2));
        using var optimizer = optim.SGD(model.parameters().Where(p => p.requires_grad), 0.01, momentum: 0.9);
        void Step()
        {
            using var scope = NewDisposeScope();
            model.train();
            optimizer.zero_grad();
            model.Losses(batch).Values.Aggregate((a, b) => a + b).backward();
            optimizer.step();
            model.eval();
            foreach (var d in model.Inference(batch)) d.Dispose();
        }

        for (int i = 0; i < 2; i++) Step();   // gradients and momentum buffers appear on the first steps
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long before = LiveTensors.Settled();
        for (int i = 0; i < 5; i++) Step();
        Assert.True(Tensor.TotalCount <= before, $"{Tensor.TotalCount - before} more live tensors after 5 steps");
    }
}
