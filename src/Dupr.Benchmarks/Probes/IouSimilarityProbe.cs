using Dupr.Core.Imaging;
using Dupr.Core.Ops;
using Dupr.Core.Runtime;
using Dupr.Detection.Data.Datasets;
using static TorchSharp.torch;

namespace Dupr.Benchmarks.Probes;

/// <summary>One level's IoU-similarity curve: the mean similarity per IoU bin, and summaries of its slope.</summary>
/// <param name="BinMeans">Mean eq. 9 similarity of the RoIs whose IoU with their ground-truth box lies in bin b = [b/B, (b+1)/B); NaN where empty.</param>
/// <param name="BinCounts">RoIs per bin.</param>
/// <param name="Slope">Least-squares slope of similarity against IoU over every RoI: steeper is more location-sensitive.</param>
/// <param name="Gap">Mean similarity of RoIs with IoU &gt;= 0.5 (positives in detection) minus that of RoIs with IoU &lt; 0.3 (negatives).</param>
/// <param name="SlopeStandardError">Bootstrap standard error of <paramref name="Slope"/> over the ground-truth boxes (a box's RoIs resampled together).</param>
/// <param name="GapStandardError">The same for <paramref name="Gap"/>.</param>
public sealed record IouSimilarityCurve(double[] BinMeans, long[] BinCounts, double Slope, double Gap, double SlopeStandardError, double GapStandardError);

/// <summary>
/// The paper's Fig. 6: for each ground-truth box, RoIs shifted and scaled around it with IoUs spread over [0, 1]; the
/// similarity of a RoI to its box is eq. 9, the mean over the S x S positions of the cosine similarity of their RoIAlign
/// features. Location-sensitive features lose similarity as the IoU falls; invariant ones stay flat.
/// </summary>
public static class IouSimilarityProbe
{
    /// <summary>IoU bins of the curve.</summary>
    public const int Bins = 10;

    /// <summary>
    /// Level -> curve over the non-difficult boxes of <paramref name="records"/> (at most <paramref name="maxBoxes"/>, 0: all), each image
    /// resized so that its short side is <paramref name="shortSide"/> (long side at most <paramref name="maxSize"/>), <paramref name="roisPerBox"/>
    /// RoIs per box (IoU bins visited in turn), RoIAlign to <paramref name="roiSize"/> x <paramref name="roiSize"/>.
    /// </summary>
    public static Dictionary<string, IouSimilarityCurve> Measure(IFeatureMaps model, IReadOnlyList<DetectionRecord> records, int shortSide, int maxSize,
        long seed, int roisPerBox = 20, int roiSize = 7, int maxBoxes = 0)
    {
        var samples = model.Levels.ToDictionary(l => l, _ => new List<(double Iou, double Similarity, int Box)>());
        int boxes = 0;
        for (int r = 0; r < records.Count && (maxBoxes == 0 || boxes < maxBoxes); r++)
        {
            DetectionRecord record = records[r];
            using var scope = NewDisposeScope();
            Tensor image = ImageTensor.ToFloat(ImageDecoder.Decode(record.FilePath));
            int height = (int)image.shape[1], width = (int)image.shape[2];
            double scale = Math.Min((double)shortSide / Math.Min(height, width), (double)maxSize / Math.Max(height, width));
            int h = (int)Math.Round(height * scale), w = (int)Math.Round(width * scale);
            var input = ImageTensor.Normalize(ImageGeometry.Resize(image, h, w), ImageTensor.ImageNetMean, ImageTensor.ImageNetStd).unsqueeze(0);
            var rng = SampleRng.For(seed, 0, r);
            var rows = new List<float>();
            var ious = new List<double>();
            var owner = new List<int>();
            var boxOf = new Dictionary<int, int>(); // a ground-truth row's number among all the boxes probed
            int gts = 0;
            for (int i = 0; i < record.Count && (maxBoxes == 0 || boxes < maxBoxes); i++)
            {
                if (record.Difficult?[i] == true) continue;
                var gt = (X1: record.Boxes[4 * i] * scale, Y1: record.Boxes[4 * i + 1] * scale, X2: record.Boxes[4 * i + 2] * scale, Y2: record.Boxes[4 * i + 3] * scale);
                if (gt.X2 - gt.X1 < 1 || gt.Y2 - gt.Y1 < 1) continue;
                int gtRow = ious.Count;
                rows.AddRange([0, (float)gt.X1, (float)gt.Y1, (float)gt.X2, (float)gt.Y2]);
                ious.Add(1);
                owner.Add(-1);
                boxOf[gtRow] = boxes;
                for (int k = 0; k < roisPerBox; k++)
                    if (Sample(rng, gt, w, h, k % Bins) is var (box, iou))
                    {
                        rows.AddRange([0, (float)box.X1, (float)box.Y1, (float)box.X2, (float)box.Y2]);
                        ious.Add(iou);
                        owner.Add(gtRow);
                    }
                gts++;
                boxes++;
            }
            if (gts == 0) continue;
            var rois = tensor(rows.ToArray()).view(-1, 5);
            foreach (var (level, map) in model.Compute(input))
            {
                if (!samples.ContainsKey(level)) continue;
                var features = RoIAlign.Apply(map.cpu(), rois, (roiSize, roiSize), 1.0 / model.Stride(level), samplingRatio: 0, aligned: true);
                var unit = nn.functional.normalize(features.flatten(2), dim: 1);                     // [K, C, S*S]
                var reference = unit.index_select(0, tensor(owner.Select((o, j) => (long)(o < 0 ? j : o)).ToArray()));
                var similarity = unit.mul(reference).sum(1).mean([1]).ReadArray<float>();      // eq. 9 per RoI
                for (int j = 0; j < owner.Count; j++)
                    if (owner[j] >= 0) samples[level].Add((ious[j], similarity[j], boxOf[owner[j]]));
            }
        }
        return samples.ToDictionary(s => s.Key, s => Curve(s.Value, new SampleRng(seed, model.Levels.ToList().IndexOf(s.Key))));
    }

