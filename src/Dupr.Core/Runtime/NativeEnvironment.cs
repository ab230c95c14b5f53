using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Dupr.Core.Runtime;

/// <summary>
/// Environment variables libtorch reads once, at its first allocation or convolution, set before then: a module
/// initializer applies them as soon as this assembly is used (the CLI, every test assembly, the benchmarks). A value
/// the user set is kept.
/// </summary>
public static class NativeEnvironment
{
    /// <summary>oneDNN's ISA limit.</summary>
    public const string OneDnnIsaVariable = "ONEDNN_MAX_CPU_ISA";

    /// <summary>The ISA oneDNN is capped at where the CPU hides its caches.</summary>
    public const string CappedIsa = "AVX";

    /// <summary>libtorch's switch for transparent huge pages on large CPU tensors.</summary>
    public const string HugePagesVariable = "THP_MEM_ALLOC_ENABLE";

    static readonly object Gate = new();
    static bool _applied;

    /// <summary>The oneDNN decision, for `dupr env`.</summary>
    public static string OneDnnIsa { get; private set; } = "not applied yet";

    /// <summary>True when this process capped oneDNN at AVX: its bf16 kernels are then out of reach.</summary>
    public static bool OneDnnCapped { get; private set; }

    /// <summary>The huge-page decision, for `dupr env`.</summary>
    public static string HugePages { get; private set; } = "not applied yet";

#pragma warning disable CA2255 // These must precede libtorch's first allocation in every host (CLI, tests, benchmarks).
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void ApplyOnLoad() => Apply();

    /// <summary>Sets what this machine needs and the user has not chosen; idempotent.</summary>
    public static void Apply()
    {
        lock (Gate)
        {
            if (_applied) return;
            _applied = true;
            OneDnnIsa = ApplyOneDnnCap();
            HugePages = ApplyHugePages();
        }
    }

    /// <summary>
    /// Some hypervisors answer cpuid's cache leaves with zeros. oneDNN then plans its AVX2 and AVX-512 convolution
    /// kernels from a core count of zero: the backward of a strided convolution dies with SIGFPE while it plans its
    /// blocking (every ResNet-50 step), and other kernels return NaN now and then. Its AVX kernels do not use that count.
    /// </summary>
    static string ApplyOneDnnCap()
    {
        string? chosen = Environment.GetEnvironmentVariable(OneDnnIsaVariable) ?? Environment.GetEnvironmentVariable("DNNL_MAX_CPU_ISA");
        if (chosen != null) return $"{chosen} (set by the user)";
        if (!CacheTopologyHidden()) return "none needed (cpuid reports the cache topology)";
        SetProcessVariable(OneDnnIsaVariable, CappedIsa);
        OneDnnCapped = true;
        return $"{CappedIsa} (cpuid hides the cache topology; oneDNN's AVX2/AVX-512 kernels fail there)";
    }

    /// <summary>
    /// libtorch frees every large CPU tensor back to the kernel and faults the next one in page by page: a training
    /// step re-faults all its activations and, in DUPR, the [N x S*S, K] patch logits (0.9 s for their 514 MB at the
    /// paper's K on a virtual machine, against 0.2 s for the product itself). With this switch libtorch asks for
    /// transparent huge pages on tensors of 2 MB and more, 512 times fewer faults.
    /// </summary>
    static string ApplyHugePages()
    {
        string? chosen = Environment.GetEnvironmentVariable(HugePagesVariable);
        if (chosen != null) return $"{chosen} (set by the user)";
        if (!OperatingSystem.IsLinux()) return "off (not Linux)";
        SetProcessVariable(HugePagesVariable, "1");
        return "on (libtorch's THP_MEM_ALLOC_ENABLE=1: huge pages for CPU tensors of 2 MB and more)";
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

    // .NET keeps its own copy of the environment on Unix: native code (libtorch's getenv) sees only what setenv writes.
    static void SetProcessVariable(string name, string value)
    {
        Environment.SetEnvironmentVariable(name, value);
        if (!OperatingSystem.IsWindows()) _ = setenv(name, value, 1);
    }

    [DllImport("libc", CharSet = CharSet.Ansi)] // UTF-8 on Unix
    static extern int setenv(string name, string value, int overwrite);
}
