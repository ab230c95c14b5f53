using Dupr.Core.Runtime;
using Dupr.Detection.Data.Coco;
using Dupr.Detection.Masks;

namespace Dupr.Detection.Evaluation.Coco;

/// <summary>
/// Ground truth and detections laid out for COCOeval: grouped into cells (category k, image i) numbered
/// c = k * I + i over images and categories in ascending id order, each cell's entries contiguous and in file order
/// (the order pycocotools' getAnnIds/loadAnns yields). Detections follow pycocotools' loadRes rules.
/// </summary>
internal sealed class CocoEvalData
{
    /// <summary>Number of images (I).</summary>
    public int ImageCount { get; }

    /// <summary>Number of categories (K).</summary>
    public int CategoryCount { get; }

    /// <summary>Cell c's ground truth is GtStart[c]..GtStart[c+1].</summary>
    public int[] GtStart { get; }

    /// <summary>Ground-truth annotation ids.</summary>
    public long[] GtId { get; }

    /// <summary>Ground-truth stored areas (the "area" field).</summary>
    public double[] GtArea { get; }

    /// <summary>Ground-truth crowd flags.</summary>
    public bool[] GtCrowd { get; }

    /// <summary>Ground-truth boxes for bbox IoU, or the masks' boxes for segm IoU.</summary>
    public BoxXywh[] GtBox { get; }

    /// <summary>Ground-truth masks (segm only).</summary>
    public Rle[]? GtMask { get; }

    /// <summary>Cell c's detections are DtStart[c]..DtStart[c+1].</summary>
    public int[] DtStart { get; }

    /// <summary>Detection scores.</summary>
    public double[] DtScore { get; }

    /// <summary>Detection areas by loadRes rules: box w*h when the first result has a box, else the mask area.</summary>
    public double[] DtArea { get; }

    /// <summary>Detection boxes for bbox IoU, or the masks' boxes for segm IoU.</summary>
    public BoxXywh[] DtBox { get; }

    /// <summary>Detection masks (segm only).</summary>
    public Rle[]? DtMask { get; }

