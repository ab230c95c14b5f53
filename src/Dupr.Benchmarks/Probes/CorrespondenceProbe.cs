using Dupr.Core.Imaging;
using Dupr.Core.Runtime;
using Dupr.Pretrain.Data;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Benchmarks.Probes;

/// <summary>
/// The paper's Fig. 7 as a number: for pairs of augmented views of an image with known geometry, the share of the first
/// view's feature cells inside the views' intersection whose most cosine-similar cell of the second view's whole grid is
/// the true one (the cell holding the same original-image point). Per level; ties share the credit (a cell tied with t
/// others counts 1/t when the true cell is among them), so a constant map scores 1 / (cells of the second view).
/// </summary>
public static class CorrespondenceProbe
{
    /// <summary>
    /// Level -> correct share (fraction), the number of cells scored and the share's standard error (a view pair per cluster),
    /// over two views of each image in <paramref name="images"/>.
    /// </summary>
    public static Dictionary<string, (double Accuracy, long Cells, double StandardError)> Measure(IFeatureMaps model, IReadOnlyList<string> images, ViewAugmentationOptions views,
        long seed, int batchSize = 16)
    {
        var transform = new ViewTransform(views);
        var pairs = model.Levels.ToDictionary(l => l, _ => new List<(double Credit, double Cells)>());
        for (int start = 0; start < images.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var first = new List<AugmentedView>();
            var second = new List<AugmentedView>();
            for (int i = start; i < Math.Min(images.Count, start + batchSize); i++)
            {
                Tensor image = ImageDecoder.Decode(images[i]);
                var rng = SampleRng.For(seed, 0, i);
                first.Add(transform.Apply(image, rng.Fork(1)));
                second.Add(transform.Apply(image, rng.Fork(2)));
            }
            var mapsA = model.Compute(ViewTransform.ModelInput(stack(first.Select(v => v.Pixels).ToArray()), views, CPU));
            var mapsB = model.Compute(ViewTransform.ModelInput(stack(second.Select(v => v.Pixels).ToArray()), views, CPU));
            foreach (string level in model.Levels)
            {
                var a = nn.functional.normalize(mapsA[level], dim: 1).cpu();
                var b = nn.functional.normalize(mapsB[level], dim: 1).cpu();
                for (int k = 0; k < first.Count; k++)
                {
                    var (c, n) = Score(a[k], b[k], first[k], second[k], views.Size, model.Stride(level));
                    if (n > 0) pairs[level].Add((c, n));
                }
            }
        }
        return model.Levels.ToDictionary(l => l, l =>
        {
            double credit = pairs[l].Sum(p => p.Credit);
            long cells = (long)pairs[l].Sum(p => p.Cells);
            return (cells == 0 ? double.NaN : credit / cells, cells, ProbeStandardError.Ratio(pairs[l]));
        });
    }

    // One pair at one level: maps [C, H, W], L2-normalised over C.
    static (double Credit, long Cells) Score(Tensor mapA, Tensor mapB, AugmentedView viewA, AugmentedView viewB, int size, int stride)
    {
        using var scope = NewDisposeScope();
        int height = (int)mapA.shape[1], width = (int)mapA.shape[2];
        var queries = new List<long>();
        var truth = new List<long>();
        for (int i = 0; i < height; i++)
        for (int j = 0; j < width; j++)
        {
            // The cell's centre in view A's pixels, in the original image, then in view B's cells.
            double x = ToOriginal((j + 0.5) * stride, viewA.Box.X1, viewA.Box.Width, size, viewA.Flipped);
            double y = viewA.Box.Y1 + (i + 0.5) * stride * viewA.Box.Height / size;
            if (x < viewB.Box.X1 || x >= viewB.Box.X2 || y < viewB.Box.Y1 || y >= viewB.Box.Y2) continue;
            double u = ToView(x, viewB.Box.X1, viewB.Box.Width, size, viewB.Flipped);
            double v = (y - viewB.Box.Y1) * size / viewB.Box.Height;
            int jb = Math.Clamp((int)Math.Floor(u / stride), 0, width - 1), ib = Math.Clamp((int)Math.Floor(v / stride), 0, height - 1);
            queries.Add((long)i * width + j);
            truth.Add((long)ib * width + jb);
        }
        if (queries.Count == 0) return (0, 0);
        var fa = mapA.flatten(1).t().index_select(0, tensor(queries.ToArray()));     // [Q, C]
        var fb = mapB.flatten(1).t();                                                // [H*W, C]
        var similarity = fa.matmul(fb.t());                                          // [Q, H*W]
        var best = similarity.max(1).values.unsqueeze(1);
        var tied = similarity.ge(best.sub(S(1e-6)));
        var ties = tied.sum(1).to_type(ScalarType.Float64).ReadArray<double>();
        var hit = tied.gather(1, tensor(truth.ToArray()).unsqueeze(1)).squeeze(1).ReadArray<bool>();
        double credit = 0;
        for (int q = 0; q < queries.Count; q++) if (hit[q]) credit += 1.0 / ties[q];
        return (credit, queries.Count);
    }

    static double ToOriginal(double u, int x1, int boxWidth, int size, bool flipped) =>
        flipped ? x1 + boxWidth - u * boxWidth / size : x1 + u * boxWidth / size;

    static double ToView(double x, int x1, int boxWidth, int size, bool flipped) =>
        flipped ? (x1 + boxWidth - x) * size / boxWidth : (x - x1) * size / boxWidth;
}
