using Dupr.Benchmarks.Probes;
using Dupr.Benchmarks.Suites;
using Dupr.Core.Config;
using Dupr.Core.Runtime;
using Dupr.Detection.Config;
using Dupr.Pretrain.Config;
using Newtonsoft.Json.Linq;

namespace Dupr.Benchmarks.Runner;

/// <summary>
/// The stages of a suite in run order: the synthetic world, the pre-trainings, then per seed every fine-tuning x pre-training
/// followed by its evaluation. Keys chain: a stage's key holds its inputs' hashes, so changing a pre-training's recipe
/// reruns its fine-tunings and evaluations and nothing else. Entries with equal keys share one stage (the paper's ablation
/// tables list some runs twice, e.g. Table 7 (a) RoI 7 and (b) beta 0,0,0,1).
/// </summary>
public sealed class SuitePlan
{
    /// <summary>The folder under the output directory that holds one folder per stage.</summary>
    public const string StagesFolder = "stages";

    /// <summary>The suite planned.</summary>
    public Suite Suite { get; }

    /// <summary>The run's output directory (full path).</summary>
    public string Output { get; }

    /// <summary>The folder of stage folders (full path): Output/stages unless the run shares another one.</summary>
    public string StagesRoot { get; }

    /// <summary>Every stage that could be planned, in run order, each once.</summary>
    public IReadOnlyList<Stage> Stages { get; }

    /// <summary>The suite's pre-trainings that run a pre-training stage, with it.</summary>
    public IReadOnlyList<PlannedPretraining> Pretrainings { get; }

    /// <summary>Every planned (fine-tuning, pre-training, seed) with its evaluation stage, in run order.</summary>
    public IReadOnlyList<PlannedEvaluation> Evaluations { get; }

    /// <summary>The probe stages: random init once per seed, every other initialisation once.</summary>
    public IReadOnlyList<PlannedProbe> Probes { get; }

    /// <summary>Why some stages could not be planned (a config that does not load, and what depends on it); a run refuses to start while any.</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>Inputs from outside the suite that are not there (--data, weights files); a run refuses to start while any.</summary>
    public IReadOnlyList<string> MissingInputs { get; }

    SuitePlan(Suite suite, string output, string stagesRoot, IReadOnlyList<Stage> stages, IReadOnlyList<PlannedPretraining> pretrainings,
              IReadOnlyList<PlannedEvaluation> evaluations, IReadOnlyList<PlannedProbe> probes, IReadOnlyList<string> problems, IReadOnlyList<string> missing)
    {
        Probes = probes;
        Suite = suite;
        Output = output;
        StagesRoot = stagesRoot;
        Stages = stages;
        Pretrainings = pretrainings;
        Evaluations = evaluations;
        Problems = problems;
        MissingInputs = missing;
    }

    /// <summary>
    /// Plans <paramref name="suite"/> into <paramref name="output"/>; <paramref name="data"/>: the data folder (--data), or null for
    /// the default; <paramref name="stages"/>: the stage folder to use instead of output/stages (suites sharing one reuse each other's stages).
    /// </summary>
    public static SuitePlan Build(Suite suite, string output, string? data, string? stages = null) =>
        new Builder(suite, Path.GetFullPath(output), Path.GetFullPath(stages ?? Path.Combine(output, StagesFolder)), data).Build();

    sealed class Builder(Suite suite, string output, string stagesRoot, string? data)
    {
        readonly SuiteSpec _spec = suite.Spec;
        readonly List<Stage> _stages = [];
        readonly Dictionary<string, Stage> _byHash = [];
        readonly List<PlannedPretraining> _pretrainings = [];
        readonly List<PlannedEvaluation> _evaluations = [];
        readonly List<PlannedProbe> _probes = [];
        readonly List<string> _problems = [];
        readonly List<string> _missing = [];
        string? _root;
        string _dataToken = "";
        Stage[] _data = [];

        public SuitePlan Build()
        {
            PlanData();
            DetectionConfig? probeConfig = _spec.Probes is { } probes ? ProbeConfig(probes) : null;
            var pretrains = new Dictionary<string, PretrainStage>();
            foreach (var p in _spec.Pretrainings.Where(p => p.Init == PretrainingInit.Pretrain))
                if (PlanPretrain(p, probeConfig) is { } stage) pretrains[p.Name] = stage;
            var inits = _spec.Pretrainings.ToDictionary(p => p.Name, p => Init(p, pretrains));
            if (probeConfig != null) PlanProbes(_spec.Probes!, probeConfig, inits, pretrains);

            var broken = new HashSet<string>();
            int blocked = 0;
            foreach (long seed in _spec.Seeds)
            foreach (var f in _spec.Finetunings)
            foreach (var p in _spec.Pretrainings)
            {
                if (inits[p.Name] is not { } init)
                {
                    blocked++;
                    continue;
                }
                DetectionConfig config;
                try
                {
                    config = ConfigLoader.Load<DetectionConfig>(suite.Resolve(f.Config), f.Set);
                    config.Validate();
                }
                catch (DuprException e)
                {
                    if (broken.Add(f.Name)) _problems.Add($"finetuning '{f.Name}': {e.Message}");
                    blocked++;
                    continue;
                }
                config.Train.Seed = seed;
                PlanFinetune(f, p, seed, config, init, InitNeeds(p, pretrains));
            }
            if (blocked > 0) _problems.Add($"{blocked} fine-tuning stage(s) (and their evaluations) depend on the above and cannot be planned");
            return new SuitePlan(suite, output, stagesRoot, _stages, _pretrainings, _evaluations, _probes, _problems, _missing);
        }