    /// <summary>Validates and lays out <paramref name="gt"/> and <paramref name="dt"/>; bad entries are errors naming them.</summary>
    public CocoEvalData(CocoDataset gt, CocoResults dt, CocoIouType iouType, ParallelOptions parallel)
    {
        CocoImage[] images = gt.Images.OrderBy(i => i.Id).ToArray();
        ImageCount = images.Length;
        CategoryCount = gt.CategoryCount;
        var imageIndex = new Dictionary<long, int>(images.Length);
        for (int i = 0; i < images.Length; i++) imageIndex[images[i].Id] = i;
        bool segm = iouType == CocoIouType.Segm;

        // Ground truth.
        int gtCount = gt.Annotations.Count;
        var gtCell = new int[gtCount];
        for (int j = 0; j < gtCount; j++)
        {
            CocoAnnotation a = gt.Annotations[j];
            if (a.Area is not double area || !double.IsFinite(area))
                throw new DuprException($"{gt.Source}: annotations[{j}] (id {a.Id}): missing or non-finite 'area'; COCOeval needs it for the area ranges");
            if (!segm && a.Bbox == null)
                throw new DuprException($"{gt.Source}: annotations[{j}] (id {a.Id}): missing 'bbox', needed for bbox evaluation");
            if (!segm && !IsFinite(a.Bbox!.Value))
                throw new DuprException($"{gt.Source}: annotations[{j}] (id {a.Id}): 'bbox' has a non-finite value");
            if (segm && a.Segmentation == null)
                throw new DuprException($"{gt.Source}: annotations[{j}] (id {a.Id}): missing 'segmentation', needed for segm evaluation");
            if (a.Id == 0)
                Log.Warn($"{gt.Source}: annotations[{j}] has id 0; pycocotools never counts a match to it as a true positive, and neither do we, to give the same numbers");
            gtCell[j] = gt.ToContiguousId(a.CategoryId) * ImageCount + imageIndex[a.ImageId];
        }
        int[] gtOrder = GroupByCell(gtCell, out int[] gtStart);
        GtStart = gtStart;
        GtId = new long[gtCount];
        GtArea = new double[gtCount];
        GtCrowd = new bool[gtCount];
        GtBox = new BoxXywh[gtCount];
        for (int p = 0; p < gtCount; p++)
        {
            CocoAnnotation a = gt.Annotations[gtOrder[p]];
            GtId[p] = a.Id;
            GtArea[p] = a.Area!.Value;
            // COCOeval's ignore flag is iscrowd; it overwrites any stored "ignore" field, which is therefore not read.
            GtCrowd[p] = a.IsCrowd;
            if (!segm) GtBox[p] = a.Bbox!.Value;
        }
        if (segm)
        {
            var masks = new Rle[gtCount];
            ParallelLoop.For(0, gtCount, parallel, p =>
            {
                int j = gtOrder[p];
                CocoAnnotation a = gt.Annotations[j];
                CocoImage image = images[imageIndex[a.ImageId]];
                masks[p] = ToMask(a.Segmentation!, image, gt.Source, j, a.Id);
                GtBox[p] = masks[p].ToBbox();
            });
            GtMask = masks;
        }

        // Detections: every one must refer to a ground-truth image and category (pycocotools asserts the former
        // and silently drops the latter; dropping would hide a category-mapping bug, so both are errors).
        int dtCount = dt.Count;
        var dtCell = new int[dtCount];
        for (int j = 0; j < dtCount; j++)
        {
            if (!imageIndex.TryGetValue(dt.ImageIds[j], out int i))
                throw new DuprException($"{dt.Source}: results[{j}]: image_id {dt.ImageIds[j]} is not an image of the ground truth {gt.Source}");
            if (gt.FindCategory(dt.CategoryIds[j]) == null)
                throw new DuprException($"{dt.Source}: results[{j}]: category_id {dt.CategoryIds[j]} is not a category of the ground truth {gt.Source}");
            if (!double.IsFinite(dt.Scores[j]))
                throw new DuprException($"{dt.Source}: results[{j}]: 'score' must be finite, found {dt.Scores[j]}");
            if (dt.Boxes[j] is BoxXywh b)
            {
                if (!IsFinite(b)) throw new DuprException($"{dt.Source}: results[{j}]: 'bbox' has a non-finite value");
                if (b.W < 0 || b.H < 0) throw new DuprException($"{dt.Source}: results[{j}]: 'bbox' has a negative size: width {b.W}, height {b.H}");
            }
            dtCell[j] = gt.ToContiguousId(dt.CategoryIds[j]) * ImageCount + i;
        }
        // loadRes decides by the first result: if it has a box, every result is a box result (area w*h; its mask,
        // if needed, is the given segmentation or else the box); otherwise every result is a mask result
        // (area and box from the mask).
        bool boxResults = dtCount > 0 && dt.Boxes[0] != null;
        for (int j = 0; j < dtCount; j++)
        {
            if (boxResults && dt.Boxes[j] == null)
                throw new DuprException($"{dt.Source}: results[{j}]: missing 'bbox'; results[0] has one, so pycocotools reads every result as a box result");
            if (!boxResults && dt.Segmentations[j] == null)
                throw new DuprException($"{dt.Source}: results[{j}]: missing 'segmentation'; results[0] has no 'bbox', so pycocotools reads every result as a mask result");
        }
        int[] dtOrder = GroupByCell(dtCell, out int[] dtStart);
        DtStart = dtStart;
        DtScore = new double[dtCount];
        DtArea = new double[dtCount];
        DtBox = new BoxXywh[dtCount];
        var dtMasks = segm || !boxResults ? new Rle[dtCount] : null;
        ParallelLoop.For(0, dtCount, parallel, p =>
        {
            int j = dtOrder[p];
            DtScore[p] = dt.Scores[j];
            BoxXywh? given = dt.Boxes[j];
            Rle? mask = null;
            if (dtMasks != null)
            {
                CocoImage image = images[imageIndex[dt.ImageIds[j]]];
                mask = dt.Segmentations[j] is { } s
                    ? ToMask(s, image, dt.Source, j, annotationId: null)
                    : PolygonRasterizer.FromBox(given!.Value.X, given.Value.Y, given.Value.W, given.Value.H, image.Height, image.Width);
                dtMasks[p] = mask;
            }
            // Mask IoU is gated by the masks' own boxes; box IoU uses the given box, else (loadRes) the mask's.
            DtArea[p] = boxResults ? given!.Value.Area : mask!.Area();
            DtBox[p] = segm ? mask!.ToBbox() : given ?? mask!.ToBbox();
        });
        DtMask = segm ? dtMasks : null;
    }

    /// <summary>A stable counting sort of entries by cell: the entries' new order, and each cell's start.</summary>
    int[] GroupByCell(int[] cell, out int[] start)
    {
        start = new int[ImageCount * CategoryCount + 1];
        foreach (int c in cell) start[c + 1]++;
        for (int c = 0; c < start.Length - 1; c++) start[c + 1] += start[c];
        var next = (int[])start.Clone();
        var order = new int[cell.Length];
        for (int j = 0; j < cell.Length; j++) order[next[cell[j]]++] = j;
        return order;
    }

    /// <summary>The entry's mask; a malformed segmentation is an error naming annotations[index] (ground truth) or results[index].</summary>
    static Rle ToMask(CocoSegmentation segmentation, CocoImage image, string source, int index, long? annotationId)
    {
        try
        {
            return segmentation.ToRle(image.Height, image.Width);
        }
        catch (FormatException e)
        {
            string entry = annotationId is long id ? $"annotations[{index}] (id {id})" : $"results[{index}]";
            throw new DuprException($"{source}: {entry}: 'segmentation': {e.Message}", e);
        }
    }

    static bool IsFinite(BoxXywh b) => double.IsFinite(b.X) && double.IsFinite(b.Y) && double.IsFinite(b.W) && double.IsFinite(b.H);
}
