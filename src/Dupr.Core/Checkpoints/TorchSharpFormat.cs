using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Dupr.Core.Checkpoints;

/// <summary>Reads and writes TorchSharp's state-dict format (what Module.save writes and Module.load reads).</summary>
internal static class TorchSharpFormat
{
    // More entries than any real network has: a larger count means the file is not in this format.
    private const long MaxEntries = 10_000_000;

    public static StateDict Read(Stream stream)
    {
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        var result = new StateDict();
        try
        {
            long count = ReadCount(reader);
            if (count is < 0 or > MaxEntries) throw new InvalidDataException($"implausible entry count {count}");
            for (long i = 0; i < count; i++)
            {
                string key = reader.ReadString();
                result.Add(key, TensorExtensionMethods.Load(reader));
            }
            if (stream.Position != stream.Length) throw new InvalidDataException("unexpected bytes after the last tensor");
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    public static void Write(Stream stream, IReadOnlyList<KeyValuePair<string, Tensor>> entries)
    {
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        WriteCount(writer, entries.Count);
        foreach (var (key, tensor) in entries)
        {
            writer.Write(key);
            tensor.Save(writer);
        }
    }

    // The entry count is an unsigned LEB128 varint (TorchSharp's LEB128Codec, which is internal).
    private static long ReadCount(BinaryReader reader)
    {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            byte b = reader.ReadByte();
            value |= (long)(b & 0x7f) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw new InvalidDataException("malformed entry count");
    }

    private static void WriteCount(BinaryWriter writer, long value)
    {
        do
        {
            byte b = (byte)(value & 0x7f);
            value >>= 7;
            writer.Write(value == 0 ? b : (byte)(b | 0x80));
        } while (value != 0);
    }
}
