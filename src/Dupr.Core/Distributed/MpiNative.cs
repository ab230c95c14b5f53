using System.Reflection;
using System.Runtime.InteropServices;

namespace Dupr.Core.Distributed;

/// <summary>
/// The dozen MPI calls a data-parallel run needs, bound directly to an MPICH-ABI library (MPICH, Intel MPI, MVAPICH, Cray
/// MPICH): handles are ints and the constants below are that ABI's. Loaded only when a run is launched under MPI.
/// </summary>
/// <remarks>
/// MPI.NET would need a resolver that passes MPICH off as MS-MPI and adds a package for a dozen entry points; the MPICH ABI
/// has been stable since 2013, so its constants are safe to write down. DUPR_MPI_LIBRARY names another library file.
/// </remarks>
internal static partial class MpiNative
{
    const string Library = "dupr-mpi";

    public const int Success = 0;
    public const int CommWorld = 0x44000000;
    public const int CommTypeShared = 1;
    public const int InfoNull = 0x1c000000;
    public const int Byte = 0x4c00010d, Int = 0x4c000405, Float = 0x4c00040a, Double = 0x4c00080b, LongLong = 0x4c000809;
    public const int Sum = 0x58000003, Max = 0x58000001;
    public const int ThreadMultiple = 3;
    public static readonly IntPtr InPlace = new(-1);

    static readonly string[] Candidates = ["libmpich.so.12", "libmpi.so.12", "libmpich.so", "libmpi.so"];

    static MpiNative() => NativeLibrary.SetDllImportResolver(typeof(MpiNative).Assembly, Resolve);

    /// <summary>The MPI library a launched run would load (by file name), or null when none is installed.</summary>
    public static string? FindLibrary()
    {
        foreach (string candidate in Choices())
            if (NativeLibrary.TryLoad(candidate, out IntPtr handle))
            {
                NativeLibrary.Free(handle);
                return candidate;
            }
        return null;
    }

    // The library files to try: DUPR_MPI_LIBRARY when set, else the MPICH-ABI names.
    static string[] Choices() => Environment.GetEnvironmentVariable("DUPR_MPI_LIBRARY") is string chosen ? [chosen] : Candidates;

    static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name != Library) return IntPtr.Zero;
        foreach (string candidate in Choices())
            if (NativeLibrary.TryLoad(candidate, out IntPtr handle)) return handle;
        string? chosen = Environment.GetEnvironmentVariable("DUPR_MPI_LIBRARY");
        throw new DllNotFoundException(chosen is null
            ? $"no MPICH-ABI MPI library found ({string.Join(", ", Candidates)}); install MPICH (apt-get install mpich) or set DUPR_MPI_LIBRARY"
            : $"DUPR_MPI_LIBRARY={chosen} cannot be loaded");
    }

    [LibraryImport(Library, EntryPoint = "MPI_Initialized")] public static partial int Initialized(out int flag);
    [LibraryImport(Library, EntryPoint = "MPI_Init_thread")] public static partial int InitThread(IntPtr argc, IntPtr argv, int required, out int provided);
    [LibraryImport(Library, EntryPoint = "MPI_Finalize")] public static partial int Finalize();
    [LibraryImport(Library, EntryPoint = "MPI_Abort")] public static partial int Abort(int comm, int code);
    [LibraryImport(Library, EntryPoint = "MPI_Comm_rank")] public static partial int CommRank(int comm, out int rank);
    [LibraryImport(Library, EntryPoint = "MPI_Comm_size")] public static partial int CommSize(int comm, out int size);
    [LibraryImport(Library, EntryPoint = "MPI_Comm_split_type")] public static partial int CommSplitType(int comm, int type, int key, int info, out int newComm);
    [LibraryImport(Library, EntryPoint = "MPI_Barrier")] public static partial int Barrier(int comm);
    [LibraryImport(Library, EntryPoint = "MPI_Bcast")] public static partial int Bcast(IntPtr buffer, int count, int type, int root, int comm);
    [LibraryImport(Library, EntryPoint = "MPI_Allreduce")] public static partial int Allreduce(IntPtr send, IntPtr receive, int count, int type, int op, int comm);
    [LibraryImport(Library, EntryPoint = "MPI_Allgather")] public static partial int Allgather(IntPtr send, int sendCount, int sendType, IntPtr receive, int receiveCount, int receiveType, int comm);

    /// <summary>Throws naming <paramref name="call"/> when an MPI call did not return MPI_SUCCESS.</summary>
    public static void Check(int code, string call)
    {
        if (code != Success) throw new InvalidOperationException($"{call} failed with MPI error code {code}");
    }
}
