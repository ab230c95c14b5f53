using System.Text;

namespace Dupr.Detection.Masks;

/// <summary>
/// cocoapi's compressed RLE string: each count (after the third, as a difference to the count two places
/// earlier) in a LEB128-like form of 5 data bits per character, ASCII 48..111 (maskApi.c rleToString/rleFrString).
/// </summary>
public static class RleString
{
    /// <summary>The compressed string of <paramref name="counts"/>.</summary>
    public static string Encode(ReadOnlySpan<uint> counts)
    {
        var text = new StringBuilder(counts.Length * 2);
        for (int i = 0; i < counts.Length; i++)
        {
            long x = counts[i];
            if (i > 2) x -= counts[i - 2];
            bool more = true;
            while (more)
            {
                int c = (int)(x & 0x1f);
                x >>= 5;
                // Bit 0x10 of the last character carries the sign, as in LEB128.
                more = (c & 0x10) != 0 ? x != -1 : x != 0;
                if (more) c |= 0x20;
                text.Append((char)(c + 48));
            }
        }
        return text.ToString();
    }

    /// <summary>The counts in the compressed string <paramref name="text"/>.</summary>
    /// <exception cref="FormatException">A character outside 48..111, a truncated or an over-long count.</exception>
    public static uint[] Decode(string text)
    {
        var counts = new List<uint>(text.Length);
        int p = 0;
        while (p < text.Length)
        {
            long x = 0;
            int k = 0;
            bool more = true;
            while (more)
            {
                if (p >= text.Length) throw new FormatException($"RLE string ends inside a count at character {p}");
                int c = text[p] - 48;
                if (c < 0 || c > 63) throw new FormatException($"RLE string has character '{text[p]}' at {p}, outside '0'..'o'");
                if (k >= 7) throw new FormatException($"RLE string has a count longer than 7 characters at {p}");
                // maskApi.c shifts a 32-bit int and widens the result; mirrored so even 7-character counts agree.
                x |= (long)((c & 0x1f) << (5 * k));
                more = (c & 0x20) != 0;
                p++;
                k++;
                if (!more && (c & 0x10) != 0) x |= (long)(-1 << (5 * k));
            }
            if (counts.Count > 2) x += counts[^2];
            counts.Add((uint)x);
        }
        return counts.ToArray();
    }
}
