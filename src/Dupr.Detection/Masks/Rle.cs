namespace Dupr.Detection.Masks;

/// <summary>
/// A binary mask in COCO run-length encoding: alternating runs of 0s and 1s (starting with 0s) over the
/// pixels in column-major order, as cocoapi's maskApi.c stores it.
/// </summary>
public sealed class Rle
{
    /// <summary>Mask height in pixels.</summary>
    public int Height { get; }

    /// <summary>Mask width in pixels.</summary>
    public int Width { get; }

    /// <summary>Run lengths; even positions count 0s, odd positions count 1s.</summary>
    public uint[] Counts { get; }

    /// <summary>Wraps <paramref name="counts"/> (not copied) for a <paramref name="height"/> x <paramref name="width"/> mask.</summary>
    public Rle(int height, int width, uint[] counts)
    {
        if (height < 0 || width < 0) throw new ArgumentOutOfRangeException(nameof(height), $"mask size must be non-negative, got {height}x{width}");
        Height = height;
        Width = width;
        Counts = counts;
    }

    /// <summary>Number of foreground pixels (maskApi.c rleArea: the sum of the odd runs, in uint arithmetic).</summary>
    public uint Area()
    {
        uint area = 0;
        for (int j = 1; j < Counts.Length; j += 2) area += Counts[j];
        return area;
    }

    /// <summary>Encodes a mask given pixel by pixel in column-major order (pycocotools' Fortran-order input); non-zero is foreground.</summary>
    public static Rle FromColumnMajor(ReadOnlySpan<byte> mask, int height, int width)
    {
        CheckLength(mask.Length, height, width);
        var counts = new List<uint>();
        // maskApi.c rleEncode: a new run starts whenever the value changes; the first run counts 0s.
        byte previous = 0;
        uint run = 0;
        foreach (byte value in mask)
        {
            byte bit = value != 0 ? (byte)1 : (byte)0;
            if (bit != previous)
            {
                counts.Add(run);
                run = 0;
                previous = bit;
            }
            run++;
        }
        counts.Add(run);
        return new Rle(height, width, counts.ToArray());
    }

    /// <summary>Encodes a mask given in row-major (height, width) order, the layout of image tensors.</summary>
    public static Rle FromRowMajor(ReadOnlySpan<byte> mask, int height, int width)
    {
        CheckLength(mask.Length, height, width);
        var columnMajor = new byte[mask.Length];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                columnMajor[x * height + y] = mask[y * width + x];
        return FromColumnMajor(columnMajor, height, width);
    }

    /// <summary>Decodes to 0/1 bytes in column-major order (maskApi.c rleDecode).</summary>
    public byte[] ToColumnMajor()
    {
        var mask = new byte[checked(Height * Width)];
        int position = 0;
        byte value = 0;
        foreach (uint run in Counts)
        {
            if (run > mask.Length - position) throw new InvalidOperationException($"RLE runs cover more than the {Height}x{Width} mask");
            mask.AsSpan(position, (int)run).Fill(value);
            position += (int)run;
            value ^= 1;
        }
        return mask;
    }

    /// <summary>Decodes to 0/1 bytes in row-major (height, width) order.</summary>
    public byte[] ToRowMajor()
    {
        byte[] columnMajor = ToColumnMajor();
        var mask = new byte[columnMajor.Length];
        for (int x = 0; x < Width; x++)
            for (int y = 0; y < Height; y++)
                mask[y * Width + x] = columnMajor[x * Height + y];
        return mask;
    }

    /// <summary>
    /// The tight bounding box [x, y, w, h] of the foreground (maskApi.c rleToBbox, including its rule that a run
    /// of 1s wrapping over a column boundary spans the full height, and its uint arithmetic).
    /// </summary>
    public BoxXywh ToBbox()
    {
        uint h = (uint)Height, w = (uint)Width;
        int m = Counts.Length / 2 * 2;
        if (m == 0) return new BoxXywh(0, 0, 0, 0);
        uint xs = w, ys = h, xe = 0, ye = 0, cc = 0, xp = 0;
        for (int j = 0; j < m; j++)
        {
            cc += Counts[j];
            uint t = cc - (uint)(j % 2);
            uint y = t % h, x = (t - y) / h;
            if (j % 2 == 0) xp = x;
            else if (xp < x) { ys = 0; ye = h - 1; }
            xs = Math.Min(xs, x); xe = Math.Max(xe, x);
            ys = Math.Min(ys, y); ye = Math.Max(ye, y);
        }
        return new BoxXywh(xs, ys, xe - xs + 1, ye - ys + 1);
    }

    /// <summary>The compressed string form (cocoapi's "counts" string).</summary>
    public string ToCompressedString() => RleString.Encode(Counts);

    /// <summary>Parses the compressed string form for a <paramref name="height"/> x <paramref name="width"/> mask.</summary>
    public static Rle FromCompressedString(string counts, int height, int width) => new(height, width, RleString.Decode(counts));

    static void CheckLength(int length, int height, int width)
    {
        if (height < 0 || width < 0 || (long)height * width != length)
            throw new ArgumentException($"mask has {length} pixels, expected {height}x{width}");
    }
}