        void PlanData()
        {
            if (_spec.Data.Synthetic is { } options)
            {
                var key = new JObject { ["stage"] = "data", ["synthetic"] = StageKey.Config(options) };
                string hash = StageKey.Hash(key);
                string folder = Folder("data", hash);
                _root = data != null ? Path.GetFullPath(data) : Path.Combine(folder, "world");
                _dataToken = hash;
                _data = [Add(new DataStage
                {
                    Name = "data", Description = $"synthetic world ({options.Train} train, {options.Val} val, {options.Unlabeled} unlabeled images) in {_root}",
                    Key = key, Hash = hash, Directory = folder, Options = options, Root = _root,
                })];
            }
            else if (data != null)
            {
                _root = Path.GetFullPath(data);
                if (!Directory.Exists(_root)) _missing.Add($"--data {data}: no such folder");
                _dataToken = _root; // real datasets are identified by where they are, not hashed (hundreds of GB)
            }
            else
            {
                _missing.Add("--data: the suite uses real datasets; pass the folder that holds them");
                _dataToken = "(--data)";
            }
        }

        string UnderData(string relative) => _root != null ? Path.GetFullPath(relative, _root) : $"<--data>/{relative}";

        string Folder(string name, string hash) => Path.Combine(stagesRoot, $"{name}-{hash}");

        // The stage planned first for this key, so that equal entries share it.
        T Add<T>(T stage) where T : Stage
        {
            if (_byHash.TryGetValue(stage.Hash, out var existing)) return (T)existing;
            _byHash[stage.Hash] = stage;
            _stages.Add(stage);
            return stage;
        }

        // The probes' detection recipe (labeled set, backbone shape), or null with a problem recorded.
        DetectionConfig? ProbeConfig(SuiteProbeSpec spec)
        {
            try
            {
                var config = ConfigLoader.Load<DetectionConfig>(suite.Resolve(spec.Config), spec.Set);
                config.Validate();
                return config;
            }
            catch (DuprException e)
            {
                _problems.Add($"probes: {e.Message}");
                return null;
            }
        }

        PretrainStage? PlanPretrain(PretrainingSpec p, DetectionConfig? probeConfig)
        {
            PretrainConfig config;
            try
            {
                config = ConfigLoader.Load<PretrainConfig>(suite.Resolve(p.Config!), p.Set);
            }
            catch (DuprException e)
            {
                _problems.Add($"pretraining '{p.Name}': {e.Message}");
                return null;
            }
            var key = new JObject
            {
                ["stage"] = "pretrain", ["config"] = StageKey.Config(config), ["seed"] = p.Seed,
                ["data"] = _dataToken, ["images"] = _spec.Data.Unlabeled,
            };
            string hash = StageKey.Hash(key), name = $"pretrain-{p.Name}";
            var stage = Add(new PretrainStage
            {
                Name = name, Description = $"pre-train {p.Name} ({Path.GetFileName(p.Config)}{Overrides(p.Set)}, seed {p.Seed})",
                Key = key, Hash = hash, Directory = Folder(name, hash), Seed = p.Seed, Config = config, Images = UnderData(_spec.Data.Unlabeled), Needs = _data,
                ProbeSet = config.Train.ProbePeriod > 0 && probeConfig != null ? new LabeledSet(probeConfig, UnderData(_spec.Data.Detection)) : null,
            });
            if (config.Train.ProbePeriod > 0 && probeConfig == null && _spec.Probes == null)
                _problems.Add($"pretraining '{p.Name}': train.probe_period needs the suite's probes section (it names the labeled set the kNN monitor uses)");
            _pretrainings.Add(new PlannedPretraining(p, stage));
            return stage;
        }

