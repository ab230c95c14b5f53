using Newtonsoft.Json.Linq;

namespace Dupr.Benchmarks.Runner;

/// <summary>
/// One unit of a suite run (data, pre-training, fine-tuning, evaluation). Its <see cref="Key"/> holds everything its result
/// depends on (resolved config, seed, the hashes of its inputs); it runs in <see cref="Directory"/>, named by the key's hash.
/// </summary>
public abstract record Stage
{
    /// <summary>Readable identifier, e.g. "finetune-voc_c4-dupr-s1"; the folder name starts with it.</summary>
    public required string Name { get; init; }

    /// <summary>One line for progress and --dry-run, e.g. "fine-tune voc_c4 from dupr, seed 1".</summary>
    public required string Description { get; init; }

    /// <summary>Everything the stage's result depends on, as canonical JSON.</summary>
    public required JObject Key { get; init; }

    /// <summary>Hash of <see cref="Key"/> (<see cref="StageKey.Hash"/>).</summary>
    public required string Hash { get; init; }

    /// <summary>The stage's folder: DIR/stages/&lt;name&gt;-&lt;hash&gt;.</summary>
    public required string Directory { get; init; }

    /// <summary>The stages whose outputs this one reads: they must finish first (`dupr bench run --jobs` runs the others alongside).</summary>
    public IReadOnlyList<Stage> Needs { get; init; } = [];

    /// <summary>True when the files later stages read are in place (checked beside the done marker, so a deleted output reruns its stage).</summary>
    public abstract bool OutputsPresent();
}
