using Dupr.Core.Runtime;

namespace Dupr.Benchmarks.Probes;

/// <summary>Settings of the probes of a backbone; defaults follow InstDis/MoCo (kNN) and the paper's Fig. 6 and 7.</summary>
public sealed record ProbeOptions
{
    /// <summary>Side of an object crop in pixels (kNN and linear probes).</summary>
    public int CropSize { get; init; } = 64;

    /// <summary>Context margin around each box, as a fraction of its width and height on every side.</summary>
    public double Context { get; init; } = 0.1;

    /// <summary>Objects per split at most (0: all), an even subsample: paper-scale sets have hundreds of thousands.</summary>
    public int MaxObjects { get; init; }

    /// <summary>kNN neighbours.</summary>
    public int K { get; init; } = KnnProbe.DefaultK;

    /// <summary>kNN vote temperature.</summary>
    public double Temperature { get; init; } = KnnProbe.DefaultTemperature;

    /// <summary>Epochs of the linear probe.</summary>
    public int LinearEpochs { get; init; } = 100;

    /// <summary>Test images whose two views the correspondence probe matches (the first ones of the test set).</summary>
    public int Pairs { get; init; } = 200;

    /// <summary>Side of the correspondence probe's views in pixels (the paper's Fig. 7 used 448).</summary>
    public int ViewSize { get; init; } = 224;

    /// <summary>RoIs sampled around each ground-truth box (the paper's Fig. 6: 20).</summary>
    public int RoisPerBox { get; init; } = 20;

    /// <summary>RoIAlign output side of the IoU-similarity probe.</summary>
    public int RoiSize { get; init; } = 7;

    /// <summary>Ground-truth boxes the IoU-similarity probe visits at most (0: all).</summary>
    public int MaxBoxes { get; init; } = 1000;

    /// <summary>Images per forward pass.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Seed of the views, the RoIs and the linear probe.</summary>
    public long Seed { get; init; }

    /// <summary>Throws <see cref="DuprException"/> naming the first bad option.</summary>
    public void Validate()
    {
        if (CropSize < 8) throw new DuprException($"--crop-size: must be at least 8, got {CropSize}");
        if (!(Context >= 0 && Context <= 2)) throw new DuprException($"--context: must be in [0, 2], got {Context}");
        if (MaxObjects < 0) throw new DuprException($"--max-objects: must be 0 (all) or positive, got {MaxObjects}");
        if (K < 1) throw new DuprException($"--k: must be positive, got {K}");
        if (!(Temperature > 0 && double.IsFinite(Temperature))) throw new DuprException($"--temperature: must be positive, got {Temperature}");
        if (LinearEpochs < 1) throw new DuprException($"--linear-epochs: must be positive, got {LinearEpochs}");
        if (Pairs < 1) throw new DuprException($"--pairs: must be positive, got {Pairs}");
        if (ViewSize < 32) throw new DuprException($"--view-size: must be at least 32, got {ViewSize}");
        if (RoisPerBox < 1) throw new DuprException($"--rois-per-box: must be positive, got {RoisPerBox}");
        if (RoiSize < 1) throw new DuprException($"--roi-size: must be positive, got {RoiSize}");
        if (MaxBoxes < 0) throw new DuprException($"--max-boxes: must be 0 (all) or positive, got {MaxBoxes}");
        if (BatchSize < 1) throw new DuprException($"--batch-size: must be positive, got {BatchSize}");
    }
}