        // The key part and weights file of an initialisation; null when its pre-training cannot be planned.
        (JObject Key, string? Weights)? Init(PretrainingSpec p, Dictionary<string, PretrainStage> pretrains)
        {
            switch (p.Init)
            {
                case PretrainingInit.Random:
                    return (new JObject { ["init"] = "random" }, null);
                case PretrainingInit.Pretrain:
                    return pretrains.TryGetValue(p.Name, out var stage) ? (new JObject { ["init"] = "pretrain", ["stage"] = stage.Hash }, stage.Backbone) : null;
                default:
                    string path = Path.IsPathRooted(p.Weights!) ? p.Weights! : UnderData(p.Weights!);
                    bool present = File.Exists(path);
                    if (!present) _missing.Add($"pretraining '{p.Name}': weights file {path} not found");
                    // The file's bytes identify it; a missing file is keyed by name until it is there (a run refuses to start meanwhile).
                    return (new JObject { ["init"] = "weights", ["sha256"] = present ? StageKey.FileSha256(path) : null, ["file"] = Path.GetFileName(path) }, path);
            }
        }

        // Random init varies with the seed, so it is probed once per seed; a pre-trained or given backbone is one network, probed once.
        // The stages an initialisation needs: the data, and its pre-training if it has one.
        Stage[] InitNeeds(PretrainingSpec p, Dictionary<string, PretrainStage> pretrains) =>
            pretrains.TryGetValue(p.Name, out var stage) ? [.. _data, stage] : _data;

        void PlanProbes(SuiteProbeSpec spec, DetectionConfig config, Dictionary<string, (JObject Key, string? Weights)?> inits,
                        Dictionary<string, PretrainStage> pretrains)
        {
            var options = new ProbeOptions { ViewSize = spec.ViewSize, Pairs = spec.Pairs, MaxBoxes = spec.MaxBoxes, MaxObjects = spec.MaxObjects };
            foreach (var p in _spec.Pretrainings)
            {
                if (inits[p.Name] is not { } init) continue;
                foreach (long seed in p.Init == PretrainingInit.Random ? _spec.Seeds : [_spec.Seeds[0]])
                {
                    var key = new JObject
                    {
                        ["stage"] = "probe", ["config"] = StageKey.Config(config), ["data"] = _dataToken, ["detection"] = _spec.Data.Detection,
                        ["init"] = init.Key, ["seed"] = seed, ["probes"] = JArray.FromObject(spec.Probes), ["options"] = StageKey.Config(options),
                    };
                    string hash = StageKey.Hash(key), name = $"probe-{p.Name}-s{seed}";
                    var stage = Add(new ProbeStage
                    {
                        Name = name, Description = $"probe {p.Name} ({string.Join(", ", spec.Probes)}), seed {seed}",
                        Key = key, Hash = hash, Directory = Folder(name, hash), Config = config, Data = UnderData(_spec.Data.Detection),
                        Weights = init.Weights, Seed = seed, Probes = spec.Probes, Options = options with { Seed = seed }, Needs = InitNeeds(p, pretrains),
                    });
                    _probes.Add(new PlannedProbe(p, seed, stage));
                }
            }
        }

        void PlanFinetune(FinetuningSpec f, PretrainingSpec p, long seed, DetectionConfig config, (JObject Key, string? Weights) init, Stage[] needs)
        {
            string detection = f.Data ?? _spec.Data.Detection;
            var key = new JObject
            {
                ["stage"] = "finetune", ["config"] = StageKey.Config(config), ["data"] = _dataToken,
                ["detection"] = detection, ["init"] = init.Key,
            };
            string hash = StageKey.Hash(key), name = $"finetune-{f.Name}-{p.Name}-s{seed}";
            var finetune = Add(new FinetuneStage
            {
                Name = name, Description = $"fine-tune {f.Name} ({Path.GetFileName(f.Config)}{Overrides(f.Set)}) from {p.Name}, seed {seed}",
                Key = key, Hash = hash, Directory = Folder(name, hash), Seed = seed, Config = config,
                Data = UnderData(detection), Weights = init.Weights, Needs = needs,
            });

            var evalKey = new JObject
            {
                ["stage"] = "evaluate", ["finetune"] = hash, ["metrics"] = JArray.FromObject(f.Metrics), ["coco_gt"] = f.CocoGt,
            };
            string evalHash = StageKey.Hash(evalKey), evalName = $"evaluate-{f.Name}-{p.Name}-s{seed}";
            var evaluate = Add(new EvaluateStage
            {
                Name = evalName, Description = $"evaluate {f.Name} from {p.Name}, seed {seed}: {string.Join(", ", f.Metrics)}",
                Key = evalKey, Hash = evalHash, Directory = Folder(evalName, evalHash), Finetune = finetune,
                Metrics = Suite.MetricsOf(f), CocoGt = f.CocoGt is string gt ? UnderData(Path.Combine(detection, gt)) : null, Needs = [finetune],
            });
            _evaluations.Add(new PlannedEvaluation(f, p, seed, evaluate));
        }

        static string Overrides(List<string> set) => set.Count == 0 ? "" : " --set " + string.Join(" ", set);
    }
}
