using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Dupr.Core.Runtime;

/// <summary>
/// Caps oneDNN, libtorch's CPU convolution library, at AVX on x86 machines whose cpuid hides the cache topology (some
/// hypervisors answer the cache leaves with zeros). There oneDNN sizes its AVX2 and AVX-512 convolution kernels from a
/// core count of zero: the backward of a strided convolution dies with SIGFPE while it plans its blocking (every
/// ResNet-50 step), and other kernels return NaN now and then. oneDNN's AVX kernels do not use that count.
/// </summary>
/// <remarks>
/// oneDNN reads ONEDNN_MAX_CPU_ISA once, when it first runs a primitive, so the cap must be set before the first
/// convolution of the process: a module initializer applies it as soon as this assembly is used. A value the user set
/// is kept.
/// </remarks>
public static class OneDnnIsaCap
{
    /// <summary>The environment variable oneDNN reads.</summary>
    public const string Variable = "ONEDNN_MAX_CPU_ISA";

    /// <summary>The ISA the cap sets.</summary>
    public const string CappedIsa = "AVX";

    static readonly object Gate = new();
    static bool _applied;

    /// <summary>What was decided, for `dupr env`.</summary>
    public static string Status { get; private set; } = "not applied yet";

#pragma warning disable CA2255 // The cap must precede libtorch's first convolution in every host (CLI, tests, benchmarks).
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void ApplyOnLoad() => Apply();

    /// <summary>Sets the cap if this machine needs it and the user has not chosen an ISA; idempotent.</summary>
    public static void Apply()
    {
        lock (Gate)
        {
            if (_applied) return;
            _applied = true;
            string? chosen = Environment.GetEnvironmentVariable(Variable) ?? Environment.GetEnvironmentVariable("DNNL_MAX_CPU_ISA");
            if (chosen != null) Status = $"{chosen} (set by the user)";
            else if (!CacheTopologyHidden()) Status = "none needed (cpuid reports the cache topology)";
            else
            {
                SetProcessVariable(Variable, CappedIsa);
                Status = $"{CappedIsa} (cpuid hides the cache topology; oneDNN's AVX2/AVX-512 kernels fail there)";
            }
        }
    }

    /// <summary>
    /// True on x86 when neither Intel's cache leaf (4) nor AMD's (0x8000001D) describes a single cache: a real CPU
    /// answers one of them, so both empty means a hypervisor hides them.
    /// </summary>
    public static bool CacheTopologyHidden()
    {
        if (!X86Base.IsSupported) return false;
        const int CacheTypeMask = 0x1F; // EAX[4:0] of a cache leaf: 0 = no more caches
        bool intelLeaf = (X86Base.CpuId(4, 0).Eax & CacheTypeMask) != 0;
        uint maxExtended = (uint)X86Base.CpuId(unchecked((int)0x80000000), 0).Eax;
        bool amdLeaf = maxExtended >= 0x8000001D && (X86Base.CpuId(unchecked((int)0x8000001D), 0).Eax & CacheTypeMask) != 0;
        return !intelLeaf && !amdLeaf;
    }

    // .NET keeps its own copy of the environment on Unix: native code (oneDNN's getenv) sees only what setenv writes.
    static void SetProcessVariable(string name, string value)
    {
        Environment.SetEnvironmentVariable(name, value);
        if (!OperatingSystem.IsWindows()) _ = setenv(name, value, 1);
    }

    [DllImport("libc", CharSet = CharSet.Ansi)] // UTF-8 on Unix
    static extern int setenv(string name, string value, int overwrite);
}
