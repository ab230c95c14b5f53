using Dupr.Core.Ops;
using Dupr.Core.Runtime;
using Dupr.Detection.Data;
using TorchSharp;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Detection.Modeling.RoiHeads;

/// <summary>
/// Mask R-CNN's training targets (detectron2's gt_masks.crop_and_resize): each foreground proposal's ground-truth
/// mask cropped to the proposal box and resampled to M x M, 0/1.
/// </summary>
public static class MaskTargets
{
    /// <summary>
    /// Targets [F, M, M] float32 on the device of <paramref name="boxes"/> [F, 4] for the instances
    /// <paramref name="gtIndices"/> [F] of <paramref name="target"/>. On the CPU from its polygons where it has them (detectron2's
    /// default polygon format, the exact crop), else from its bitmap masks; on another device from its bitmaps where it has
    /// them (detectron2's bitmask format: RoIAlign there, nothing read back; the loader rasterises polygons into bitmaps
    /// for such runs, <see cref="InstancePolygons.Bitmaps"/>).
    /// </summary>
    public static Tensor Create(DetectionSample target, Tensor boxes, Tensor gtIndices, int size)
    {
        bool onCpu = boxes.device_type == DeviceType.CPU;
        if (target.Polygons is { } polygons && (onCpu || target.Masks is null)) return FromPolygons(polygons, boxes, gtIndices, size);
        if (target.Masks is { } masks) return FromBitmaps(masks, boxes, gtIndices, size);
        throw new DuprException($"Mask R-CNN trains on instance masks, but image {target.ImageId} ({target.FileName ?? "no file"}) has neither polygons nor bitmaps");
    }

    /// <summary>
    /// detectron2's rasterize_polygons_within_box: the polygons moved to the box's corner, scaled by M / box size
    /// (sides under 0.1 pixel count as 0.1) and rasterised at M x M as pycocotools does (rings unioned).
    /// </summary>
    public static Tensor FromPolygons(IReadOnlyList<InstancePolygons> polygons, Tensor boxes, Tensor gtIndices, int size)
    {
        long count = boxes.size(0);
        var pixels = new byte[count * size * size];
        if (count > 0)
        {
            var b = boxes.detach().cpu().to_type(ScalarType.Float32).contiguous().ReadArray<float>();
            var g = gtIndices.cpu().to_type(ScalarType.Int64).contiguous().ReadArray<long>();
            for (int i = 0; i < count; i++)
            {
                var mask = Rasterize(polygons[(int)g[i]], b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3], size);
                mask.CopyTo(pixels, (long)i * size * size);
            }
        }
        using var scope = NewDisposeScope();
        var result = tensor(pixels, [count, size, size]).to_type(ScalarType.Float32).to(boxes.device);
        return scope.MoveToOuter(result);
    }

    /// <summary>One instance's polygons cropped to the box (x0, y0, x1, y1) and rasterised at <paramref name="size"/> x <paramref name="size"/>, row-major 0/1.</summary>
    public static byte[] Rasterize(InstancePolygons polygons, double x0, double y0, double x1, double y1, int size)
    {
        double scaleX = size / Math.Max(x1 - x0, 0.1);
        double scaleY = size / Math.Max(y1 - y0, 0.1);
        return polygons.Map((x, y) => ((x - x0) * scaleX, (y - y0) * scaleY)).Rasterize(size, size);
    }

    /// <summary>
    /// detectron2's BitMasks.crop_and_resize: RoIAlign (aligned, adaptive sampling) of each box's instance bitmap
    /// from <paramref name="masks"/> [N, H, W] into M x M, then value &gt;= 0.5.
    /// </summary>
    public static Tensor FromBitmaps(Tensor masks, Tensor boxes, Tensor gtIndices, int size)
    {
        if (boxes.size(0) == 0) return zeros([0, size, size], ScalarType.Float32, boxes.device);
        using var scope = NewDisposeScope();
        var bitmaps = masks.to_type(ScalarType.Float32).unsqueeze(1);
        var rois = cat([gtIndices.to_type(ScalarType.Float32).unsqueeze(1), boxes.detach().to_type(ScalarType.Float32)], 1).to(bitmaps.device);
        var resized = RoIAlign.Apply(bitmaps, rois, (size, size), 1.0, samplingRatio: 0, aligned: true).squeeze(1);
        return scope.MoveToOuter(resized.ge(S(0.5)).to_type(ScalarType.Float32).to(boxes.device));
    }
}
