using Dupr.Core.Config;
using Dupr.Core.Training;
using Dupr.Tests;

namespace Dupr.Core.Tests.Config;

public class ConfigLoaderTests
{
    [Fact]
    public void DefaultsComeFromTheClass()
    {
        var config = ConfigLoader.Load<SampleConfig>(null);
        Assert.Equal(50, config.Model.Depth);
        Assert.Equal([60000, 80000], config.Solver.Steps);
        Assert.Null(config.Model.Weights);
    }

    [Fact]
    public void ConfigsValidateOnParallelThreads()
    {
        // Configs load on parallel threads (xUnit runs test classes at once): the schema's reflection must be thread-safe.
        string[] sections = ["a", "b", "c", "d"];
        string json = "{" + string.Join(", ", sections.Select(s =>
            $$$"""
            "{{{s}}}": {"s0": null, "s1": "x", "s2": null, "s3": "y", "s4": null, "s5": null, "s6": null, "s7": "z",
              "l0": ["p"], "l1": null, "l2": [], "l3": null, "m0": {"k": "v"}, "m1": null,
              "model": {"weights": null}, "solver": {"seed": null}}
            """)) + "}";
        var token = Newtonsoft.Json.Linq.JObject.Parse(json);
        var errors = new System.Collections.Concurrent.ConcurrentBag<Exception>();
        var start = new Barrier(16); // all threads meet the schema's cold caches at once
        var threads = Enumerable.Range(0, 16).Select(_ => new Thread(() =>
        {
            var copy = token.DeepClone();
            start.SignalAndWait();
            try { ConfigSchema.Validate(copy, typeof(WideSampleConfig), "", "wide.json"); }
            catch (Exception e) { errors.Add(e); }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Empty(errors);
    }

    [Fact]
    public void BaseChainMergesObjectsAndReplacesLists()
    {
        using var temp = TestPaths.Temp();
        File.WriteAllText(temp.File("root.json"), """{"model": {"depth": 18, "out_features": ["res2", "res3"]}, "solver": {"base_lr": 0.1}}""");
        Directory.CreateDirectory(temp.File("sub"));
        File.WriteAllText(temp.File("sub/mid.json"), """{"_base_": "../root.json", "solver": {"steps": [10]}}""");
        File.WriteAllText(temp.File("sub/leaf.json"), """
            // comments are allowed
            {"_base_": "mid.json", "model": {"out_features": ["res5"]}, "solver": {"max_iter": 100}}
            """);

        var config = ConfigLoader.Load<SampleConfig>(temp.File("sub/leaf.json"));

        Assert.Equal(18, config.Model.Depth);             // from root
        Assert.Equal(["res5"], config.Model.OutFeatures); // leaf list replaces root list
        Assert.Equal(0.1, config.Solver.BaseLr);          // root
        Assert.Equal([10], config.Solver.Steps);          // mid, not appended to the default
        Assert.Equal(100, config.Solver.MaxIter);         // leaf
        Assert.Equal(SampleNorm.BN, config.Model.Norm);   // class default
    }

    [Fact]
    public void SeveralBasesApplyInOrder()
    {
        using var temp = TestPaths.Temp();
        File.WriteAllText(temp.File("a.json"), """{"name": "a", "model": {"depth": 18}}""");
        File.WriteAllText(temp.File("b.json"), """{"name": "b"}""");
        File.WriteAllText(temp.File("c.json"), """{"_base_": ["a.json", "b.json"]}""");
        var config = ConfigLoader.Load<SampleConfig>(temp.File("c.json"));
        Assert.Equal("b", config.Name);
        Assert.Equal(18, config.Model.Depth);
    }

    [Fact]
    public void BaseCycleAndMissingBaseAreErrors()
    {
        using var temp = TestPaths.Temp();
        File.WriteAllText(temp.File("x.json"), """{"_base_": "y.json"}""");
        File.WriteAllText(temp.File("y.json"), """{"_base_": "x.json"}""");
        File.WriteAllText(temp.File("z.json"), """{"_base_": "nope.json"}""");
        Assert.Contains("cycle", Assert.Throws<ConfigException>(() => ConfigLoader.Load<SampleConfig>(temp.File("x.json"))).Message);
        Assert.Contains("nope.json", Assert.Throws<ConfigException>(() => ConfigLoader.Load<SampleConfig>(temp.File("z.json"))).Message);
    }

    [Fact]
    public void OverridesSetNestedValuesOfEveryKind()
    {
        var config = ConfigLoader.Load<SampleConfig>(null,
        [
            "solver.base_lr=0.5", "solver.steps=1,2,3", "model.norm=gn", "model.out_features=[\"res3\",\"res4\"]",
            "name=run 7", "solver.amp=true", "solver.seed=3", "model.weights=w.pth", "weights.patch=0.7", "solver.max_iter=1e3",
        ]);
        Assert.Equal(0.5, config.Solver.BaseLr);
        Assert.Equal([1, 2, 3], config.Solver.Steps);
        Assert.Equal(SampleNorm.GN, config.Model.Norm);
        Assert.Equal(["res3", "res4"], config.Model.OutFeatures);
        Assert.Equal("run 7", config.Name);
        Assert.True(config.Solver.Amp);
        Assert.Equal(3, config.Solver.Seed);
        Assert.Equal("w.pth", config.Model.Weights);
        Assert.Equal(0.7, config.Weights["patch"]);
        Assert.Equal(1.0, config.Weights["image"]); // maps merge key by key with the default
        Assert.Equal(1000, config.Solver.MaxIter);
    }

    [Fact]
    public void OverridesBeatTheFile()
    {
        using var temp = TestPaths.Temp();
        File.WriteAllText(temp.File("c.json"), """{"solver": {"base_lr": 0.1, "seed": 5}}""");
        var config = ConfigLoader.Load<SampleConfig>(temp.File("c.json"), ["solver.base_lr=0.3", "solver.seed=null"]);
        Assert.Equal(0.3, config.Solver.BaseLr);
        Assert.Null(config.Solver.Seed);
    }

    [Theory]
    [InlineData("solver.base_lr=abc", "--set solver.base_lr: 'solver.base_lr' must be a number, got \"abc\"")]
    [InlineData("solver.max_iter=1.5", "'solver.max_iter' must be an integer, got 1.5")]
    [InlineData("solver.amp=yes", "'solver.amp' must be true or false")]
    [InlineData("model.norm=LN", "'model.norm' must be one of BN, FrozenBN, GN, got \"LN\"")]
    [InlineData("solver.steps=a,b", "'solver.steps[0]' must be an integer")]
    [InlineData("model.depth=null", "'model.depth' must be an integer, got null")]
    [InlineData("solver.base_lr", "expected key=value")]
    [InlineData("model.depth.x=1", "'model.depth' is an integer and has no key 'x'")]
    public void BadOverridesAreTypeErrors(string assignment, string message)
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load<SampleConfig>(null, [assignment]));
        Assert.Contains(message, error.Message);
    }

    [Theory]
    [InlineData("solver.base_lr=NaN", "--set solver.base_lr: 'solver.base_lr' must be a finite number, got NaN")]
    [InlineData("solver.base_lr=Infinity", "--set solver.base_lr: 'solver.base_lr' must be a finite number, got Infinity")]
    [InlineData("solver.base_lr=-Infinity", "--set solver.base_lr: 'solver.base_lr' must be a finite number, got -Infinity")]
    [InlineData("solver.base_lr=-0.5", "--set solver.base_lr: 'solver.base_lr' must be positive, got -0.5")]
    [InlineData("solver.base_lr=0", "--set solver.base_lr: 'solver.base_lr' must be positive, got 0")]
    [InlineData("solver.max_iter=-5", "--set solver.max_iter: 'solver.max_iter' must be 0 or more, got -5")]
    [InlineData("solver.steps=[10,-1]", "--set solver.steps: 'solver.steps[1]' must be 0 or more, got -1")]
    [InlineData("solver.seed=-2", "--set solver.seed: 'solver.seed' must be 0 or more, got -2")]
    [InlineData("solver.steps=25", "--set solver.steps: 'solver.steps' must be a list of integers, got 25; a list of one is written [25]")]
    public void OutOfRangeOverridesNameTheKey(string assignment, string message)
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load<SampleConfig>(null, [assignment]));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void OutOfRangeFileValuesNameTheFileAndKey()
    {
        using var temp = TestPaths.Temp();
        File.WriteAllText(temp.File("c.json"), """{"solver": {"base_lr": NaN}}""");
        Assert.Equal($"{temp.File("c.json")}: 'solver.base_lr' must be a finite number, got NaN",
            Assert.Throws<ConfigException>(() => ConfigLoader.Load<SampleConfig>(temp.File("c.json"))).Message);
        File.WriteAllText(temp.File("c.json"), """{"solver": {"steps": [5, -10]}}""");
        Assert.Equal($"{temp.File("c.json")}: 'solver.steps[1]' must be 0 or more, got -10",
            Assert.Throws<ConfigException>(() => ConfigLoader.Load<SampleConfig>(temp.File("c.json"))).Message);
    }

