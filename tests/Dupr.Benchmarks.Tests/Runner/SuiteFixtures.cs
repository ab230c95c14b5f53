using Dupr.Benchmarks.Suites;
using Dupr.Tests;
using Newtonsoft.Json.Linq;

namespace Dupr.Benchmarks.Tests.Runner;

/// <summary>The suites the runner tests plan: the tiny test suite, and edited copies of it.</summary>
public static class SuiteFixtures
{
    /// <summary>tests/fixtures/suites/tiny.json.</summary>
    public static string TinyPath => Path.Combine(TestPaths.Fixtures, "suites", "tiny.json");

    /// <summary>The tiny suite, loaded.</summary>
    public static Suite Tiny() => Suite.Load(TinyPath);

    /// <summary>A copy of the tiny suite in <paramref name="temp"/> with <paramref name="edit"/> applied to its text (config paths made absolute).</summary>
    public static Suite Edited(TempDirectory temp, Func<string, string> edit)
    {
        string configs = Path.Combine(TestPaths.RepoRoot, "configs") + "/";
        string text = edit(File.ReadAllText(TinyPath)).Replace("../../../configs/", configs);
        string path = temp.File($"tiny-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, text);
        return Suite.Load(path);
    }

    /// <summary>A copy of the tiny suite in <paramref name="temp"/> with <paramref name="edit"/> applied to its JSON.</summary>
    public static Suite EditedJson(TempDirectory temp, Action<JObject> edit) => Edited(temp, text =>
    {
        var json = JObject.Parse(text);
        edit(json);
        return json.ToString();
    });
}
