using TorchSharp;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Detection.Modeling;

/// <summary>
/// detectron2's DefaultAnchorGenerator: per feature level, a set of cell anchors centred on (0, 0) (one per
/// size x aspect ratio, sizes outer) shifted to every grid location (row-major, then cell anchor).
/// </summary>
public sealed class AnchorGenerator
{
    private readonly Tensor[] cellAnchors;
    // The cell anchors copied once to each other device they are asked on: a copy per step would wait for the device.
    private readonly Dictionary<string, Tensor[]> cellAnchorsOnDevice = [];

    /// <summary>
    /// Anchors of <paramref name="sizes"/>[i] x <paramref name="aspectRatios"/>[i] on the level of stride
    /// <paramref name="strides"/>[i]; a single size or ratio list applies to every level (detectron2's _broadcast_params).
    /// </summary>
    public AnchorGenerator(IReadOnlyList<IReadOnlyList<double>> sizes, IReadOnlyList<IReadOnlyList<double>> aspectRatios,
                           IReadOnlyList<int> strides, double offset = 0.0)
    {
        if (strides.Count == 0 || strides.Any(s => s <= 0)) throw new ArgumentException("strides must be positive and not empty", nameof(strides));
        if (offset is < 0 or >= 1) throw new ArgumentException($"anchor offset must be in [0, 1), got {offset}", nameof(offset));
        var levelSizes = Broadcast(sizes, strides.Count, nameof(sizes));
        var levelRatios = Broadcast(aspectRatios, strides.Count, nameof(aspectRatios));
        Strides = strides.ToArray();
        Offset = offset;
        cellAnchors = Enumerable.Range(0, strides.Count).Select(i => CellAnchors(levelSizes[i], levelRatios[i])).ToArray();
        NumAnchorsPerLocation = cellAnchors[0].size(0) is var a && cellAnchors.All(c => c.size(0) == a)
            ? (int)a
            : throw new ArgumentException("every level needs the same number of anchors per location (the RPN head is shared)");
    }

    /// <summary>Stride in input pixels of each level.</summary>
    public IReadOnlyList<int> Strides { get; }

    /// <summary>Offset of the first anchor centre, in units of the stride (0: the top-left pixel corner).</summary>
    public double Offset { get; }

    /// <summary>Anchors at each grid location (the same on every level).</summary>
    public int NumAnchorsPerLocation { get; }

    /// <summary>The C4 anchors of detectron2: sizes 32..512 and ratios 0.5, 1, 2 on res4 (stride 16).</summary>
    public static AnchorGenerator C4() => new([[32, 64, 128, 256, 512]], [[0.5, 1.0, 2.0]], [16]);

    /// <summary>The FPN anchors of detectron2: one size per level, 32 on P2 .. 512 on P6, ratios 0.5, 1, 2.</summary>
    public static AnchorGenerator Fpn() => new([[32], [64], [128], [256], [512]], [[0.5, 1.0, 2.0]], [4, 8, 16, 32, 64]);

    /// <summary>RetinaNet's anchors: x * 2^(0, 1/3, 2/3) for x = 32 on P3 .. 512 on P7, ratios 0.5, 1, 2.</summary>
    public static AnchorGenerator RetinaNet() =>
        new(OctaveScales([32, 64, 128, 256, 512], 3), [[0.5, 1.0, 2.0]], [8, 16, 32, 64, 128]);

    /// <summary>Per base size x, the sizes x * 2^(k / <paramref name="scalesPerOctave"/>) for k = 0 .. scalesPerOctave - 1.</summary>
    public static IReadOnlyList<IReadOnlyList<double>> OctaveScales(IEnumerable<double> baseSizes, int scalesPerOctave) =>
        baseSizes.Select(x => (IReadOnlyList<double>)Enumerable.Range(0, scalesPerOctave)
            .Select(k => x * Math.Pow(2, k / (double)scalesPerOctave)).ToArray()).ToArray();

    /// <summary>The cell anchors [A, 4] float32 of <paramref name="level"/>, centred on (0, 0).</summary>
    public Tensor CellAnchorsOf(int level) => cellAnchors[level].alias();

    /// <summary>
    /// Anchors [Hi * Wi * A, 4] float32 of each level for feature grids of <paramref name="gridSizes"/>:
    /// anchor (y, x, a) is at row (y * Wi + x) * A + a, as detectron2's grid_anchors orders them.
    /// </summary>
    public Tensor[] GridAnchors(IReadOnlyList<(long Height, long Width)> gridSizes, Device? device = null)
    {
        if (gridSizes.Count != Strides.Count)
            throw new ArgumentException($"expected {Strides.Count} feature levels, got {gridSizes.Count}", nameof(gridSizes));
        var result = new Tensor[gridSizes.Count];
        for (int i = 0; i < result.Length; i++)
        {
            using var scope = NewDisposeScope();
            var (h, w) = gridSizes[i];
            int stride = Strides[i];
            // detectron2's _create_grid_offsets: arange(offset * stride, size * stride, step=stride) in float32.
            var shiftsX = arange(S(Offset * stride), S(w * stride), S(stride), dtype: ScalarType.Float32, device: device);
            var shiftsY = arange(S(Offset * stride), S(h * stride), S(stride), dtype: ScalarType.Float32, device: device);
            var grid = meshgrid([shiftsY, shiftsX], indexing: "ij");
            var x = grid[1].reshape(-1);
            var y = grid[0].reshape(-1);
            var shifts = stack([x, y, x, y], 1);
            var anchors = shifts.view(-1, 1, 4).add(CellAnchorsOn(device)[i].view(1, -1, 4), One).reshape(-1, 4);
            result[i] = scope.MoveToOuter(anchors);
        }
        return result;
    }

    private Tensor[] CellAnchorsOn(Device? device)
    {
        if (device is null || device.type == DeviceType.CPU) return cellAnchors;
        string key = device.ToString();
        if (!cellAnchorsOnDevice.TryGetValue(key, out var copies))
            cellAnchorsOnDevice[key] = copies = [.. cellAnchors.Select(c => c.to(device).DetachFromDisposeScope())];
        return copies;
    }

    private static Tensor CellAnchors(IReadOnlyList<double> sizes, IReadOnlyList<double> ratios)
    {
        if (sizes.Count == 0 || ratios.Count == 0) throw new ArgumentException("anchor sizes and aspect ratios must not be empty");
        var values = new List<float>();
        foreach (double size in sizes)
        {
            if (!(size > 0)) throw new ArgumentException($"anchor sizes must be positive, got {size}");
            foreach (double ratio in ratios)
            {
                if (!(ratio > 0)) throw new ArgumentException($"aspect ratios must be positive, got {ratio}");
                // detectron2's generate_cell_anchors: area = size^2, w = sqrt(area / ratio), h = ratio * w (in doubles).
                double w = Math.Sqrt(size * size / ratio);
                double h = ratio * w;
                values.AddRange([(float)(-w / 2), (float)(-h / 2), (float)(w / 2), (float)(h / 2)]);
            }
        }
        return tensor(values.ToArray()).view(-1, 4);
    }

    private static IReadOnlyList<double>[] Broadcast(IReadOnlyList<IReadOnlyList<double>> perLevel, int levels, string name)
    {
        if (perLevel.Count == 1) return Enumerable.Repeat(perLevel[0], levels).ToArray();
        if (perLevel.Count == levels) return perLevel.ToArray();
        throw new ArgumentException($"{name} must have one entry or one per level ({levels}), got {perLevel.Count}", name);
    }
}
