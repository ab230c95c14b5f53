using Dupr.Detection.Masks;
using Dupr.Detection.Evaluation;

namespace Dupr.Detection.Evaluation.Coco;

/// <summary>
/// COCOeval.computeIoU and evaluateImg for one (image, category) cell at every area range, with scratch buffers
/// reused across cells (one instance per worker thread).
/// </summary>
internal sealed class CocoImageEvaluator(CocoEvalData data, CocoEvalParams parameters, CocoMatches matches)
{
    readonly int _maxDet = parameters.MaxDets[^1];
    ScoreRank[] _sort = new ScoreRank[16];
    double[] _iou = new double[64];
    int[] _gtOrder = new int[16];
    bool[] _gtIgnore = new bool[16];
    bool[] _matched = new bool[16];

    /// <summary>Evaluates cell <paramref name="cell"/> into <see cref="CocoMatches"/>.</summary>
    public void Evaluate(int cell)
    {
        int g0 = data.GtStart[cell], gtCount = data.GtStart[cell + 1] - g0;
        int d0 = data.DtStart[cell], dtCount = data.DtStart[cell + 1] - d0;
        if (gtCount == 0 && dtCount == 0) return;

        // Highest score first, ties in file order (np.argsort(-scores, kind='mergesort')), top maxDet kept.
        ScratchBuffer.Grow(ref _sort, dtCount);
        for (int d = 0; d < dtCount; d++) _sort[d] = new ScoreRank(data.DtScore[d0 + d], d);
        _sort.AsSpan(0, dtCount).Sort(new ScoreRank.Descending());
        int kept = Math.Min(dtCount, _maxDet);
        matches.Kept[cell] = kept;
        for (int r = 0; r < kept; r++) matches.SortedDt[d0 + r] = d0 + _sort[r].Index;

        ComputeIou(g0, gtCount, d0, kept);
        ScratchBuffer.Grow(ref _gtOrder, gtCount);
        ScratchBuffer.Grow(ref _gtIgnore, gtCount);
        ScratchBuffer.Grow(ref _matched, gtCount);
        for (int a = 0; a < parameters.AreaRanges.Count; a++) EvaluateArea(cell, a, g0, gtCount, d0, kept);
    }

    void ComputeIou(int g0, int gtCount, int d0, int kept)
    {
        ScratchBuffer.Grow(ref _iou, kept * gtCount);
        for (int r = 0; r < kept; r++)
        {
            int d = d0 + _sort[r].Index;
            for (int g = 0; g < gtCount; g++)
            {
                int gi = g0 + g;
                _iou[r * gtCount + g] = data.DtMask is { } dtMasks
                    ? MaskIou.Rle(dtMasks[d], data.DtBox[d], data.GtMask![gi], data.GtBox[gi], data.GtCrowd[gi])
                    : MaskIou.Box(data.DtBox[d], data.GtBox[gi], data.GtCrowd[gi]);
            }
        }
    }

    void EvaluateArea(int cell, int a, int g0, int gtCount, int d0, int kept)
    {
        (double lo, double hi) = parameters.AreaRanges[a];
        // Ground truth outside the range or crowd is ignored; ignored ones go last, order kept otherwise.
        int nonIgnored = 0;
        for (int g = 0; g < gtCount; g++)
        {
            double area = data.GtArea[g0 + g];
            bool ignore = data.GtCrowd[g0 + g] || area < lo || area > hi;
            if (!ignore) _gtOrder[nonIgnored++] = g;
        }
        matches.NonIgnoredGt[cell * parameters.AreaRanges.Count + a] = nonIgnored;
        int position = nonIgnored;
        for (int g = 0; g < gtCount; g++)
        {
            double area = data.GtArea[g0 + g];
            if (data.GtCrowd[g0 + g] || area < lo || area > hi) _gtOrder[position++] = g;
        }
        for (int s = 0; s < gtCount; s++) _gtIgnore[s] = s >= nonIgnored;

        for (int t = 0; t < parameters.IouThresholds.Count; t++)
        {
            int offset = matches.StatusOffset(cell, a, t);
            Array.Clear(_matched, 0, gtCount);
            for (int r = 0; r < kept; r++)
            {
                int d = matches.SortedDt[d0 + r];
                double dtArea = data.DtArea[d];
                bool outside = dtArea < lo || dtArea > hi;
                double best = Math.Min(parameters.IouThresholds[t], 1 - 1e-10);
                int m = -1;
                for (int s = 0; s < gtCount; s++)
                {
                    int g = _gtOrder[s];
                    // A matched ground truth is taken unless it is a crowd, which absorbs any number of detections.
                    if (_matched[s] && !data.GtCrowd[g0 + g]) continue;
                    // Once matched to a counted ground truth, stop at the ignored ones.
                    if (m > -1 && !_gtIgnore[m] && _gtIgnore[s]) break;
                    double iou = _iou[r * gtCount + g];
                    if (iou < best) continue;
                    // Ties go to the later ground truth.
                    best = iou;
                    m = s;
                }
                byte status;
                if (m == -1) status = outside ? CocoMatches.Ignored : CocoMatches.FalsePositive;
                else
                {
                    _matched[m] = true;
                    // pycocotools stores the matched ground truth's id and treats 0 as "no match".
                    if (_gtIgnore[m]) status = CocoMatches.Ignored;
                    else if (data.GtId[g0 + _gtOrder[m]] == 0) status = outside ? CocoMatches.Ignored : CocoMatches.FalsePositive;
                    else status = CocoMatches.TruePositive;
                }
                matches.Status[offset + r] = status;
            }
        }
    }
}
