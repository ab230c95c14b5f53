namespace Dupr.Core.Runtime;

/// <summary>
/// A small deterministic random generator (xoshiro256**) for data augmentation, seeded from a key such
/// as (seed, epoch, index): every sample gets its own stream, so what it draws does not depend on which
/// thread loads it or in what order. Not thread-safe; give each sample its own instance.
/// </summary>
public sealed class SampleRng
{
    ulong _s0, _s1, _s2, _s3;

    /// <summary>A generator for the key (<paramref name="seed"/>, <paramref name="keys"/>...); equal keys give equal streams.</summary>
    public SampleRng(long seed, params ReadOnlySpan<long> keys)
    {
        ulong hash = Mix(unchecked((ulong)seed + Golden));
        for (int i = 0; i < keys.Length; i++) hash = Mix(hash ^ Mix(unchecked((ulong)keys[i] + (ulong)(i + 2) * Golden)));
        Seed(hash);
    }

    SampleRng(ulong hash) => Seed(hash);

    /// <summary>The generator of sample <paramref name="index"/> in <paramref name="epoch"/> of a run seeded with <paramref name="seed"/>.</summary>
    public static SampleRng For(long seed, long epoch, long index) => new(seed, epoch, index);

    /// <summary>An independent child stream <paramref name="stream"/>, derived from the current state without advancing it.</summary>
    public SampleRng Fork(long stream) =>
        new(Mix(_s0 ^ Mix(_s1 + Golden) ^ Mix(_s2 ^ _s3) ^ Mix(unchecked((ulong)stream * 0xD1B54A32D192ED03UL + 1))));

    /// <summary>64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1), 53 bits of precision.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public double Uniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>Uniform integer in [0, <paramref name="maxExclusive"/>), without modulo bias.</summary>
    public int NextInt(int maxExclusive)
    {
        if (maxExclusive <= 0) throw new ArgumentOutOfRangeException(nameof(maxExclusive), maxExclusive, "must be positive");
        ulong bound = (ulong)maxExclusive;
        ulong threshold = (0UL - bound) % bound;
        while (true)
        {
            ulong x = NextUInt64();
            if (x >= threshold) return (int)(x % bound);
        }
    }

    /// <summary>Uniform integer in [<paramref name="low"/>, <paramref name="highExclusive"/>).</summary>
    public int NextInt(int low, int highExclusive) => low + NextInt(highExclusive - low);

    /// <summary>True with probability <paramref name="p"/>.</summary>
    public bool Bernoulli(double p) => NextDouble() < p;

    /// <summary>A uniformly random permutation of 0..n-1 (Fisher-Yates).</summary>
    public int[] Permutation(int n)
    {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        for (int i = n - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    const ulong Golden = 0x9E3779B97F4A7C15UL;

    // SplitMix64's finaliser: a bijective mix, so distinct keys give distinct seeds.
    static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    // xoshiro's authors seed its state with SplitMix64 outputs (never all zero).
    void Seed(ulong hash)
    {
        _s0 = Mix(hash += Golden);
        _s1 = Mix(hash += Golden);
        _s2 = Mix(hash += Golden);
        _s3 = Mix(hash + Golden);
    }

    static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
