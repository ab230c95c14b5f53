using Dupr.Core.Runtime;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Dupr.Benchmarks.Runner;

/// <summary>
/// A stage folder's bookkeeping: stage.json (its key) when it starts, done.json (its outputs) when it has finished. done.json
/// is written atomically and last, so its presence means every output of the stage is complete.
/// </summary>
public static class StageStore
{
    /// <summary>File names inside a stage folder.</summary>
    public const string KeyFile = "stage.json", DoneFile = "done.json";

    /// <summary>True when the stage finished with this very key and its outputs are still in place.</summary>
    public static bool IsDone(Stage stage) => ReadDone(stage) is { } done && (string?)done["hash"] == stage.Hash && stage.OutputsPresent();

    /// <summary>True when an earlier run started the stage and did not finish it (its trainers resume from their checkpoints).</summary>
    public static bool IsStarted(Stage stage) => File.Exists(Path.Combine(stage.Directory, KeyFile));

    /// <summary>Creates the folder and records the key.</summary>
    public static void Begin(Stage stage)
    {
        Directory.CreateDirectory(stage.Directory);
        var document = new JObject { ["name"] = stage.Name, ["hash"] = stage.Hash, ["key"] = stage.Key };
        AtomicFile.WriteAllText(Path.Combine(stage.Directory, KeyFile), document.ToString(Formatting.Indented) + "\n");
    }

    /// <summary>Marks the stage finished, with what it produced and how long it took.</summary>
    public static void Finish(Stage stage, JObject outputs, TimeSpan elapsed)
    {
        var document = new JObject
        {
            ["name"] = stage.Name, ["hash"] = stage.Hash, ["seconds"] = Math.Round(elapsed.TotalSeconds, 1),
            ["finished_utc"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ"), ["outputs"] = outputs,
        };
        AtomicFile.WriteAllText(Path.Combine(stage.Directory, DoneFile), document.ToString(Formatting.Indented) + "\n");
    }

    /// <summary>The outputs a finished stage recorded; throws <see cref="DuprException"/> when it has not finished.</summary>
    public static JObject Outputs(Stage stage) =>
        ReadDone(stage)?["outputs"] as JObject ?? throw new DuprException($"{stage.Name}: not finished ({Path.Combine(stage.Directory, DoneFile)} missing)");

    /// <summary>Seconds the stage took when it ran, or null when it has not finished.</summary>
    public static double? Seconds(Stage stage) => (double?)ReadDone(stage)?["seconds"];

    static JObject? ReadDone(Stage stage)
    {
        string path = Path.Combine(stage.Directory, DoneFile);
        if (!File.Exists(path)) return null;
        try
        {
            return JObject.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            Log.Warn($"{path}: unreadable ({e.Message}); the stage runs again");
            return null;
        }
    }
}
