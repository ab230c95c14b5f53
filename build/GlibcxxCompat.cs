// The libstdc++ compatibility fix for TorchSharp's native library (see ../shared/ENVIRONMENT.md).
//
// TorchSharp 0.107's libLibTorchSharp.so records a need for GLIBCXX_3.4.32 (GCC 13), only because
// <iostream> references _ZSt21ios_base_library_initv, which is never called. Debian 12 ships
// libstdc++ up to GLIBCXX_3.4.30, so the loader refuses the library. Marking that version need
// VER_FLG_WEAK in .gnu.version_r makes the loader accept it; nothing else changes.
//
// This file is compiled twice: by MSBuild's RoslynCodeTaskFactory as the build task (so no
// Python or other tool is needed), and into Dupr.Core (DUPR_CORE defined) so `dupr env` can
// report the state of the loaded library. Keep it to plain C# that both compilers accept.
#nullable enable
using System;
using System.IO;
using System.Text;

namespace Dupr.Build
{
    /// <summary>Reads and sets the weak flag of one symbol-version need in an ELF64 shared library.</summary>
    public static class GlibcxxCompat
    {
        /// <summary>The version TorchSharp's native library needs and older libstdc++ lacks.</summary>
        public const string NeededVersion = "GLIBCXX_3.4.32";

        const int ShtGnuVerneed = 0x6ffffffe;
        const ushort VerFlgWeak = 0x2;

        /// <summary>What a library says about one version need.</summary>
        public enum NeedState { NotElf64, NotNeeded, Required, Weak }

        /// <summary>Reports whether <paramref name="path"/> needs <paramref name="version"/> and how strongly.</summary>
        public static NeedState Inspect(string path, string version = NeededVersion)
        {
            byte[] elf = File.ReadAllBytes(path);
            int offset = FindVernauxFlags(elf, version, out bool isElf);
            if (!isElf) return NeedState.NotElf64;
            if (offset < 0) return NeedState.NotNeeded;
            return (BitConverter.ToUInt16(elf, offset) & VerFlgWeak) != 0 ? NeedState.Weak : NeedState.Required;
        }

        /// <summary>Marks the need weak; returns true if the file changed. Idempotent.</summary>
        public static bool MakeWeak(string path, string version = NeededVersion)
        {
            byte[] elf = File.ReadAllBytes(path);
            int offset = FindVernauxFlags(elf, version, out bool isElf);
            if (!isElf || offset < 0) return false;
            ushort flags = BitConverter.ToUInt16(elf, offset);
            if ((flags & VerFlgWeak) != 0) return false;
            flags |= VerFlgWeak;
            elf[offset] = (byte)(flags & 0xff);
            elf[offset + 1] = (byte)(flags >> 8);
            // A new file renamed over the old one, never a write in place: the build hard-links bin's libraries to the NuGet
            // cache (Directory.Build.props), and the cache's copy must stay as shipped. The copy keeps the file's mode.
            string temp = path + ".dupr-tmp";
            File.Copy(path, temp, true);
            File.WriteAllBytes(temp, elf);
            File.Replace(temp, path, null);
            return true;
        }

