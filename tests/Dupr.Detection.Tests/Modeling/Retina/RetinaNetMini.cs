using Dupr.Core.Modeling;
using Dupr.Detection.Config;
using Dupr.Detection.Data;
using Dupr.Detection.Data.Voc;
using Dupr.Detection.Evaluation;
using Dupr.Detection.Modeling;
using Dupr.Detection.Modeling.MetaArch;

namespace Dupr.Detection.Tests.Modeling.Retina;

/// <summary>A CPU-sized RetinaNet config for the tiny scenes of <see cref="SyntheticScenes"/>, and their VOC AP50.</summary>
internal static class RetinaNetMini
{
    /// <summary>ResNet-18 of width 16 with BN, a 32-channel FPN and head, anchors 16 on P3 .. 256 on P7 (3 scales x 3 ratios).</summary>
    public static DetectionConfig Config(int classes) => new()
    {
        Architecture = DetectorArchitecture.RetinaNet,
        Backbone = new ResNetSection { Depth = 18, Width = 16, Norm = NormKind.BN, FreezeAt = 0 },
        Anchors = new AnchorSection
        {
            Sizes = AnchorGenerator.OctaveScales([16, 32, 64, 128, 256], 3).Select(s => s.ToList()).ToList(),
            AspectRatios = [[0.5, 1.0, 2.0]],
        },
        RetinaNet = new RetinaNetSection { NumClasses = classes, FpnOutChannels = 32, FpnNorm = NormKind.BN, SmoothL1Beta = 0 },
    };

    /// <summary>VOC area AP50 in percent of <paramref name="detections"/> against the samples' boxes (classes named by index).</summary>
    public static double Ap50(IReadOnlyList<DetectionSample> samples, IReadOnlyList<Detections> detections, int classes)
    {
        string[] names = Enumerable.Range(0, classes).Select(c => $"class{c}").ToArray();
        // VOC files are 1-based inclusive pixels: x1 + 1, y1 + 1, x2, y2.
        var annotations = samples.Select(s => new VocAnnotation(s.ImageId.ToString(), null, s.Width, s.Height, 3,
            Enumerable.Range(0, s.Count).Select(k =>
            {
                var b = s.Boxes[k].data<float>().ToArray();
                return new VocObject(names[s.Classes[k].item<long>()], false, false, null, b[0] + 1, b[1] + 1, b[2], b[3]);
            }).ToList())).ToList();
        var byClass = names.ToDictionary(n => n, _ => new List<VocDetection>());
        for (int i = 0; i < samples.Count; i++)
            for (int k = 0; k < detections[i].Count; k++)
            {
                var b = detections[i].Boxes[k].data<float>().ToArray();
                byClass[names[detections[i].Classes[k].item<long>()]].Add(
                    new VocDetection(samples[i].ImageId.ToString(), detections[i].Scores[k].item<float>(), b[0] + 1, b[1] + 1, b[2], b[3], 0));
            }
        var result = VocEvaluator.Evaluate(annotations, new VocDetections(byClass.ToDictionary(p => p.Key, p => (IReadOnlyList<VocDetection>)p.Value), "memory"),
                                           VocMetric.Area, names);
        return result.AP50;
    }

    /// <summary>A mini RetinaNet (convenience for tests that only need some model).</summary>
    public static RetinaNet Model(int classes) => new(Config(classes));
}