    [Fact]
    public void RangesDescribeThemselves()
    {
        Assert.Equal("positive", new ConfigRangeAttribute { Min = 0, MinExclusive = true }.Describe());
        Assert.Equal("at least 1", new ConfigRangeAttribute { Min = 1 }.Describe());
        Assert.Equal("in [0, 1]", new ConfigRangeAttribute { Min = 0, Max = 1 }.Describe());
        Assert.Equal("in [0, 1)", new ConfigRangeAttribute { Min = 0, Max = 1, MaxExclusive = true }.Describe());
        Assert.False(new ConfigRangeAttribute { Min = 0, Max = 1, MaxExclusive = true }.Contains(1));
    }

    [Fact]
    public void UnknownOverrideKeyListsTheValidKeys()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load<SampleConfig>(null, ["solver.bse_lr=0.1"]));
        Assert.Equal("--set solver.bse_lr: unknown key 'solver.bse_lr'; valid keys at 'solver': base_lr, max_iter, steps, amp, seed", error.Message);
    }

    [Fact]
    public void UnknownFileKeyNamesTheFileAndListsTheValidKeys()
    {
        using var temp = TestPaths.Temp();
        File.WriteAllText(temp.File("base.json"), """{"modle": {"depth": 18}}""");
        File.WriteAllText(temp.File("c.json"), """{"_base_": "base.json"}""");
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load<SampleConfig>(temp.File("c.json")));
        Assert.Equal($"{temp.File("base.json")}: unknown key 'modle'; valid keys at the top level: name, model, solver, weights", error.Message);
    }

    [Fact]
    public void FileTypeErrorNamesTheKey()
    {
        using var temp = TestPaths.Temp();
        File.WriteAllText(temp.File("c.json"), """{"model": {"out_features": "res4"}}""");
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load<SampleConfig>(temp.File("c.json")));
        Assert.Contains("'model.out_features' must be a list of strings, got \"res4\"", error.Message);
    }

    [Fact]
    public void InvalidJsonAndMissingFileNameTheFile()
    {
        using var temp = TestPaths.Temp();
        File.WriteAllText(temp.File("bad.json"), """{"model": {"depth": 18,}""");
        Assert.StartsWith($"{temp.File("bad.json")}: invalid JSON", Assert.Throws<ConfigException>(() => ConfigLoader.Load<SampleConfig>(temp.File("bad.json"))).Message);
        Assert.Contains("not found", Assert.Throws<ConfigException>(() => ConfigLoader.Load<SampleConfig>(temp.File("none.json"))).Message);
    }

    [Fact]
    public void ResumingWithAnotherConfigNamesTheKeysThatDiffer()
    {
        using var temp = TestPaths.Temp();
        RunDirectory.Create(temp.Path, ConfigLoader.Load<SampleConfig>(null, ["solver.base_lr=0.02"]));
        var changed = ConfigLoader.Load<SampleConfig>(null, ["solver.base_lr=0.01", "model.out_features=res3,res4"]);
        var error = Assert.Throws<Dupr.Core.Runtime.DuprException>(() => RunDirectory.OpenForTraining(temp.Path, changed, resume: true, hasCheckpoints: true));
        Assert.Equal($"--resume: the config differs from the run's {Path.Combine(temp.Path, RunDirectory.ConfigFileName)} in " +
                     "model.out_features ([\"res4\"] before, [\"res3\",\"res4\"] now), solver.base_lr (0.02 before, 0.01 now); " +
                     "resume with that config (or a new --output)", error.Message);
    }

    [Fact]
    public void RunDirectoryHoldsTheResolvedConfigWhichLoadsBackTheSame()
    {
        using var temp = TestPaths.Temp();
        var config = ConfigLoader.Load<SampleConfig>(null, ["model.depth=18", "solver.steps=5,6"]);
        var run = RunDirectory.Create(temp.File("run"), config);
        string written = run.PathOf(RunDirectory.ConfigFileName);
        Assert.Contains("\"base_lr\": 0.02", File.ReadAllText(written));
        var reloaded = ConfigLoader.Load<SampleConfig>(written);
        Assert.Equal(ConfigLoader.Serialize(config), ConfigLoader.Serialize(reloaded));
    }
}
