using Dupr.Core.Runtime;

namespace Dupr.Benchmarks.Synthetic;

/// <summary>The layout of the unlabeled pre-training images of a synthetic world.</summary>
public enum UnlabeledLayout
{
    /// <summary>Scenes from the labeled images' distribution: 1-6 objects of 12%-55% of the short side on cluttered backgrounds.</summary>
    Scenes,

    /// <summary>Object-centric images as ImageNet's: one object of 45%-85% of the short side near the centre, same backgrounds.</summary>
    Objects,

    /// <summary>One object as in <see cref="Objects"/> on a plain two-colour gradient: no noise, strokes or blobs that tell images apart.</summary>
    PlainObjects,
}

/// <summary>Sizes and seed of a generated synthetic world; the defaults fit a 2-core CPU.</summary>
public sealed record SyntheticWorldOptions
{
    /// <summary>Labeled training images (COCO train split, VOC2007 trainval).</summary>
    public int Train { get; init; } = 400;

    /// <summary>Labeled validation images (COCO val split, VOC2007 test).</summary>
    public int Val { get; init; } = 100;

    /// <summary>Unlabeled images for pre-training.</summary>
    public int Unlabeled { get; init; } = 2000;

    /// <summary>How the unlabeled images are laid out: scenes like the labeled ones, or one object each (ImageNet-like), on cluttered or plain backgrounds.</summary>
    public UnlabeledLayout UnlabeledLayout { get; init; } = UnlabeledLayout.Scenes;

    /// <summary>Nominal image side in pixels; each side is drawn from [0.75, 1.25] x Size.</summary>
    public int Size { get; init; } = 128;

    /// <summary>Number of object classes (at most <see cref="ShapeCatalog.Count"/>).</summary>
    public int Classes { get; init; } = 6;

    /// <summary>Seed: the same options give byte-identical output.</summary>
    public long Seed { get; init; }

    /// <summary>Throws <see cref="DuprException"/> naming the first bad option.</summary>
    public void Validate()
    {
        if (Train < 1) throw new DuprException($"--train: need at least 1 image, got {Train}");
        if (Val < 1) throw new DuprException($"--val: need at least 1 image, got {Val}");
        if (Unlabeled < 0) throw new DuprException($"--unlabeled: must be non-negative, got {Unlabeled}");
        if (Size is < 48 or > 2048) throw new DuprException($"--size: must be in [48, 2048], got {Size}");
        if (Classes < 1 || Classes > ShapeCatalog.Count)
            throw new DuprException($"--classes: must be in [1, {ShapeCatalog.Count}], got {Classes}");
    }
}
