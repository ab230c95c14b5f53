using Dupr.Core.Runtime;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Dupr.Core.Config;

/// <summary>
/// Loads typed configs: defaults come from the C# class, a JSON file (with "_base_" inheritance)
/// overrides them, and `--set a.b.c=value` assignments override the file.
/// </summary>
public static class ConfigLoader
{
    /// <summary>The key that names the file(s) a config inherits from, relative to it.</summary>
    public const string BaseKey = "_base_";

    /// <summary>Loads <typeparamref name="T"/> from <paramref name="path"/> (null: defaults only) and applies overrides.</summary>
    public static T Load<T>(string? path, IEnumerable<string>? overrides = null) where T : class, new()
    {
        JObject merged = path == null ? new JObject() : ReadWithBases(typeof(T), path, new List<string>());
        foreach (string assignment in overrides ?? [])
            ApplyOverride(merged, typeof(T), assignment);
        try
        {
            // Start from the class defaults as JSON so that maps merge with them the same way files do.
            var serializer = JsonSerializer.Create(ConfigSchema.Settings);
            JObject resolved = JObject.FromObject(new T(), serializer);
            Merge(resolved, merged);
            return resolved.ToObject<T>(serializer)!;
        }
        catch (JsonException e)
        {
            throw new ConfigException($"{path ?? "--set"}: {e.Message}");
        }
    }

    /// <summary>Parses one `a.b.c=value` assignment, checks it against the schema and writes it into <paramref name="root"/>.</summary>
    public static void ApplyOverride(JObject root, Type schema, string assignment)
    {
        int equals = assignment.IndexOf('=');
        if (equals <= 0) throw new ConfigException($"--set {assignment}: expected key=value, e.g. solver.base_lr=0.02");
        string key = assignment[..equals].Trim();
        string text = assignment[(equals + 1)..].Trim();
        string source = $"--set {key}";
        string[] parts = key.Split('.');
        if (parts.Any(string.IsNullOrEmpty)) throw new ConfigException($"{source}: empty key segment in '{key}'");
        var (type, nullable, range) = ConfigSchema.Resolve(schema, parts, source);
        JToken value = ParseValue(text, type);
        ConfigSchema.Validate(value, type, key, source, nullable, range);

        JObject section = root;
        foreach (string part in parts[..^1])
        {
            if (section[part] is not JObject child)
            {
                child = new JObject();
                section[part] = child;
            }
            section = child;
        }
        section[parts[^1]] = value;
    }

    /// <summary>The resolved config as indented JSON (snake_case keys), as written into run directories.</summary>
    public static string Serialize(object config) => JsonConvert.SerializeObject(config, ConfigSchema.Settings);

    /// <summary>Writes the resolved config atomically to <paramref name="path"/>.</summary>
    public static void Save(object config, string path) => AtomicFile.WriteAllText(path, Serialize(config) + "\n");

    /// <summary>Reads a config file merged over its "_base_" chain, checking each file against the schema.</summary>
    public static JObject ReadWithBases(Type schema, string path, List<string> chain)
    {
        string full = Path.GetFullPath(path);
        if (chain.Contains(full))
            throw new ConfigException($"{path}: {BaseKey} cycle: {string.Join(" -> ", chain.Append(full).Select(Path.GetFileName))}");
        JObject own = ReadObject(path);
        var merged = new JObject();
        if (own[BaseKey] is JToken baseToken)
        {
            own.Remove(BaseKey);
            string[] bases = baseToken.Type switch
            {
                JTokenType.String => [(string)baseToken!],
                JTokenType.Array when baseToken.All(t => t.Type == JTokenType.String) => baseToken.Select(t => (string)t!).ToArray(),
                _ => throw new ConfigException($"{path}: '{BaseKey}' must be a file name or a list of file names"),
            };
            chain.Add(full);
            foreach (string basePath in bases)
            {
                string resolved = Path.Combine(Path.GetDirectoryName(full)!, basePath);
                if (!File.Exists(resolved)) throw new ConfigException($"{path}: {BaseKey} file not found: {resolved}");
                Merge(merged, ReadWithBases(schema, resolved, chain));
            }
            chain.RemoveAt(chain.Count - 1);
        }
        ConfigSchema.Validate(own, schema, "", path);
        Merge(merged, own);
        return merged;
    }

    static JObject ReadObject(string path)
    {
        if (!File.Exists(path)) throw new ConfigException($"{path}: config file not found");
        try
        {
            using var reader = new JsonTextReader(File.OpenText(path));
            JToken token = JToken.ReadFrom(reader, new JsonLoadSettings { CommentHandling = CommentHandling.Ignore, DuplicatePropertyNameHandling = DuplicatePropertyNameHandling.Error });
            return token as JObject ?? throw new ConfigException($"{path}: a config must be a JSON object");
        }
        catch (JsonReaderException e)
        {
            throw new ConfigException($"{path}: invalid JSON: {e.Message}");
        }
    }

    // Objects merge key by key; lists and values replace.
    static void Merge(JObject target, JObject source) =>
        target.Merge(source, new JsonMergeSettings { MergeArrayHandling = MergeArrayHandling.Replace, MergeNullValueHandling = MergeNullValueHandling.Merge });

    static JToken ParseValue(string text, Type type)
    {
        Type bare = Nullable.GetUnderlyingType(type) ?? type;
        bool textual = bare == typeof(string) || bare.IsEnum;
        if (textual && !(text.StartsWith('"') && text.EndsWith('"') && text.Length >= 2) && text != "null")
            return new JValue(text);
        if (ConfigSchema.ElementType(bare) is Type element && !text.StartsWith('[') && text.Contains(','))
            return new JArray(text.Split(',').Select(item => ParseValue(item.Trim(), element))); // lists may be given as a,b,c
        try
        {
            return JToken.Parse(text);
        }
        catch (JsonReaderException)
        {
            return new JValue(text); // not JSON: a bare word, which validation then names
        }
    }
}
