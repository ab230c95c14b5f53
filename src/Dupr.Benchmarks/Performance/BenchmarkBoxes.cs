namespace Dupr.Benchmarks.Performance;

/// <summary>
/// Seeded RPN-like boxes and scores for the ops benchmark, from SplitMix64 so that
/// tools/reference/bench_ops_torchvision.py draws exactly the same ones.
/// </summary>
public sealed class BenchmarkBoxes
{
    /// <summary>The smallest box side drawn, in pixels.</summary>
    public const double MinSide = 16;

    ulong _state;

    /// <summary>A generator started from <paramref name="seed"/>.</summary>
    public BenchmarkBoxes(ulong seed) => _state = seed;

    /// <summary>
    /// <paramref name="count"/> boxes (x1, y1, x2, y2) in an image: centres uniform, width and height
    /// log-uniform from <see cref="MinSide"/> to the image's size, clipped to the image.
    /// </summary>
    public float[] Boxes(int count, double imageHeight, double imageWidth)
    {
        var boxes = new float[count * 4];
        for (int i = 0; i < count; i++)
        {
            double cx = Next() * imageWidth, cy = Next() * imageHeight;
            double w = MinSide * Math.Exp(Next() * Math.Log(imageWidth / MinSide));
            double h = MinSide * Math.Exp(Next() * Math.Log(imageHeight / MinSide));
            boxes[4 * i] = (float)Math.Max(0, cx - w / 2);
            boxes[4 * i + 1] = (float)Math.Max(0, cy - h / 2);
            boxes[4 * i + 2] = (float)Math.Min(imageWidth, cx + w / 2);
            boxes[4 * i + 3] = (float)Math.Min(imageHeight, cy + h / 2);
        }
        return boxes;
    }

    /// <summary><paramref name="count"/> scores uniform in [0, 1).</summary>
    public float[] Scores(int count)
    {
        var scores = new float[count];
        for (int i = 0; i < count; i++) scores[i] = (float)Next();
        return scores;
    }

    /// <summary>The next double in [0, 1): the top 53 bits of SplitMix64.</summary>
    double Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }
}
