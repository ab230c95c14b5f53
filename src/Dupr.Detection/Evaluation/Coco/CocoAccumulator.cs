using Dupr.Detection.Evaluation;
namespace Dupr.Detection.Evaluation.Coco;

/// <summary>
/// COCOeval.accumulate for one category at a time: detections of all images ranked by score, precision and recall
/// at every IoU threshold, area range and detection limit, with pycocotools' envelope and recall sampling.
/// </summary>
internal sealed class CocoAccumulator(CocoEvalData data, CocoEvalParams parameters, CocoMatches matches, double[] precision, double[] recall)
{
    // np.spacing(1): added to tp + fp so that 0 / 0 gives 0.
    const double Spacing1 = 2.220446049250313e-16;

    readonly int _t = parameters.IouThresholds.Count;
    readonly int _r = parameters.RecallThresholds.Count;
    readonly int _k = data.CategoryCount;
    readonly int _a = parameters.AreaRanges.Count;
    readonly int _m = parameters.MaxDets.Count;
    ScoreRank[] _ranked = [];
    int[] _cellOf = [];
    int[] _rankOf = [];
    int[] _offsets = [];
    double[] _rc = [];
    double[] _pr = [];

    /// <summary>Index of precision[t, r, k, a, m] in the flat C-order array.</summary>
    public static int PrecisionIndex(CocoEvalParams p, int categories, int t, int r, int k, int a, int m) =>
        (((t * p.RecallThresholds.Count + r) * categories + k) * p.AreaRanges.Count + a) * p.MaxDets.Count + m;

    /// <summary>Index of recall[t, k, a, m] in the flat C-order array.</summary>
    public static int RecallIndex(CocoEvalParams p, int categories, int t, int k, int a, int m) =>
        ((t * categories + k) * p.AreaRanges.Count + a) * p.MaxDets.Count + m;

    /// <summary>Fills category <paramref name="k"/>'s precision and recall; cells of settings without ground truth stay -1.</summary>
    public void Accumulate(int k)
    {
        int images = data.ImageCount;
        int firstCell = k * images;
        bool present = false;
        int total = 0;
        for (int i = 0; i < images; i++)
        {
            int c = firstCell + i;
            present |= data.GtStart[c + 1] > data.GtStart[c] || data.DtStart[c + 1] > data.DtStart[c];
            total += matches.Kept[c];
        }
        // pycocotools skips a category when no image has ground truth or detections of it.
        if (!present) return;

        // Concatenate the cells' kept detections in image order, then rank by score (stable).
        ScratchBuffer.Grow(ref _ranked, total);
        ScratchBuffer.Grow(ref _cellOf, total);
        ScratchBuffer.Grow(ref _rankOf, total);
        int n = 0;
        for (int i = 0; i < images; i++)
        {
            int c = firstCell + i;
            for (int r = 0; r < matches.Kept[c]; r++)
            {
                _ranked[n] = new ScoreRank(data.DtScore[matches.SortedDt[data.DtStart[c] + r]], n);
                _cellOf[n] = c;
                _rankOf[n] = r;
                n++;
            }
        }
        _ranked.AsSpan(0, total).Sort(new ScoreRank.Descending());

        for (int m = 0; m < _m; m++)
        {
            // The first maxDet detections of each cell, in ranked order.
            int maxDet = parameters.MaxDets[m];
            int nd = 0;
            ScratchBuffer.Grow(ref _offsets, total * 2);
            for (int j = 0; j < total; j++)
            {
                int e = _ranked[j].Index;
                if (_rankOf[e] >= maxDet) continue;
                _offsets[2 * nd] = _cellOf[e];
                _offsets[2 * nd + 1] = _rankOf[e];
                nd++;
            }
            for (int a = 0; a < _a; a++) AccumulateSetting(k, a, m, nd);
        }
    }

    void AccumulateSetting(int k, int a, int m, int nd)
    {
        int firstCell = k * data.ImageCount;
        int npig = 0;
        for (int i = 0; i < data.ImageCount; i++) npig += matches.NonIgnoredGt[(firstCell + i) * _a + a];
        if (npig == 0) return;
        ScratchBuffer.Grow(ref _rc, nd);
        ScratchBuffer.Grow(ref _pr, nd);
        IReadOnlyList<double> recThrs = parameters.RecallThresholds;
        for (int t = 0; t < _t; t++)
        {
            double tp = 0, fp = 0;
            for (int j = 0; j < nd; j++)
            {
                int c = _offsets[2 * j], rank = _offsets[2 * j + 1];
                byte status = matches.Status[matches.StatusOffset(c, a, t) + rank];
                if (status == CocoMatches.TruePositive) tp++;
                else if (status == CocoMatches.FalsePositive) fp++;
                _rc[j] = tp / npig;
                _pr[j] = tp / (fp + tp + Spacing1);
            }
            recall[RecallIndex(parameters, _k, t, k, a, m)] = nd > 0 ? _rc[nd - 1] : 0;
            // Precision envelope: make it non-increasing from the right.
            for (int j = nd - 1; j > 0; j--)
                if (_pr[j] > _pr[j - 1]) _pr[j - 1] = _pr[j];
            // np.searchsorted(rc, recThrs, side='left'); thresholds past the last recall keep precision 0.
            int index = 0;
            for (int r = 0; r < _r; r++)
            {
                while (index < nd && _rc[index] < recThrs[r]) index++;
                precision[PrecisionIndex(parameters, _k, t, r, k, a, m)] = index < nd ? _pr[index] : 0;
            }
        }
    }
}
