using Dupr.Core.Ops;
using Dupr.Core.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Dupr.Core.Distributed;

/// <summary>
/// The processes of one run and the collectives between them. A process started without a launcher is a world of one,
/// whose collectives return their input; under <c>mpiexec</c> (or Slurm's PMI) every rank joins the MPI world.
/// </summary>
/// <remarks>
/// Collectives on tensors of another device go through host memory (MPI here is not assumed to be CUDA-aware). Every
/// rank must call the same collectives in the same order with the same shapes, as in MPI itself.
/// </remarks>
public sealed class World
{
    static readonly Lazy<World> Launched = new(Join);

    readonly bool _mpi;

    World(int rank, int size, int localRank, int localSize, bool mpi)
    {
        Rank = rank;
        Size = size;
        LocalRank = localRank;
        LocalSize = localSize;
        _mpi = mpi;
    }

    /// <summary>A world of one process.</summary>
    public static World Single { get; } = new(0, 1, 0, 1, mpi: false);

    /// <summary>The world this process was launched into: MPI's under a launcher, else <see cref="Single"/>.</summary>
    public static World Current => Launched.Value;

    /// <summary>Whether a launcher started this process as one of several ranks (checked without loading MPI).</summary>
    public static bool IsLaunched => LauncherSize() > 1;

    /// <summary>This process's rank, 0..Size-1.</summary>
    public int Rank { get; }

    /// <summary>Number of processes.</summary>
    public int Size { get; }

    /// <summary>Rank among the processes of this machine (which GPU it drives).</summary>
    public int LocalRank { get; }

    /// <summary>Processes on this machine (how its cores are split).</summary>
    public int LocalSize { get; }

    /// <summary>Rank 0: the one that writes run files and logs.</summary>
    public bool IsMain => Rank == 0;

    /// <summary>What `dupr env` says about MPI: this process's place in the world and the library a launched run uses.</summary>
    public static string Describe()
    {
        string library = MpiNative.FindLibrary() is string found ? $"MPI library {found}" : "no MPI library found (apt-get install mpich)";
        return IsLaunched ? $"{Current}, {Current.LocalSize} on this machine; {library}" : $"not launched by mpiexec (a world of one); {library}";
    }

    /// <summary>"rank 1/2", for messages.</summary>
    public override string ToString() => $"rank {Rank}/{Size}";

    // MPICH's Hydra and Slurm's PMI set PMI_SIZE; Open MPI sets OMPI_COMM_WORLD_SIZE (its ABI is not MPICH's: refused at join).
    static int LauncherSize()
    {
        foreach (string name in (string[])["PMI_SIZE", "OMPI_COMM_WORLD_SIZE"])
            if (int.TryParse(Environment.GetEnvironmentVariable(name), out int size)) return size;
        return 1;
    }

    static World Join()
    {
        if (!IsLaunched) return Single;
        if (Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE") != null)
            throw new DuprException("launched by Open MPI, whose ABI this build does not speak; launch with MPICH's mpiexec (apt-get install mpich)");
        try
        {
            MpiNative.Check(MpiNative.Initialized(out int initialized), "MPI_Initialized");
            if (initialized == 0) MpiNative.Check(MpiNative.InitThread(IntPtr.Zero, IntPtr.Zero, MpiNative.ThreadMultiple, out _), "MPI_Init_thread");
        }
        catch (DllNotFoundException e)
        {
            throw new DuprException($"launched under MPI but {e.Message}");
        }
        MpiNative.Check(MpiNative.CommRank(MpiNative.CommWorld, out int rank), "MPI_Comm_rank");
        MpiNative.Check(MpiNative.CommSize(MpiNative.CommWorld, out int size), "MPI_Comm_size");
        MpiNative.Check(MpiNative.CommSplitType(MpiNative.CommWorld, MpiNative.CommTypeShared, rank, MpiNative.InfoNull, out int local), "MPI_Comm_split_type");
        MpiNative.Check(MpiNative.CommRank(local, out int localRank), "MPI_Comm_rank");
        MpiNative.Check(MpiNative.CommSize(local, out int localSize), "MPI_Comm_size");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => MpiNative.Finalize();
        return new World(rank, size, localRank, localSize, mpi: true);
    }

    /// <summary>
    /// Ends every rank with <paramref name="code"/> when this process has joined an MPI world (an error on one rank must not
    /// leave the others waiting in a collective); otherwise does nothing and the caller exits as usual.
    /// </summary>
    public static void AbortAll(int code)
    {
        if (Launched.IsValueCreated && Launched.Value._mpi) MpiNative.Abort(MpiNative.CommWorld, code);
    }

    /// <summary>Waits until every rank has arrived.</summary>
    public void Barrier()
    {
        if (_mpi) MpiNative.Check(MpiNative.Barrier(MpiNative.CommWorld), "MPI_Barrier");
    }

    /// <summary>Sums <paramref name="tensor"/> over the ranks, in place (float32, float64 or int64).</summary>
    public void AllReduceSum(Tensor tensor)
    {
        if (!_mpi) return;
        OnHost(tensor, host =>
        {
            unsafe
            {
                MpiNative.Check(MpiNative.Allreduce(MpiNative.InPlace, Address(host), Count(host), MpiType(host.dtype), MpiNative.Sum, MpiNative.CommWorld), "MPI_Allreduce");
            }
        });
    }

    /// <summary>The sums over the ranks of <paramref name="values"/>.</summary>
    public double[] AllReduceSum(double[] values) => Reduce(values, MpiNative.Sum);

    /// <summary>The maxima over the ranks of <paramref name="values"/>.</summary>
    public double[] AllReduceMax(double[] values) => Reduce(values, MpiNative.Max);

    /// <summary>True on every rank when it is true on any (a stop request seen by one rank stops all at the same step).</summary>
    public bool Any(bool flag) => !_mpi ? flag : AllReduceMax([flag ? 1 : 0])[0] > 0;

    double[] Reduce(double[] values, int op)
    {
        if (!_mpi) return values;
        double[] result = (double[])values.Clone();
        unsafe
        {
            fixed (double* p = result)
                MpiNative.Check(MpiNative.Allreduce(MpiNative.InPlace, (IntPtr)p, result.Length, MpiNative.Double, op, MpiNative.CommWorld), "MPI_Allreduce");
        }
        return result;
    }

    /// <summary>
    /// The mean over the ranks of each of <paramref name="names"/> among <paramref name="values"/> (a name a rank lacks, e.g.
    /// a loss term its batch had no input for, counts only where present); names no rank has are left out.
    /// </summary>
    public List<(string Name, double Value)> MeanByName(IReadOnlyList<(string Name, double Value)> values, IReadOnlyList<string> names)
    {
        double[] sums = new double[2 * names.Count];
        var index = names.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i);
        foreach (var (name, value) in values)
        {
            if (!index.TryGetValue(name, out int i)) throw new ArgumentException($"'{name}' is not among the names the ranks average", nameof(values));
            sums[i] += value;
            sums[names.Count + i] += 1;
        }
        double[] total = AllReduceSum(sums);
        return names.Select((name, i) => (name, total[i], total[names.Count + i])).Where(t => t.Item3 > 0).Select(t => (t.name, t.Item2 / t.Item3)).ToList();
    }

