using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using TorchSharp;
using static TorchSharp.torch;

namespace Dupr.Core.Ops;

/// <summary>
/// RoIAlign forward and backward on the CPU, written over a <see cref="RoIAlignPlan{T}"/>: each tap is a
/// SIMD multiply-add over a run of channels.
/// </summary>
/// <remarks>
/// Per box and output row p: R[x, c] = sum_y Wy[p, y] F[y, x, c] for the columns the box reads, then
/// out[p, q, c] = sum_x Wx[q, x] R[x, c]. Only the taps of each bin are visited (a few rows per bin),
/// not the whole window, so the work is about C * P * (columns * taps_y + Q * taps_x) per box, a
/// fraction of the dense separable matmul's C * rows * (columns + P) * Q. The backward runs the same
/// loops transposed.
///
/// The channels are split into chunks, one work item each: an item copies its channels of the
/// features to a channels-last block, pools every box from it and writes its channels of the
/// output (or, backward, accumulates its channels of the gradient and writes them out). Items touch
/// disjoint memory, so the backward needs no atomics and no per-thread gradient copies. No torch op
/// runs in parallel next to the kernel: libtorch's OpenMP workers spin for milliseconds after each
/// parallel op and would take the cores from the kernel's threads.
/// </remarks>
internal static unsafe class RoIAlignKernel
{
    /// <summary>RoIAlign of <paramref name="input"/> [N, C, H, W] over <paramref name="plan"/>: [K, C, P, Q].</summary>
    public static Tensor Forward(Tensor input, RoIAlignPlan plan)
    {
        using var scope = NewDisposeScope();
        var features = input.contiguous();
        var output = empty([plan.Boxes, input.size(1), plan.PooledHeight, plan.PooledWidth], input.dtype, input.device);
        switch (plan)
        {
            case RoIAlignPlan<float> p:
                Run(p, (int)input.size(1), TensorMemory.Pointer<float>(features), TensorMemory.Pointer<float>(output), forward: true);
                break;
            case RoIAlignPlan<double> p:
                Run(p, (int)input.size(1), TensorMemory.Pointer<double>(features), TensorMemory.Pointer<double>(output), forward: true);
                break;
            default: throw new NotSupportedException(plan.GetType().Name);
        }
        return scope.MoveToOuter(output);
    }

    /// <summary>The gradient of RoIAlign with respect to its input, of shape <paramref name="inputShape"/> [N, C, H, W].</summary>
    public static Tensor Backward(Tensor gradOutput, RoIAlignPlan plan, long[] inputShape)
    {
        using var scope = NewDisposeScope();
        var grad = gradOutput.contiguous();
        var gradInput = empty(inputShape, gradOutput.dtype, gradOutput.device);
        switch (plan)
        {
            case RoIAlignPlan<float> p:
                Run(p, (int)inputShape[1], TensorMemory.Pointer<float>(gradInput), TensorMemory.Pointer<float>(grad), forward: false);
                break;
            case RoIAlignPlan<double> p:
                Run(p, (int)inputShape[1], TensorMemory.Pointer<double>(gradInput), TensorMemory.Pointer<double>(grad), forward: false);
                break;
            default: throw new NotSupportedException(plan.GetType().Name);
        }
        return scope.MoveToOuter(gradInput);
    }