        /// <summary>The libstdc++ this process loaded (what the dynamic loader resolves), or a usual path.</summary>
        public static string? SystemLibStdCxx()
        {
            try
            {
                foreach (string line in File.ReadLines("/proc/self/maps"))
                {
                    int slash = line.IndexOf('/');
                    if (slash >= 0 && line.IndexOf("libstdc++.so", StringComparison.Ordinal) >= 0)
                        return line.Substring(slash).Trim();
                }
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            string[] usual =
            {
                "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
                "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
            };
            foreach (string candidate in usual)
                if (File.Exists(candidate)) return candidate;
            return null;
        }

        /// <summary>True when the system libstdc++ defines <paramref name="version"/> (then no fix is needed).</summary>
        public static bool SystemProvides(string version = NeededVersion)
        {
            string? lib = SystemLibStdCxx();
            return lib != null && Provides(lib, version);
        }

        /// <summary>True when the library at <paramref name="path"/> names <paramref name="version"/> as a string.</summary>
        public static bool Provides(string path, string version = NeededVersion)
        {
            byte[] needle = Encoding.ASCII.GetBytes("\0" + version + "\0");
            return IndexOf(File.ReadAllBytes(path), needle) >= 0;
        }

        static int IndexOf(byte[] haystack, byte[] needle)
        {
            for (int i = 0; i + needle.Length <= haystack.Length; i++)
            {
                int j = 0;
                while (j < needle.Length && haystack[i + j] == needle[j]) j++;
                if (j == needle.Length) return i;
            }
            return -1;
        }

        // Returns the file offset of vna_flags of the vernaux entry named `version`, or -1.
        static int FindVernauxFlags(byte[] elf, string version, out bool isElf)
        {
            isElf = elf.Length >= 64 && elf[0] == 0x7f && elf[1] == (byte)'E' && elf[2] == (byte)'L' && elf[3] == (byte)'F'
                    && elf[4] == 2 /* ELFCLASS64 */ && elf[5] == 1 /* little endian */;
            if (!isElf) return -1;
            long shoff = BitConverter.ToInt64(elf, 0x28);
            int shentsize = BitConverter.ToUInt16(elf, 0x3A);
            int shnum = BitConverter.ToUInt16(elf, 0x3C);
            for (int s = 0; s < shnum; s++)
            {
                int sh = checked((int)(shoff + (long)s * shentsize));
                if (BitConverter.ToUInt32(elf, sh + 4) != ShtGnuVerneed) continue;
                int verneed = checked((int)BitConverter.ToInt64(elf, sh + 24));
                int link = (int)BitConverter.ToUInt32(elf, sh + 40);
                int count = (int)BitConverter.ToUInt32(elf, sh + 44);
                int strtab = checked((int)BitConverter.ToInt64(elf, checked((int)(shoff + (long)link * shentsize)) + 24));
                int need = verneed;
                for (int n = 0; n < count; n++)
                {
                    int auxCount = BitConverter.ToUInt16(elf, need + 2);
                    int aux = need + (int)BitConverter.ToUInt32(elf, need + 8);
                    for (int a = 0; a < auxCount; a++)
                    {
                        int name = strtab + (int)BitConverter.ToUInt32(elf, aux + 8);
                        if (CStringEquals(elf, name, version)) return aux + 4;
                        aux += (int)BitConverter.ToUInt32(elf, aux + 12);
                    }
                    need += (int)BitConverter.ToUInt32(elf, need + 12);
                }
            }
            return -1;
        }

        static bool CStringEquals(byte[] bytes, int at, string value)
        {
            if (at + value.Length >= bytes.Length) return false;
            for (int i = 0; i < value.Length; i++)
                if (bytes[at + i] != (byte)value[i]) return false;
            return bytes[at + value.Length] == 0;
        }
    }

#if !DUPR_CORE
    /// <summary>MSBuild task: applies the fix to every libLibTorchSharp.so under a build or publish folder.</summary>
    public class PatchTorchSharpNative : Microsoft.Build.Utilities.Task
    {
        [Microsoft.Build.Framework.Required]
        public string Directory { get; set; } = "";

        public override bool Execute()
        {
            if (!System.IO.Directory.Exists(Directory)) return true;
            string[] libraries = System.IO.Directory.GetFiles(Directory, "libLibTorchSharp.so", SearchOption.AllDirectories);
            if (libraries.Length == 0) return true;
            if (GlibcxxCompat.SystemProvides())
            {
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low,
                    "System libstdc++ provides " + GlibcxxCompat.NeededVersion + "; TorchSharp needs no fix.");
                return true;
            }
            foreach (string library in libraries)
            {
                if (GlibcxxCompat.MakeWeak(library))
                    Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High,
                        "dupr: marked " + GlibcxxCompat.NeededVersion + " weak in " + library);
            }
            return true;
        }
    }
#endif
}
