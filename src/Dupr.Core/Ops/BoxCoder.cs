using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Core.Ops;

/// <summary>
/// Box regression deltas (dx, dy, dw, dh), as detectron2's Box2BoxTransform and torchvision's BoxCoder define
/// them: dx = wx * (target centre x - source centre x) / source width, dw = ww * log(target width / source width),
/// and likewise for y and h; decoding clamps dw and dh at <see cref="ScaleClamp"/> before exp.
/// </summary>
public sealed class BoxCoder
{
    /// <summary>The default clamp of dw and dh: log(1000 / 16), so a box grows at most 62.5-fold per decode.</summary>
    public static readonly double DefaultScaleClamp = Math.Log(1000.0 / 16);

    /// <summary>Creates a coder with weights (wx, wy, ww, wh), e.g. (10, 10, 5, 5) for R-CNN heads or (1, 1, 1, 1) for the RPN.</summary>
    public BoxCoder((double X, double Y, double W, double H) weights, double scaleClamp = double.NaN)
    {
        if (!(weights.X > 0 && weights.Y > 0 && weights.W > 0 && weights.H > 0))
            throw new ArgumentException($"box coder weights must be positive, got {weights}", nameof(weights));
        if (double.IsNaN(scaleClamp)) scaleClamp = DefaultScaleClamp;
        if (!(scaleClamp > 0)) throw new ArgumentException($"scale clamp must be positive, got {scaleClamp}", nameof(scaleClamp));
        Weights = weights;
        ScaleClamp = scaleClamp;
    }

    /// <summary>The weights (wx, wy, ww, wh) the deltas are multiplied by.</summary>
    public (double X, double Y, double W, double H) Weights { get; }

    /// <summary>The largest dw and dh applied when decoding.</summary>
    public double ScaleClamp { get; }

    /// <summary>[N, 4] deltas that turn each of <paramref name="sources"/> into the matching row of <paramref name="targets"/>.</summary>
    public Tensor Encode(Tensor sources, Tensor targets)
    {
        BoxOps.CheckBoxes(sources, nameof(sources));
        BoxOps.CheckBoxes(targets, nameof(targets));
        if (sources.size(0) != targets.size(0))
            throw new ArgumentException($"sources and targets must have the same number of boxes, got {sources.size(0)} and {targets.size(0)}");
        using var scope = NewDisposeScope();
        var (sx, sy, sw, sh) = CentreSize(sources);
        var (tx, ty, tw, th) = CentreSize(targets.to_type(sources.dtype));
        var deltas = stack([
            (tx - sx).mul(S(Weights.X)) / sw,
            (ty - sy).mul(S(Weights.Y)) / sh,
            log(tw / sw).mul(S(Weights.W)),
            log(th / sh).mul(S(Weights.H)),
        ], 1);
        return scope.MoveToOuter(deltas);
    }

    /// <summary>
    /// Applies [N, 4k] <paramref name="deltas"/> (k boxes per row, e.g. one per class) to [N, 4] <paramref name="boxes"/>:
    /// [N, 4k] boxes. Computed in float32 (float64 if the deltas are), as detectron2 does for half-precision heads.
    /// </summary>
    public Tensor Decode(Tensor deltas, Tensor boxes)
    {
        BoxOps.CheckBoxes(boxes, nameof(boxes));
        if (deltas.dim() != 2 || deltas.size(1) % 4 != 0 || deltas.size(0) != boxes.size(0))
            throw new ArgumentException($"deltas must be [N, 4k] with N = {boxes.size(0)} boxes, got [{string.Join(", ", deltas.shape)}]", nameof(deltas));
        using var scope = NewDisposeScope();
        var dtype = deltas.dtype == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        var d = deltas.to_type(dtype);
        var (cx, cy, w, h) = CentreSize(boxes.to_type(dtype));
        cx = cx.unsqueeze(1);
        cy = cy.unsqueeze(1);
        w = w.unsqueeze(1);
        h = h.unsqueeze(1);
        var dx = d[.., TensorIndex.Slice(0, null, 4)].div(S(Weights.X));
        var dy = d[.., TensorIndex.Slice(1, null, 4)].div(S(Weights.Y));
        var dw = d[.., TensorIndex.Slice(2, null, 4)].div(S(Weights.W)).clamp_max(S(ScaleClamp));
        var dh = d[.., TensorIndex.Slice(3, null, 4)].div(S(Weights.H)).clamp_max(S(ScaleClamp));
        var centreX = (dx * w).add(cx, One);
        var centreY = (dy * h).add(cy, One);
        var halfW = (exp(dw) * w).mul(S(0.5));
        var halfH = (exp(dh) * h).mul(S(0.5));
        var decoded = stack([centreX - halfW, centreY - halfH, centreX.add(halfW, One), centreY.add(halfH, One)], 2);
        // The width is explicit: with no rows, -1 would be ambiguous.
        return scope.MoveToOuter(decoded.reshape(deltas.size(0), deltas.size(1)));
    }

    static (Tensor X, Tensor Y, Tensor W, Tensor H) CentreSize(Tensor boxes)
    {
        var w = boxes[.., 2] - boxes[.., 0];
        var h = boxes[.., 3] - boxes[.., 1];
        return (boxes[.., 0].add(w.mul(S(0.5)), One), boxes[.., 1].add(h.mul(S(0.5)), One), w, h);
    }
}
