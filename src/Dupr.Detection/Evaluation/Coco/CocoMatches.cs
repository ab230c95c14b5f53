namespace Dupr.Detection.Evaluation.Coco;

/// <summary>
/// What COCOeval.evaluateImg records per (image, category) cell and area range, compactly: each kept detection's
/// fate at each IoU threshold (true positive, false positive or ignored) and the number of non-ignored ground truths.
/// </summary>
internal sealed class CocoMatches
{
    /// <summary>Status of a detection that matched no ground truth and counts.</summary>
    public const byte FalsePositive = 0;

    /// <summary>Status of a detection matched to a non-ignored ground truth.</summary>
    public const byte TruePositive = 1;

    /// <summary>Status of a detection that counts neither way (matched an ignored ground truth, or unmatched outside the area range).</summary>
    public const byte Ignored = 2;

    readonly int[] _dtStart;
    readonly int _areas;
    readonly int _thresholds;

    /// <summary>Detections kept per cell (its top maxDets[-1] by score).</summary>
    public int[] Kept { get; }

    /// <summary>Detection indices of cell c by rank at SortedDt[DtStart[c] + rank].</summary>
    public int[] SortedDt { get; }

    /// <summary>Statuses, see <see cref="StatusOffset"/>.</summary>
    public byte[] Status { get; }

    /// <summary>Non-ignored ground truths per cell and area range, at [c * A + a].</summary>
    public int[] NonIgnoredGt { get; }

    public CocoMatches(CocoEvalData data, int areas, int thresholds)
    {
        _dtStart = data.DtStart;
        _areas = areas;
        _thresholds = thresholds;
        int cells = data.DtStart.Length - 1;
        int dtCount = data.DtScore.Length;
        Kept = new int[cells];
        SortedDt = new int[dtCount];
        Status = new byte[checked(dtCount * areas * thresholds)];
        NonIgnoredGt = new int[cells * areas];
    }

    /// <summary>Where cell <paramref name="cell"/>'s statuses for area range <paramref name="area"/> and threshold <paramref name="threshold"/> start; rank r follows at +r.</summary>
    public int StatusOffset(int cell, int area, int threshold) =>
        _dtStart[cell] * _areas * _thresholds + (area * _thresholds + threshold) * Kept[cell];
}
