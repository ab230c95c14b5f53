using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Dupr.Tests;

/// <summary>
/// A tiny, well-formed PNG whose IHDR claims any size (a decompression bomb's header): valid CRCs and one row of
/// pixel data, so a decoder accepts the header and would allocate width x height pixels.
/// </summary>
public static class ClaimedSizePng
{
    /// <summary>The file's bytes: an 8-bit RGB image that says it is <paramref name="width"/> x <paramref name="height"/>.</summary>
    public static byte[] Bytes(int width, int height)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // colour type RGB
        using var data = new MemoryStream();
        using (var zlib = new ZLibStream(data, CompressionLevel.SmallestSize, leaveOpen: true)) zlib.Write(new byte[16]);
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        Chunk(png, "IHDR", ihdr);
        Chunk(png, "IDAT", data.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    static void Chunk(Stream png, string type, byte[] payload)
    {
        var header = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(header, payload.Length);
        Encoding.ASCII.GetBytes(type, header.AsSpan(4));
        png.Write(header);
        png.Write(payload);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32([.. header[4..], .. payload]));
        png.Write(crc);
    }

    // PNG's CRC-32 (ISO 3309, reflected polynomial 0xEDB88320) over the chunk type and data.
    static uint Crc32(byte[] bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }
}