    /// <summary>
    /// Runs every channel chunk. <paramref name="features"/> is the input [N, C, H, W] (forward) or its gradient
    /// (backward, written); <paramref name="pooled"/> is the output [K, C, P, Q] (forward, written) or its gradient.
    /// </summary>
    static void Run<T>(RoIAlignPlan<T> plan, int channels, T* features, T* pooled, bool forward)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        long mapSize = plan.Batch * plan.Height * plan.Width;
        if (channels == 0 || mapSize == 0 || (forward && plan.Boxes == 0)) return;   // backward must still write zeros
        int threads = Math.Max(1, torch.get_num_threads());
        // Two items per thread balance the load when cores are shared; at least 8 vectors of channels
        // each keep the per-call overhead small.
        int lanes = Vector<T>.Count;
        int chunk = Math.Min(channels, Math.Max(8 * lanes, (channels + 2 * threads - 1) / (2 * threads) + lanes - 1) / lanes * lanes);
        int items = (channels + chunk - 1) / chunk;
        var state = new Chunks<T>(plan, channels, chunk, (nint)features, (nint)pooled);
        if (Math.Min(threads, items) == 1)
        {
            for (int i = 0; i < items; i++) RunChunk(state, i, forward);
            return;
        }
        Parallel.For(0, items, new ParallelOptions { MaxDegreeOfParallelism = Math.Min(threads, items) }, i => RunChunk(state, i, forward));
    }

    /// <summary>What every chunk of one call shares.</summary>
    sealed record Chunks<T>(RoIAlignPlan<T> Plan, int Channels, int Chunk, nint Features, nint Pooled)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void RunChunk<T>(Chunks<T> state, int item, bool forward) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var plan = state.Plan;
        int c0 = item * state.Chunk, cn = Math.Min(state.Chunk, state.Channels - c0);
        long pixels = (long)plan.Height * plan.Width, imageStride = state.Channels * pixels, blockSize = plan.Batch * pixels * cn;
        T* features = (T*)state.Features + c0 * pixels;     // channel c0 of image 0
        // The [N, H, W, cn] block comes from the shared pool: fresh memory for every call would cost
        // page faults comparable to the copy itself on large maps.
        T[] rented = ArrayPool<T>.Shared.Rent(checked((int)blockSize));
        try
        {
            fixed (T* block = rented)
            {
                if (forward)
                {
                    for (long b = 0; b < plan.Batch; b++) Transpose(features + b * imageStride, cn, pixels, block + b * pixels * cn);
                    PoolChunk(plan, block, cn, state.Channels, c0, (T*)state.Pooled);
                }
                else
                {
                    NativeMemory.Clear(block, (nuint)(blockSize * sizeof(T)));
                    UnpoolChunk(plan, block, cn, state.Channels, c0, (T*)state.Pooled);
                    for (long b = 0; b < plan.Batch; b++) Transpose(block + b * pixels * cn, pixels, cn, features + b * imageStride);
                }
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(rented);
        }
    }

    /// <summary>Pools every box from a channels-last block of <paramref name="cn"/> channels into output channels c0 .. c0 + cn.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void PoolChunk<T>(RoIAlignPlan<T> plan, T* block, int cn, int channels, int c0, T* output) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var (colOffset, colIndex, colSlot) = plan.Columns;
        int rowsOut = plan.PooledHeight, colsOut = plan.PooledWidth, cells = rowsOut * colsOut;
        long width = plan.Width, pixels = plan.Height * width;
        var rowSums = new T[Math.Max(1, MaxRun(colOffset)) * cn];   // R[x, c] of the current output row
        var cellValues = new T[cells * cn];                         // out[p, q, c] of the current box
        fixed (T* r = rowSums, o = cellValues, wyAll = plan.Rows.Weights, wxAll = plan.Cols.Weights)
        {
            for (int k = 0; k < plan.Boxes; k++)
            {
                T* image = block + plan.BatchIndex[k] * pixels * cn;
                int firstColumn = colOffset[k], columns = colOffset[k + 1] - firstColumn;
                for (int p = 0; p < rowsOut; p++)
                {
                    int rowBin = k * rowsOut + p, taps = plan.Rows.Length[rowBin];
                    T* outRow = o + p * colsOut * cn;
                    if (taps == 0 || columns == 0)
                    {
                        new Span<T>(outRow, colsOut * cn).Clear();
                        continue;
                    }
                    T* wy = wyAll + plan.Rows.Offset[rowBin];
                    T* firstRow = image + plan.Rows.Start[rowBin] * width * cn;
                    for (int u = 0; u < columns; u++)
                        WeightedSum(r + u * cn, firstRow + colIndex[firstColumn + u] * cn, (nint)(width * cn), wy, taps, cn);
                    for (int q = 0; q < colsOut; q++)
                    {
                        int colBin = k * colsOut + q, colTaps = plan.Cols.Length[colBin];
                        if (colTaps == 0) new Span<T>(outRow + q * cn, cn).Clear();
                        else WeightedSum(outRow + q * cn, r + colSlot[colBin] * cn, cn, wxAll + plan.Cols.Offset[colBin], colTaps, cn);
                    }
                }
                Transpose(o, cells, cn, output + ((long)k * channels + c0) * cells);
            }
        }
    }

    /// <summary>The transpose of <see cref="PoolChunk{T}"/>: accumulates output-gradient channels c0 .. c0 + cn into a channels-last block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void UnpoolChunk<T>(RoIAlignPlan<T> plan, T* block, int cn, int channels, int c0, T* gradOutput) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var (colOffset, colIndex, colSlot) = plan.Columns;
        int rowsOut = plan.PooledHeight, colsOut = plan.PooledWidth, cells = rowsOut * colsOut;
        long width = plan.Width, pixels = plan.Height * width;
        var rowGrads = new T[Math.Max(1, MaxRun(colOffset)) * cn];  // dL/dR[x, c] of the current output row
        var cellGrads = new T[cells * cn];                          // dL/dout[p, q, c] of the current box
        fixed (T* s = rowGrads, g = cellGrads, wyAll = plan.Rows.Weights, wxAll = plan.Cols.Weights)
        {
            for (int k = 0; k < plan.Boxes; k++)
            {
                int firstColumn = colOffset[k], columns = colOffset[k + 1] - firstColumn;
                if (columns == 0) continue;
                Transpose(gradOutput + ((long)k * channels + c0) * cells, cn, cells, g);
                T* image = block + plan.BatchIndex[k] * pixels * cn;
                for (int p = 0; p < rowsOut; p++)
                {
                    int rowBin = k * rowsOut + p, taps = plan.Rows.Length[rowBin];
                    if (taps == 0) continue;
                    new Span<T>(s, columns * cn).Clear();
                    for (int q = 0; q < colsOut; q++)
                    {
                        int colBin = k * colsOut + q;
                        T* wx = wxAll + plan.Cols.Offset[colBin];
                        T* cellGrad = g + (p * colsOut + q) * cn;
                        T* slot = s + colSlot[colBin] * cn;
                        for (int j = 0; j < plan.Cols.Length[colBin]; j++) MultiplyAdd(slot + j * cn, wx[j], cellGrad, cn);
                    }
                    T* wy = wyAll + plan.Rows.Offset[rowBin];
                    T* firstRow = image + plan.Rows.Start[rowBin] * width * cn;
                    for (int i = 0; i < taps; i++)
                    {
                        T* row = firstRow + i * width * cn;
                        for (int u = 0; u < columns; u++) MultiplyAdd(row + colIndex[firstColumn + u] * cn, wy[i], s + u * cn, cn);
                    }
                }
            }
        }
    }

    static int MaxRun(int[] offsets)
    {
        int max = 0;
        for (int i = 0; i + 1 < offsets.Length; i++) max = Math.Max(max, offsets[i + 1] - offsets[i]);
        return max;
    }

    /// <summary>dst[0..n) = sum over i &lt; taps of w[i] * src[i * stride + 0..n).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void WeightedSum<T>(T* dst, T* src, nint stride, T* w, int taps, int n) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int lanes = Vector<T>.Count, v = 0;
        for (; v + 4 * lanes <= n; v += 4 * lanes)
        {
            T* s = src + v;
            var wi = new Vector<T>(w[0]);
            Vector<T> a0 = wi * Vector.Load(s), a1 = wi * Vector.Load(s + lanes),
                      a2 = wi * Vector.Load(s + 2 * lanes), a3 = wi * Vector.Load(s + 3 * lanes);
            for (int i = 1; i < taps; i++)
            {
                s += stride;
                wi = new Vector<T>(w[i]);
                a0 = Fma(wi, Vector.Load(s), a0);
                a1 = Fma(wi, Vector.Load(s + lanes), a1);
                a2 = Fma(wi, Vector.Load(s + 2 * lanes), a2);
                a3 = Fma(wi, Vector.Load(s + 3 * lanes), a3);
            }
            Vector.Store(a0, dst + v);
            Vector.Store(a1, dst + v + lanes);
            Vector.Store(a2, dst + v + 2 * lanes);
            Vector.Store(a3, dst + v + 3 * lanes);
        }
        for (; v + lanes <= n; v += lanes)
        {
            T* s = src + v;
            var a = new Vector<T>(w[0]) * Vector.Load(s);
            for (int i = 1; i < taps; i++)
            {
                s += stride;
                a = Fma(new Vector<T>(w[i]), Vector.Load(s), a);
            }
            Vector.Store(a, dst + v);
        }
        for (; v < n; v++)
        {
            T a = T.Zero;
            for (int i = 0; i < taps; i++) a += w[i] * src[i * stride + v];
            dst[v] = a;
        }
    }

    /// <summary>dst[0..n) += a * src[0..n).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void MultiplyAdd<T>(T* dst, T a, T* src, int n) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int lanes = Vector<T>.Count, v = 0;
        var av = new Vector<T>(a);
        for (; v + 2 * lanes <= n; v += 2 * lanes)
        {
            Vector.Store(Fma(av, Vector.Load(src + v), Vector.Load(dst + v)), dst + v);
            Vector.Store(Fma(av, Vector.Load(src + v + lanes), Vector.Load(dst + v + lanes)), dst + v + lanes);
        }
        for (; v + lanes <= n; v += lanes) Vector.Store(Fma(av, Vector.Load(src + v), Vector.Load(dst + v)), dst + v);
        for (; v < n; v++) dst[v] += a * src[v];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector<T> Fma<T>(Vector<T> a, Vector<T> b, Vector<T> c) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        // The type tests are constants after JIT specialisation; fused where the hardware has FMA.
        if (typeof(T) == typeof(float))
            return Vector.As<float, T>(Vector.MultiplyAddEstimate(Vector.As<T, float>(a), Vector.As<T, float>(b), Vector.As<T, float>(c)));
        if (typeof(T) == typeof(double))
            return Vector.As<double, T>(Vector.MultiplyAddEstimate(Vector.As<T, double>(a), Vector.As<T, double>(b), Vector.As<T, double>(c)));
        return a * b + c;
    }

    /// <summary>dst[c * rows + r] = src[r * cols + c]: a [rows, cols] block into a [cols, rows] one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Transpose<T>(T* src, long rows, long cols, T* dst) where T : unmanaged
    {
        long r8 = 0, c8 = 0;
        if (typeof(T) == typeof(float) && Avx.IsSupported)
        {
            // 8x8 tiles in registers; the ragged edges below go element by element.
            r8 = rows & ~7L;
            c8 = cols & ~7L;
            for (long r = 0; r < r8; r += 8)
            for (long c = 0; c < c8; c += 8)
                Transpose8x8((float*)src + r * cols + c, cols, (float*)dst + c * rows + r, rows);
        }
        for (long r = 0; r < rows; r++)
        for (long c = r < r8 ? c8 : 0; c < cols; c++)
            dst[c * rows + r] = src[r * cols + c];
    }

    /// <summary>Transposes the 8x8 float tile at <paramref name="src"/> (row stride <paramref name="srcStride"/>) into <paramref name="dst"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Transpose8x8(float* src, long srcStride, float* dst, long dstStride)
    {
        Vector256<float> r0 = Avx.LoadVector256(src), r1 = Avx.LoadVector256(src + srcStride),
            r2 = Avx.LoadVector256(src + 2 * srcStride), r3 = Avx.LoadVector256(src + 3 * srcStride),
            r4 = Avx.LoadVector256(src + 4 * srcStride), r5 = Avx.LoadVector256(src + 5 * srcStride),
            r6 = Avx.LoadVector256(src + 6 * srcStride), r7 = Avx.LoadVector256(src + 7 * srcStride);
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1), t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3),
            t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5), t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> s0 = Avx.Shuffle(t0, t2, 0x44), s1 = Avx.Shuffle(t0, t2, 0xEE), s2 = Avx.Shuffle(t1, t3, 0x44), s3 = Avx.Shuffle(t1, t3, 0xEE),
            s4 = Avx.Shuffle(t4, t6, 0x44), s5 = Avx.Shuffle(t4, t6, 0xEE), s6 = Avx.Shuffle(t5, t7, 0x44), s7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(dst, Avx.Permute2x128(s0, s4, 0x20));
        Avx.Store(dst + dstStride, Avx.Permute2x128(s1, s5, 0x20));
        Avx.Store(dst + 2 * dstStride, Avx.Permute2x128(s2, s6, 0x20));
        Avx.Store(dst + 3 * dstStride, Avx.Permute2x128(s3, s7, 0x20));
        Avx.Store(dst + 4 * dstStride, Avx.Permute2x128(s0, s4, 0x31));
        Avx.Store(dst + 5 * dstStride, Avx.Permute2x128(s1, s5, 0x31));
        Avx.Store(dst + 6 * dstStride, Avx.Permute2x128(s2, s6, 0x31));
        Avx.Store(dst + 7 * dstStride, Avx.Permute2x128(s3, s7, 0x31));
    }
}
