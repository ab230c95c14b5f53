namespace Dupr.Benchmarks.Performance;

/// <summary>What `dupr bench loader` measures and on which data.</summary>
public sealed record LoaderBenchmarkOptions
{
    /// <summary>A folder of images for the pre-training rows; null generates two synthetic worlds (default 128 px, and ImageNet-like 448 px) in a temporary folder.</summary>
    public string? Data { get; init; }

    /// <summary>A COCO instances file for the detection row (with <see cref="CocoImages"/>); null uses a generated synthetic world's COCO train split.</summary>
    public string? CocoJson { get; init; }

    /// <summary>The image folder of <see cref="CocoJson"/>.</summary>
    public string? CocoImages { get; init; }

    /// <summary>Loader worker threads.</summary>
    public int Workers { get; init; } = 2;

    /// <summary>Pre-training samples per batch (also the ResNet-18 step's batch).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Detection images per batch (detectron2: 2 per GPU).</summary>
    public int DetectionBatchSize { get; init; } = 4;

    /// <summary>Timed pre-training batches per loader measurement (after one warm-up batch); detection times as many images.</summary>
    public int Batches { get; init; } = 8;

    /// <summary>Timed ResNet-18 training steps per size (after one warm-up step); 0 skips the consumption rows.</summary>
    public int TrainSteps { get; init; } = 3;

    /// <summary>Seed of the loaders and of the synthetic worlds.</summary>
    public long Seed { get; init; }

    /// <summary>Skip unreadable images in <see cref="Data"/> (counted and reported) instead of stopping.</summary>
    public bool SkipBad { get; init; }

    /// <summary>Throws <see cref="Core.Runtime.DuprException"/> naming the first bad option.</summary>
    public void Validate()
    {
        if (Workers < 0) throw new Core.Runtime.DuprException($"--workers: must be non-negative, got {Workers}");
        if (BatchSize < 1) throw new Core.Runtime.DuprException($"--batch-size: must be at least 1, got {BatchSize}");
        if (DetectionBatchSize < 1) throw new Core.Runtime.DuprException($"--detection-batch-size: must be at least 1, got {DetectionBatchSize}");
        if (Batches < 1) throw new Core.Runtime.DuprException($"--batches: must be at least 1, got {Batches}");
        if ((CocoJson == null) != (CocoImages == null)) throw new Core.Runtime.DuprException("--coco-json and --coco-images go together: give both or neither");
        if (TrainSteps < 0) throw new Core.Runtime.DuprException($"--train-steps: must be non-negative, got {TrainSteps}");
    }
}
