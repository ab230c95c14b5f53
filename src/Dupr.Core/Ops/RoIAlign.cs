using System.Numerics;
using TorchSharp;
using Dupr.Core.Runtime;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Core.Ops;

/// <summary>RoIAlign (Mask R-CNN) with the semantics of torchvision.ops.roi_align, forward and backward.</summary>
/// <remarks>
/// Both implementations use the separability of bilinear RoIAlign (see <see cref="AxisTaps{T}"/>).
/// On the CPU a hand-written SIMD kernel with a custom autograd node does the work; on other devices
/// a gather + batched-matmul composition that autograd differentiates does. The kernel is the CPU
/// choice because it is far faster there: `dupr bench ops --roi-align kernel|composition` on the
/// shared 2-core development machine (2 threads, aligned, sampling_ratio 0, medians) gave, kernel vs
/// composition, 512 boxes 7x7 on 1x256x50x68: forward 12 ms vs 338 ms, forward+backward 21 ms vs
/// 2.6 s; 2000 boxes 14x14 on 1x1024x50x68: forward 0.62 s vs 17 s, forward+backward 0.84 s vs 12 s.
/// The kernel reads only each bin's few taps and streams channels; the composition pays for dense
/// window matmuls, padding, gathers and a scatter-add backward.
/// </remarks>
public static class RoIAlign
{
    /// <summary>
    /// Pools <paramref name="input"/> [N, C, H, W] over <paramref name="boxes"/> [K, 5] (batch_index, x1, y1, x2, y2 in
    /// image coordinates) into [K, C, outputSize.Height, outputSize.Width].
    /// </summary>
    /// <param name="input">Features, floating point.</param>
    /// <param name="boxes">Boxes with their image index, on the input's device.</param>
    /// <param name="outputSize">Output height and width.</param>
    /// <param name="spatialScale">Feature-map size over image size, e.g. 1/16.</param>
    /// <param name="samplingRatio">Samples per bin along each axis; 0 or less: adaptive, ceil(box size / output size).</param>
    /// <param name="aligned">True: shift boxes by -0.5 pixel (detectron2's ROIAlignV2); false: the original RoIAlign, boxes at least 1 pixel.</param>
    /// <param name="implementation">Which implementation runs; <see cref="RoIAlignImplementation.Auto"/> picks the fastest for the device.</param>
    public static Tensor Apply(Tensor input, Tensor boxes, (int Height, int Width) outputSize, double spatialScale = 1.0,
        int samplingRatio = -1, bool aligned = false, RoIAlignImplementation implementation = RoIAlignImplementation.Auto)
    {
        Validate(input, boxes, outputSize, spatialScale);
        using var timed = OpTimer.Measure(OpTimer.RoIAlign);
        if (implementation == RoIAlignImplementation.Kernel && input.device_type != DeviceType.CPU)
            throw new ArgumentException($"the RoIAlign kernel runs on the CPU; input is on {input.device}", nameof(implementation));
        bool kernel = implementation == RoIAlignImplementation.Kernel
            || (implementation == RoIAlignImplementation.Auto && input.device_type == DeviceType.CPU);
        using var scope = NewDisposeScope();
        // The kernel computes in float32 or float64; other floating types go through float32.
        bool native = input.dtype is ScalarType.Float32 or ScalarType.Float64;
        var features = native ? input : input.to_type(ScalarType.Float32);
        var output = features.dtype == ScalarType.Float64
            ? Pool<double>(features, boxes, outputSize, spatialScale, samplingRatio, aligned, kernel)
            : Pool<float>(features, boxes, outputSize, spatialScale, samplingRatio, aligned, kernel);
        return scope.MoveToOuter(native ? output : output.to_type(input.dtype));
    }

    /// <summary>Concatenates per-image boxes [Ri, 4] into the [K, 5] form <see cref="Apply"/> takes, with each image's index first.</summary>
    public static Tensor ToRoiFormat(IReadOnlyList<Tensor> boxesPerImage)
    {
        if (boxesPerImage.Count == 0) throw new ArgumentException("at least one image's boxes are needed", nameof(boxesPerImage));
        using var scope = NewDisposeScope();
        var rows = new List<Tensor>(boxesPerImage.Count);
        for (int i = 0; i < boxesPerImage.Count; i++)
        {
            var b = boxesPerImage[i];
            if (b.dim() != 2 || b.size(1) != 4)
                throw new ArgumentException($"boxes of image {i} must be [R, 4] (x1, y1, x2, y2), got [{string.Join(", ", b.shape)}]", nameof(boxesPerImage));
            rows.Add(cat([full([b.size(0), 1], S(i), b.dtype, b.device), b], 1));
        }
        return scope.MoveToOuter(cat(rows, 0));
    }

    static Tensor Pool<T>(Tensor features, Tensor boxes, (int Height, int Width) outputSize, double spatialScale, int samplingRatio, bool aligned,
        bool kernel)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        // The plan is computed on the host in the features' precision, as torchvision's kernel does.
        T[] rois = boxes.numel() == 0 ? [] : boxes.detach().to_type(features.dtype).cpu().contiguous().ReadArray<T>();
        var plan = RoIAlignPlan<T>.Create(rois, features.size(0), (int)features.size(2), (int)features.size(3), outputSize,
            spatialScale, samplingRatio, aligned);
        if (!kernel) return RoIAlignMatmul.Forward(features, plan);
        return features.requires_grad && is_grad_enabled()
            ? RoIAlignFunction.apply(features, plan)
            : RoIAlignKernel.Forward(features, plan);
    }

    static void Validate(Tensor input, Tensor boxes, (int Height, int Width) outputSize, double spatialScale)
    {
        if (input.dim() != 4)
            throw new ArgumentException($"input must be [N, C, H, W], got [{string.Join(", ", input.shape)}]", nameof(input));
        if (!input.is_floating_point())
            throw new ArgumentException($"input must be floating point, got {input.dtype}", nameof(input));
        if (input.size(2) < 1 || input.size(3) < 1 || input.size(2) > int.MaxValue || input.size(3) > int.MaxValue)
            throw new ArgumentException($"input height and width must be positive, got [{string.Join(", ", input.shape)}]", nameof(input));
        if (boxes.dim() != 2 || boxes.size(1) != 5)
            throw new ArgumentException($"boxes must be [K, 5] rows (batch_index, x1, y1, x2, y2), got [{string.Join(", ", boxes.shape)}]", nameof(boxes));
        if (!boxes.is_floating_point())
            throw new ArgumentException($"boxes must be floating point, got {boxes.dtype}", nameof(boxes));
        if (boxes.device_type != input.device_type || boxes.device_index != input.device_index)
            throw new ArgumentException($"boxes are on {boxes.device} but input is on {input.device}", nameof(boxes));
        if (outputSize.Height < 1 || outputSize.Width < 1)
            throw new ArgumentException($"output size must be positive, got {outputSize.Height}x{outputSize.Width}", nameof(outputSize));
        if (!(spatialScale > 0) || double.IsInfinity(spatialScale))
            throw new ArgumentException($"spatial scale must be positive and finite, got {spatialScale}", nameof(spatialScale));
    }
}

/// <summary>The implementations of <see cref="RoIAlign"/>; both give torchvision's results.</summary>
public enum RoIAlignImplementation
{
    /// <summary>The kernel on the CPU, the composition elsewhere.</summary>
    Auto,

    /// <summary>The hand-written SIMD kernel with its own backward (CPU only).</summary>
    Kernel,

    /// <summary>Gather + batched matmuls in torch ops, differentiated by autograd (any device).</summary>
    Composition,
}