    // A box around gt (shifted by up to 1.5 sides, each side scaled by e^[-1, 1]) whose IoU with gt falls in the bin, clipped to
    // the image; null when 200 draws found none.
    static ((double X1, double Y1, double X2, double Y2) Box, double Iou)? Sample(SampleRng rng, (double X1, double Y1, double X2, double Y2) gt,
        int width, int height, int bin)
    {
        double gw = gt.X2 - gt.X1, gh = gt.Y2 - gt.Y1, cx = (gt.X1 + gt.X2) / 2, cy = (gt.Y1 + gt.Y2) / 2;
        // Higher bins need gentler moves: draw the move's scale from the bin so that each bin is reached in a few tries.
        double reach = 1.5 * (1 - (double)bin / Bins) + 0.05;
        for (int attempt = 0; attempt < 200; attempt++)
        {
            double w = gw * Math.Exp(rng.Uniform(-reach, reach)), h = gh * Math.Exp(rng.Uniform(-reach, reach));
            double x = cx + rng.Uniform(-reach, reach) * gw, y = cy + rng.Uniform(-reach, reach) * gh;
            var box = (X1: Math.Max(0, x - w / 2), Y1: Math.Max(0, y - h / 2), X2: Math.Min(width, x + w / 2), Y2: Math.Min(height, y + h / 2));
            if (box.X2 - box.X1 < 1 || box.Y2 - box.Y1 < 1) continue;
            double iou = Iou(gt, box);
            if (Math.Min(Bins - 1, (int)(iou * Bins)) == bin) return (box, iou);
        }
        return null;
    }

    static double Iou((double X1, double Y1, double X2, double Y2) a, (double X1, double Y1, double X2, double Y2) b)
    {
        double iw = Math.Max(0, Math.Min(a.X2, b.X2) - Math.Max(a.X1, b.X1)), ih = Math.Max(0, Math.Min(a.Y2, b.Y2) - Math.Max(a.Y1, b.Y1));
        double inter = iw * ih;
        return inter / ((a.X2 - a.X1) * (a.Y2 - a.Y1) + (b.X2 - b.X1) * (b.Y2 - b.Y1) - inter);
    }

    // The curve of (IoU, similarity, box) samples; the standard errors resample the boxes with draws from rng.
    static IouSimilarityCurve Curve(IReadOnlyList<(double Iou, double Similarity, int Box)> samples, SampleRng rng)
    {
        var sums = new double[Bins];
        var counts = new long[Bins];
        foreach (var (iou, s, _) in samples)
        {
            int b = Math.Min(Bins - 1, (int)(iou * Bins));
            sums[b] += s;
            counts[b]++;
        }
        var points = samples.Select(p => (p.Iou, p.Similarity)).ToList();
        var boxes = samples.GroupBy(p => p.Box).Select(g => g.Select(p => (p.Iou, p.Similarity)).ToArray()).ToList();
        return new IouSimilarityCurve(
            sums.Select((s, b) => counts[b] == 0 ? double.NaN : s / counts[b]).ToArray(), counts, Slope(points), Gap(points),
            ProbeStandardError.Bootstrap(boxes, draw => Slope(draw.SelectMany(b => b).ToList()), rng.Fork(1)),
            ProbeStandardError.Bootstrap(boxes, draw => Gap(draw.SelectMany(b => b).ToList()), rng.Fork(2)));
    }

    static double Slope(IReadOnlyList<(double Iou, double Similarity)> points)
    {
        if (points.Count == 0) return double.NaN;
        double mx = points.Average(p => p.Iou), my = points.Average(p => p.Similarity);
        double sxy = points.Sum(p => (p.Iou - mx) * (p.Similarity - my)), sxx = points.Sum(p => (p.Iou - mx) * (p.Iou - mx));
        return sxx > 0 ? sxy / sxx : double.NaN;
    }

    static double Gap(IReadOnlyList<(double Iou, double Similarity)> points)
    {
        var high = points.Where(p => p.Iou >= 0.5).Select(p => p.Similarity).ToList();
        var low = points.Where(p => p.Iou < 0.3).Select(p => p.Similarity).ToList();
        return high.Count > 0 && low.Count > 0 ? high.Average() - low.Average() : double.NaN;
    }
}
