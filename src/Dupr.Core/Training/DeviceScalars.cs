using Dupr.Core.Runtime;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Core.Training;

/// <summary>
/// A step's named values (loss terms, accuracies) kept on their device, one float64 each in <see cref="Values"/>, until the
/// training loop reads a whole log period of steps at once: on a GPU each read makes the host wait for the device.
/// </summary>
public sealed record DeviceScalars(IReadOnlyList<string> Names, Tensor Values)
{
    /// <summary>
    /// One-element tensors (any dtype, detached here) as named values, in the order of <paramref name="names"/>; none gives an
    /// empty tensor on <paramref name="device"/> (the accuracies of a step without terms).
    /// </summary>
    public static DeviceScalars Stack(IReadOnlyList<string> names, IReadOnlyList<Tensor> scalars, Device? device = null)
    {
        if (names.Count != scalars.Count) throw new ArgumentException($"{names.Count} names for {scalars.Count} values", nameof(scalars));
        if (scalars.Count == 0) return new(names, zeros(0, ScalarType.Float64, device));
        return new(names, stack(scalars.Select(s => s.detach().reshape(1).to(ScalarType.Float64))).reshape(-1));
    }

    /// <summary>
    /// Each name's mean over <paramref name="parts"/> (the micro-batches of an accumulated step; a name counts only where
    /// it appears), names in the order they first appear.
    /// </summary>
    public static DeviceScalars Mean(IReadOnlyList<DeviceScalars> parts)
    {
        if (parts.Count == 1) return parts[0];
        var names = parts.SelectMany(p => p.Names).Distinct().ToList();
        var means = names.Select(name =>
        {
            var values = parts.Where(p => p.Names.Contains(name)).Select(p => p.Values[p.IndexOf(name)]).ToList();
            // Summed in order and divided, as a mean of doubles on the host would be.
            return values.Skip(1).Aggregate(values[0], (sum, v) => sum.add(v, One)).div(S(values.Count));
        }).ToList();
        return Stack(names, means);
    }

    /// <summary>The values as (name, value) pairs, in one host read (tests and benchmarks; training reads them through its loop).</summary>
    public List<(string Name, double Value)> Read()
    {
        double[] values = Values.cpu().ReadArray<double>();
        return [.. Names.Select((name, i) => (name, values[i]))];
    }

    /// <summary>Moves the values to the dispose scope around the current one (out of a micro-batch's scope).</summary>
    public DeviceScalars MoveToOuterDisposeScope()
    {
        Values.MoveToOuterDisposeScope();
        return this;
    }

    int IndexOf(string name)
    {
        for (int i = 0; i < Names.Count; i++)
            if (Names[i] == name) return i;
        throw new ArgumentException($"no value named '{name}'", nameof(name));
    }
}
