using System.Reflection;
using System.Runtime.InteropServices;
using Dupr.Build;
using TorchSharp;

namespace Dupr.Core.Runtime;

/// <summary>Loads TorchSharp's native backend once and turns a load failure into its real cause.</summary>
public static class TorchRuntime
{
    static readonly object Gate = new();
    static bool _loaded;

    /// <summary>
    /// The libtorch backend this build references (the TorchBackend build property): "cpu" or "cuda" (NuGet's packages), or
    /// "external" (none: the machine's libtorch, e.g. a PyTorch installation, and a TorchSharp bridge built for it, both found
    /// through LD_LIBRARY_PATH; tools/gpu builds such a dupr).
    /// </summary>
    public static string Backend =>
        typeof(TorchRuntime).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "TorchBackend")?.Value ?? "cpu";

    /// <summary>TorchSharp's package version, e.g. 0.107.0.</summary>
    public static string TorchSharpVersion =>
        typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(torch).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>The path of TorchSharp's native wrapper next to the application, if present.</summary>
    public static string? NativeLibraryPath
    {
        get
        {
            string baseDir = AppContext.BaseDirectory;
            string rid = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";
            foreach (string candidate in new[]
                     {
                         Path.Combine(baseDir, "runtimes", rid, "native", "libLibTorchSharp.so"),
                         Path.Combine(baseDir, "libLibTorchSharp.so"),
                     })
                if (File.Exists(candidate)) return candidate;
            return null;
        }
    }

    /// <summary>Loads the native backend; throws <see cref="DuprException"/> naming the loader's real complaint.</summary>
    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (_loaded) return;
            // Load the wrapper ourselves first: the loader's message (a missing library or symbol
            // version) is the real cause, which TorchSharp would replace with a misleading one.
            string? native = NativeLibraryPath;
            if (native != null && OperatingSystem.IsLinux())
            {
                try { NativeLibrary.Load(native); }
                catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
                {
                    throw new DuprException(LoadFailure(native, LoaderReason(e.Message)));
                }
            }
            try
            {
                torch.InitializeDeviceType(DeviceType.CPU);
            }
            catch (Exception e) when (e is TypeInitializationException or NotSupportedException)
            {
                throw new DuprException($"TorchSharp could not load its native backend ({Backend}): {FirstLine(e.InnerException ?? e)}");
            }
            _loaded = true;
        }
    }

    static string LoadFailure(string path, string loaderMessage)
    {
        string hint = loaderMessage.Contains(GlibcxxCompat.NeededVersion, StringComparison.Ordinal)
            ? " (the build's libstdc++ fix was not applied: rebuild with `dotnet build`, see README 'Native library')"
            : "";
        return $"cannot load {path}: {loaderMessage}{hint}";
    }

    // .NET puts the loader's own message (dlerror) on the last line, after advice text.
    static string LoaderReason(string message)
    {
        string[] lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? message : lines[^1];
    }

    static string FirstLine(Exception e) => FirstLine(e.Message);

    static string FirstLine(string text)
    {
        string trimmed = text.Trim();
        int newline = trimmed.IndexOf('\n');
        return newline < 0 ? trimmed : trimmed[..newline].Trim();
    }
}
