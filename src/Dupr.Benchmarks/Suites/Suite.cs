using System.Text.RegularExpressions;
using Dupr.Core.Config;
using Dupr.Core.Runtime;

namespace Dupr.Benchmarks.Suites;

/// <summary>A loaded suite file: its <see cref="SuiteSpec"/>, checked for internal consistency, and where it lives (paths resolve from there).</summary>
public sealed partial class Suite
{
    /// <summary>The suite as written (with "_base_" merged and defaults filled in).</summary>
    public SuiteSpec Spec { get; }

    /// <summary>The suite file's full path.</summary>
    public string Path { get; }

    Suite(SuiteSpec spec, string path)
    {
        Spec = spec;
        Path = path;
    }

    /// <summary>The suite's name.</summary>
    public string Name => Spec.Name;

    /// <summary>
    /// Reads <paramref name="path"/> (comments and "_base_" allowed, unknown keys rejected) and checks what needs no other file:
    /// names, init kinds, seeds, references, metric names and the paper blocks' metric mapping.
    /// </summary>
    public static Suite Load(string path)
    {
        if (!File.Exists(path)) throw new DuprException($"--suite {path}: no such file");
        var suite = new Suite(ConfigLoader.Load<SuiteSpec>(path), System.IO.Path.GetFullPath(path));
        suite.Check();
        return suite;
    }

    /// <summary>
    /// The suite as a run sees it: <see cref="Load(string)"/>, with <paramref name="seeds"/> ("3,4,5") in place of its fine-tuning
    /// seeds and <paramref name="pretrainSeed"/> in place of every pre-training's seed when given (an independent run).
    /// </summary>
    public static Suite Load(string path, string? seeds, long? pretrainSeed)
    {
        var loaded = Load(path);
        if (seeds != null) loaded.Spec.Seeds = ParseSeeds(seeds);
        if (pretrainSeed is { } seed)
        {
            if (seed < 0) throw new DuprException($"--pretrain-seed must be non-negative, got {seed}");
            foreach (var p in loaded.Spec.Pretrainings) p.Seed = seed;
        }
        return loaded;
    }

    static List<long> ParseSeeds(string text)
    {
        var parsed = text.Split(',', StringSplitOptions.TrimEntries).Select(t => long.TryParse(t, out long v) && v >= 0 ? v : -1).ToList();
        if (parsed.Count == 0 || parsed.Any(v => v < 0) || parsed.Distinct().Count() != parsed.Count)
            throw new DuprException($"--seeds: expected distinct non-negative integers separated by commas, got '{text}'");
        return parsed;
    }

    /// <summary>A path written in the suite, made absolute against the suite file's folder.</summary>
    public string Resolve(string relative) => System.IO.Path.GetFullPath(relative, System.IO.Path.GetDirectoryName(Path)!);

    /// <summary>The metrics a fine-tuning collects, parsed.</summary>
    public static IReadOnlyList<MetricKey> MetricsOf(FinetuningSpec finetuning) => finetuning.Metrics.Select(MetricKey.Parse).ToList();

