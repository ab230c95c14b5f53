using Dupr.Core.Runtime;
using Dupr.Detection.Data;
using Dupr.Detection.Data.Coco;
using Dupr.Detection.Masks;
using Dupr.Detection.Modeling;
using static TorchSharp.torch;
using Dupr.Detection.Evaluation;

namespace Dupr.Detection.Evaluation.Coco;

/// <summary>
/// Detections on a <see cref="CocoTestSet"/> as COCO results, as detectron2's instances_to_coco_json makes them: boxes
/// (x, y, w, h), masks as compressed RLE in the same entry, contiguous classes mapped back to the file's category ids,
/// and the file's image ids.
/// </summary>
public sealed class CocoDetectionResults : DetectionResults
{
    readonly CocoTestSet _set;
    readonly CocoResults _results = new("detections in memory");
    bool _hasMasks;

    /// <summary>An empty collection for <paramref name="set"/>.</summary>
    public CocoDetectionResults(CocoTestSet set) => _set = set;

    /// <summary>The detections so far.</summary>
    public CocoResults Results => _results;

    public override void Add(DetectionSample sample, Detections detections)
    {
        var (boxes, scores, classes) = HostDetections.From(detections);
        Rle[]? masks = detections.Masks is { } m ? Encode(m, sample) : null;
        _hasMasks |= masks != null;
        for (int k = 0; k < scores.Length; k++)
        {
            var box = new BoxXywh(boxes[4 * k], boxes[4 * k + 1], boxes[4 * k + 2] - boxes[4 * k], boxes[4 * k + 3] - boxes[4 * k + 1]);
            CocoSegmentation? segmentation = masks is null ? null : CocoRleSegmentation.Compress(masks[k]);
            _results.Add(sample.ImageId, _set.GroundTruth.FromContiguousId((int)classes[k]), scores[k], box, segmentation);
        }
    }

    public override string Write(string folder)
    {
        OutputFolder.Create(folder);
        string path = Path.Combine(folder, CocoTestSet.ResultsFileName);
        CocoResultsWriter.Write(_results, path);
        return path;
    }

    public override DetectionMetrics Evaluate(int? maxThreads = null)
    {
        var types = _set.EvaluatesMasks || _hasMasks ? new[] { CocoIouType.Bbox, CocoIouType.Segm } : [CocoIouType.Bbox];
        var scores = types.Select(type =>
        {
            CocoEvalResult result = CocoEvaluator.Evaluate(_set.GroundTruth, _results, type, maxThreads);
            // detectron2 reports COCO stats in percent and undefined ones (-1) as NaN.
            double Percent(int stat) => result.Stats[stat] >= 0 ? 100 * result.Stats[stat] : double.NaN;
            return new DetectionScore(type == CocoIouType.Bbox ? "bbox" : "segm", Percent(0), Percent(1), Percent(2),
                CocoReport.ToJson(result, _set.GroundTruth.Source, _results.Source));
        }).ToList();
        return new DetectionMetrics("coco", scores);
    }

    // Pasted masks [K, H, W] (0/1) in the original image -> one RLE each, as pycocotools' encode of a Fortran-order array.
    static Rle[] Encode(Tensor masks, DetectionSample sample)
    {
        var (height, width) = sample.OriginalSize;
        if (masks.dim() != 3 || masks.size(1) != height || masks.size(2) != width)
            throw new ArgumentException($"image {sample.ImageId}: masks must be pasted into the {height}x{width} image as [K, H, W], got [{string.Join(", ", masks.shape)}]");
        if (masks.dtype is not (ScalarType.Byte or ScalarType.Bool))
            throw new ArgumentException($"image {sample.ImageId}: masks must be uint8 or bool (0/1), got {masks.dtype}");
        if (masks.size(0) == 0) return [];
        using var scope = NewDisposeScope();
        byte[] pixels = masks.to_type(ScalarType.Byte).cpu().contiguous().ReadArray<byte>();
        int area = height * width;
        return Enumerable.Range(0, (int)masks.size(0)).Select(k => Rle.FromRowMajor(pixels.AsSpan(k * area, area), height, width)).ToArray();
    }
}
