using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Core.Ops;

/// <summary>
/// Pools every box from one level of a feature pyramid, like detectron2's ROIPooler with RoIAlign:
/// a box of size s = sqrt(area) goes to level floor(canonical level + log2(s / canonical size + 1e-8)),
/// clamped to the pyramid; the output keeps the boxes' order.
/// </summary>
public sealed class RoIPooler : nn.Module<IReadOnlyList<Tensor>, IReadOnlyList<Tensor>, Tensor>
{
    readonly double[] _scales;

    /// <summary>Creates a pooler for maps with the given <paramref name="scales"/> (1/4, 1/8, ... from the finest; powers of 2, one per level).</summary>
    /// <param name="outputSize">Output height and width, e.g. 7x7 (box head) or 14x14 (mask head, C4 head).</param>
    /// <param name="scales">Map size over image size of each input level, finest first, consecutive levels.</param>
    /// <param name="samplingRatio">RoIAlign samples per bin and axis; 0: adaptive.</param>
    /// <param name="aligned">RoIAlign's half-pixel shift (detectron2's ROIAlignV2: true).</param>
    /// <param name="canonicalBoxSize">The box size mapped to <paramref name="canonicalLevel"/> (224: ImageNet pre-training size).</param>
    /// <param name="canonicalLevel">The level of a canonical box (4: res4 / P4).</param>
    public RoIPooler((int Height, int Width) outputSize, IReadOnlyList<double> scales, int samplingRatio = 0, bool aligned = true,
        int canonicalBoxSize = 224, int canonicalLevel = 4) : base(nameof(RoIPooler))
    {
        if (scales.Count == 0) throw new ArgumentException("at least one scale is needed", nameof(scales));
        var levels = scales.Select(s => -Math.Log2(s)).ToArray();
        for (int i = 0; i < levels.Length; i++)
        {
            if (!(scales[i] > 0) || Math.Abs(levels[i] - Math.Round(levels[i])) > 1e-9)
                throw new ArgumentException($"scales must be powers of 2 (1/4, 1/8, ...), got {scales[i]}", nameof(scales));
            if (i > 0 && Math.Round(levels[i]) != Math.Round(levels[i - 1]) + 1)
                throw new ArgumentException($"scales must be consecutive levels from the finest, got [{string.Join(", ", scales)}]", nameof(scales));
        }
        if (outputSize.Height < 1 || outputSize.Width < 1)
            throw new ArgumentException($"output size must be positive, got {outputSize.Height}x{outputSize.Width}", nameof(outputSize));
        if (canonicalBoxSize <= 0) throw new ArgumentException($"canonical box size must be positive, got {canonicalBoxSize}", nameof(canonicalBoxSize));
        _scales = scales.ToArray();
        OutputSize = outputSize;
        SamplingRatio = samplingRatio;
        Aligned = aligned;
        CanonicalBoxSize = canonicalBoxSize;
        CanonicalLevel = canonicalLevel;
        MinLevel = (int)Math.Round(levels[0]);
        MaxLevel = (int)Math.Round(levels[^1]);
        RegisterComponents();
    }

    /// <summary>Output height and width.</summary>
    public (int Height, int Width) OutputSize { get; }

    /// <summary>RoIAlign samples per bin and axis (0: adaptive).</summary>
    public int SamplingRatio { get; }

    /// <summary>Whether RoIAlign shifts boxes by half a pixel.</summary>
    public bool Aligned { get; }

    /// <summary>The box size that maps to <see cref="CanonicalLevel"/>.</summary>
    public int CanonicalBoxSize { get; }

    /// <summary>The level of a box of <see cref="CanonicalBoxSize"/>.</summary>
    public int CanonicalLevel { get; }

    /// <summary>The pyramid level of the first (finest) map: -log2 of its scale.</summary>
    public int MinLevel { get; }

    /// <summary>The pyramid level of the last (coarsest) map.</summary>
    public int MaxLevel { get; }

    /// <summary>
    /// Pools <paramref name="boxesPerImage"/> (one [Ri, 4] tensor per image, image coordinates) from
    /// <paramref name="features"/> (one [N, C, Hl, Wl] map per level): [sum Ri, C, h, w], boxes in order.
    /// </summary>
    public override Tensor forward(IReadOnlyList<Tensor> features, IReadOnlyList<Tensor> boxesPerImage)
    {
        if (features.Count != _scales.Length)
            throw new ArgumentException($"the pooler has {_scales.Length} level(s) but got {features.Count} feature map(s)", nameof(features));
        if (boxesPerImage.Count != features[0].size(0))
            throw new ArgumentException($"got boxes for {boxesPerImage.Count} image(s) but the features hold {features[0].size(0)}", nameof(boxesPerImage));
        using var scope = NewDisposeScope();
        var rois = RoIAlign.ToRoiFormat(boxesPerImage).to(features[0].device);
        if (rois.size(0) == 0)
            return scope.MoveToOuter(zeros([0, features[0].size(1), OutputSize.Height, OutputSize.Width], features[0].dtype, features[0].device));
        if (features.Count == 1) return scope.MoveToOuter(Pool(features[0], rois, 0));

        var level = AssignLevels(rois[.., 1..], MinLevel, MaxLevel, CanonicalBoxSize, CanonicalLevel);
        var pooled = new List<Tensor>();
        var positions = new List<Tensor>();
        for (int l = 0; l < features.Count; l++)
        {
            var members = nonzero(level == S(l)).view(-1);
            if (members.numel() == 0) continue;
            pooled.Add(Pool(features[l], rois.index_select(0, members), l));
            positions.Add(members);
        }
        // Back to the boxes' order: row i of the concatenation belongs to box order[i].
        var order = cat(positions, 0);
        return scope.MoveToOuter(cat(pooled, 0).index_select(0, argsort(order)));
    }

    Tensor Pool(Tensor features, Tensor rois, int level) =>
        RoIAlign.Apply(features, rois, OutputSize, _scales[level], SamplingRatio, Aligned);

    /// <summary>
    /// The pyramid level of each of <paramref name="boxes"/> [K, 4], minus <paramref name="minLevel"/> (an index into
    /// the maps, int64): floor(canonicalLevel + log2(sqrt(area) / canonicalBoxSize + 1e-8)) clamped to
    /// [minLevel, maxLevel], in the boxes' precision, as detectron2's assign_boxes_to_levels.
    /// </summary>
    public static Tensor AssignLevels(Tensor boxes, int minLevel, int maxLevel, int canonicalBoxSize = 224, int canonicalLevel = 4)
    {
        if (maxLevel < minLevel) throw new ArgumentException($"max level {maxLevel} is below min level {minLevel}");
        using var scope = NewDisposeScope();
        var size = sqrt(BoxOps.Area(boxes));
        var level = floor(log2(size.div(S(canonicalBoxSize)).add(S(1e-8), One)).add(S(canonicalLevel), One));
        return scope.MoveToOuter(level.clamp(S(minLevel), S(maxLevel)).to_type(ScalarType.Int64).sub(S(minLevel)));
    }
}
