namespace Dupr.Detection.Evaluation;

/// <summary>Reusable scratch arrays, so per-cell work allocates only when a cell is larger than any before.</summary>
internal static class ScratchBuffer
{
    /// <summary>Makes <paramref name="buffer"/> hold at least <paramref name="size"/> elements (contents not kept).</summary>
    public static void Grow<T>(ref T[] buffer, int size)
    {
        if (buffer.Length < size) buffer = new T[Math.Max(size, buffer.Length * 2)];
    }
}