    /// <summary>The ranks' <paramref name="tensor"/>s (same shape on every rank) concatenated along dim 0 in rank order.</summary>
    public Tensor AllGather(Tensor tensor)
    {
        if (!_mpi) return tensor;
        using var scope = NewDisposeScope();
        var source = tensor.detach().cpu().contiguous();
        var result = empty([Size * tensor.shape[0], .. tensor.shape.Skip(1)], source.dtype);
        unsafe
        {
            MpiNative.Check(MpiNative.Allgather(Address(source), ByteCount(source), MpiNative.Byte, Address(result), ByteCount(source), MpiNative.Byte, MpiNative.CommWorld), "MPI_Allgather");
        }
        return result.to(tensor.device).MoveToOuterDisposeScope();
    }

    /// <summary>Overwrites <paramref name="tensor"/> on every rank with rank <paramref name="root"/>'s.</summary>
    public void Broadcast(Tensor tensor, int root = 0)
    {
        if (!_mpi) return;
        OnHost(tensor, host =>
        {
            unsafe
            {
                MpiNative.Check(MpiNative.Bcast(Address(host), ByteCount(host), MpiNative.Byte, root, MpiNative.CommWorld), "MPI_Bcast");
            }
        });
    }

    /// <summary>
    /// Throws naming <paramref name="what"/> unless every rank holds the same <paramref name="values"/> (bit for bit):
    /// the check that replicas have not drifted apart.
    /// </summary>
    public void EnsureSame(double[] values, string what)
    {
        if (!_mpi) return;
        double[] max = AllReduceMax(values), min = Reduce(values.Select(v => -v).ToArray(), MpiNative.Max);
        for (int i = 0; i < values.Length; i++)
            if (max[i] != -min[i])
                throw new DuprException($"{what} differ across the {Size} ranks (value {i}: {-min[i]:R} .. {max[i]:R}); the replicas have drifted apart");
    }

    // Runs an in-place MPI call on a contiguous CPU copy when the tensor is not one itself, and copies the result back.
    static void OnHost(Tensor tensor, Action<Tensor> call)
    {
        if (tensor.device_type == DeviceType.CPU && tensor.is_contiguous())
        {
            call(tensor);
            return;
        }
        using var host = tensor.detach().cpu().contiguous();
        call(host);
        using var noGrad = no_grad();
        tensor.copy_(host);
    }

    static unsafe IntPtr Address(Tensor tensor) => tensor.dtype switch
    {
        ScalarType.Float32 => (IntPtr)TensorMemory.Pointer<float>(tensor),
        ScalarType.Float64 or ScalarType.Int64 => (IntPtr)TensorMemory.Pointer<long>(tensor),
        ScalarType.Int32 => (IntPtr)TensorMemory.Pointer<int>(tensor),
        ScalarType.Float16 or ScalarType.BFloat16 => (IntPtr)TensorMemory.Pointer<short>(tensor),
        ScalarType.Byte or ScalarType.Bool or ScalarType.Int8 => (IntPtr)TensorMemory.Pointer<byte>(tensor),
        _ => throw new NotSupportedException($"no MPI transfer for {tensor.dtype} tensors"),
    };

    static int Count(Tensor tensor) => checked((int)tensor.numel());

    static int ByteCount(Tensor tensor) => checked((int)(tensor.numel() * tensor.element_size()));

    static int MpiType(ScalarType type) => type switch
    {
        ScalarType.Float32 => MpiNative.Float,
        ScalarType.Float64 => MpiNative.Double,
        ScalarType.Int64 => MpiNative.LongLong,
        ScalarType.Int32 => MpiNative.Int,
        _ => throw new NotSupportedException($"no MPI reduction for {type} tensors"),
    };
}
