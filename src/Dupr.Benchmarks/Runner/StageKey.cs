using System.Security.Cryptography;
using System.Text;
using Dupr.Core.Config;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Dupr.Benchmarks.Runner;

/// <summary>Canonical stage keys and their hashes: what decides whether a finished stage can be reused.</summary>
public static class StageKey
{
    /// <summary>Hex digits of the SHA-256 kept in folder names: 64 bits, far from colliding among a suite's stages.</summary>
    public const int HashLength = 16;

    /// <summary>A resolved config as JSON, exactly as run directories store it (snake_case keys, declaration order, every default filled in).</summary>
    public static JObject Config(object config) => JObject.Parse(ConfigLoader.Serialize(config));

    /// <summary>SHA-256 of the key's compact JSON, first <see cref="HashLength"/> hex digits.</summary>
    public static string Hash(JObject key) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key.ToString(Formatting.None))))[..HashLength];

    /// <summary>SHA-256 of a file's bytes (full hex), for inputs that come from outside the suite (weights files).</summary>
    public static string FileSha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