    void Check()
    {
        var s = Spec;
        string file = System.IO.Path.GetFileName(Path);
        DuprException Bad(string what) => new($"{file}: {what}");

        if (!Identifier().IsMatch(s.Name)) throw Bad($"name '{s.Name}' must be lower case letters, digits, '_' or '-'");
        if (s.Pretrainings.Count == 0) throw Bad("pretrainings is empty");
        if (s.Finetunings.Count == 0) throw Bad("finetunings is empty");
        if (s.Seeds.Count == 0 || s.Seeds.Any(seed => seed < 0) || s.Seeds.Distinct().Count() != s.Seeds.Count)
            throw Bad($"seeds must be distinct non-negative integers, got [{string.Join(", ", s.Seeds)}]");
        CheckNames(s.Pretrainings.Select(p => p.Name), "pretrainings", Bad);
        CheckNames(s.Finetunings.Select(f => f.Name), "finetunings", Bad);
        var names = s.Pretrainings.Select(p => p.Name).ToHashSet();
        foreach (string reference in s.References)
            if (!names.Contains(reference)) throw Bad($"references: '{reference}' is not a pre-training name ({string.Join(", ", names)})");

        foreach (var p in s.Pretrainings)
        {
            string where = $"pretraining '{p.Name}'";
            switch (p.Init)
            {
                case PretrainingInit.Pretrain when string.IsNullOrEmpty(p.Config):
                    throw Bad($"{where}: init pretrain needs a config");
                case PretrainingInit.Weights when string.IsNullOrEmpty(p.Weights):
                    throw Bad($"{where}: init weights needs a weights file");
                case not PretrainingInit.Pretrain when p.Config != null || p.Set.Count > 0:
                    throw Bad($"{where}: config and set apply to init pretrain only");
                case not PretrainingInit.Weights when p.Weights != null:
                    throw Bad($"{where}: weights applies to init weights only");
            }
            if (p.Paper is { } paper && paper.Method.Length == 0) throw Bad($"{where}: paper.method is empty");
        }

        CheckClaims(names, Bad);
        foreach (var f in s.Finetunings)
        {
            string where = $"finetuning '{f.Name}'";
            if (f.Config.Length == 0) throw Bad($"{where}: config is empty");
            if (f.Metrics.Count == 0) throw Bad($"{where}: metrics is empty");
            foreach (string metric in f.Metrics)
            {
                try
                {
                    MetricKey.Parse(metric);
                }
                catch (DuprException e)
                {
                    throw Bad($"{where}: {e.Message}");
                }
            }
            foreach (var block in f.Paper)
            {
                string at = $"{where}: paper block {block.Table} {block.Part} '{block.Setting}'";
                if (block.Table.Length == 0 || block.Setting.Length == 0) throw Bad($"{at}: table and setting are required");
                if (block.Metrics.Count == 0) throw Bad($"{at}: metrics is empty");
                foreach (string ours in block.Metrics.Keys)
                    if (!f.Metrics.Contains(ours)) throw Bad($"{at}: metric '{ours}' is not in the fine-tuning's metrics");
                foreach (string name in block.Pretrainings)
                    if (!names.Contains(name)) throw Bad($"{at}: pretraining '{name}' is not defined");
            }
        }
    }

    void CheckClaims(HashSet<string> names, Func<string, DuprException> bad)
    {
        var s = Spec;
        var targets = s.Finetunings.ToDictionary(f => f.Name, f => (IReadOnlyCollection<string>)f.Metrics);
        if (s.Probes is { } probes)
        {
            if (probes.Config.Length == 0) throw bad("probes: config is empty");
            foreach (string probe in probes.Probes)
                if (!Probes.BackboneProbes.All.Contains(probe)) throw bad($"probes: unknown probe '{probe}'; valid: {string.Join(", ", Probes.BackboneProbes.All)}");
            if (targets.ContainsKey(SuiteProbeSpec.ResultsName)) throw bad($"finetunings: '{SuiteProbeSpec.ResultsName}' names the probe rows; rename the fine-tuning");
        }
        foreach (var c in s.Claims)
        {
            string where = $"claim '{c.Better} > {c.Than} on {c.On}'";
            foreach (string name in new[] { c.Better, c.Than })
                if (!names.Contains(name)) throw bad($"{where}: '{name}' is not a pre-training name ({string.Join(", ", names)})");
            if (c.Better == c.Than) throw bad($"{where}: compares a pre-training with itself");
            bool probe = c.On == SuiteProbeSpec.ResultsName && s.Probes != null;
            if (!probe && !targets.TryGetValue(c.On, out var metrics)) throw bad($"{where}: on must be a fine-tuning name{(s.Probes != null ? " or 'probe'" : "")}");
            if (c.MinGain.Count == 0) throw bad($"{where}: min_gain names no metric");
            foreach (var (metric, gain) in c.MinGain)
            {
                if (!probe && !targets[c.On].Contains(metric)) throw bad($"{where}: metric '{metric}' is not collected by fine-tuning '{c.On}'");
                if (!double.IsFinite(gain)) throw bad($"{where}: min_gain of {metric} must be a number");
            }
            if (!(c.MinStandardErrors >= 0)) throw bad($"{where}: min_standard_errors must be non-negative");
        }
        foreach (var c in s.Comparisons)
            foreach (string name in new[] { c.A, c.B })
                if (!names.Contains(name)) throw bad($"comparison '{c.A} vs {c.B}': '{name}' is not a pre-training name");
    }

    static void CheckNames(IEnumerable<string> names, string key, Func<string, DuprException> bad)
    {
        var seen = new HashSet<string>();
        foreach (string name in names)
        {
            if (!Identifier().IsMatch(name)) throw bad($"{key}: name '{name}' must be lower case letters, digits, '_' or '-'");
            if (!seen.Add(name)) throw bad($"{key}: name '{name}' appears twice");
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]*$")]
    private static partial Regex Identifier();
}
