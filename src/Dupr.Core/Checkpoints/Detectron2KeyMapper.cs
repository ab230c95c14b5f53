using System.Text.RegularExpressions;

namespace Dupr.Core.Checkpoints;

/// <summary>
/// Maps ResNet keys between torchvision names (conv1, bn1, layer1..4, downsample.0/1, fc) and detectron2 names
/// (stem.conv1[.norm], res2..5, convN[.norm], shortcut[.norm], linear). Keys of neither scheme pass through unchanged.
/// </summary>
public sealed partial class Detectron2KeyMapper : KeyMapper
{
    private readonly (Regex Pattern, Func<Match, string> Rename)[] rules;

    private Detectron2KeyMapper(params (Regex, Func<Match, string>)[] rules) => this.rules = rules;

    /// <summary>detectron2 names to torchvision names.</summary>
    public static Detectron2KeyMapper ToTorchVision { get; } = new(
        (StemNorm(), m => $"bn1.{m.Groups[1]}"),
        (StemConv(), m => $"conv1.{m.Groups[1]}"),
        // detectron2's conversion scripts (torchvision and MoCo) put every non-stage key under "stem.", fc included.
        (StemOther(), m => m.Groups[1].Value),
        (StageConvNorm(), m => $"layer{Layer(m)}.{m.Groups[2]}.bn{m.Groups[3]}.{m.Groups[4]}"),
        (StageConv(), m => $"layer{Layer(m)}.{m.Groups[2]}.conv{m.Groups[3]}.{m.Groups[4]}"),
        (ShortcutNorm(), m => $"layer{Layer(m)}.{m.Groups[2]}.downsample.1.{m.Groups[3]}"),
        (ShortcutConv(), m => $"layer{Layer(m)}.{m.Groups[2]}.downsample.0.{m.Groups[3]}"),
        (Linear(), m => $"fc.{m.Groups[1]}"));

    /// <summary>torchvision names to detectron2 names.</summary>
    public static Detectron2KeyMapper FromTorchVision { get; } = new(
        (TvConv1(), m => $"stem.conv1.{m.Groups[1]}"),
        (TvBn1(), m => $"stem.conv1.norm.{m.Groups[1]}"),
        (TvConv(), m => $"res{Res(m)}.{m.Groups[2]}.conv{m.Groups[3]}.{m.Groups[4]}"),
        (TvBn(), m => $"res{Res(m)}.{m.Groups[2]}.conv{m.Groups[3]}.norm.{m.Groups[4]}"),
        (TvDownsample(), m => $"res{Res(m)}.{m.Groups[2]}.shortcut{(m.Groups[3].Value == "1" ? ".norm" : "")}.{m.Groups[4]}"),
        (TvFc(), m => $"linear.{m.Groups[1]}"));

    public override string? Map(string key)
    {
        foreach (var (pattern, rename) in rules)
            if (pattern.Match(key) is { Success: true } match)
                return rename(match);
        return key;
    }

    // res2..res5 are torchvision's layer1..layer4.
    private static int Layer(Match m) => int.Parse(m.Groups[1].Value) - 1;
    private static int Res(Match m) => int.Parse(m.Groups[1].Value) + 1;

    [GeneratedRegex(@"^stem\.conv1\.norm\.(.+)$")] private static partial Regex StemNorm();
    [GeneratedRegex(@"^stem\.conv1\.(.+)$")] private static partial Regex StemConv();
    [GeneratedRegex(@"^stem\.(.+)$")] private static partial Regex StemOther();
    [GeneratedRegex(@"^res([2-5])\.(\d+)\.conv(\d)\.norm\.(.+)$")] private static partial Regex StageConvNorm();
    [GeneratedRegex(@"^res([2-5])\.(\d+)\.conv(\d)\.(.+)$")] private static partial Regex StageConv();
    [GeneratedRegex(@"^res([2-5])\.(\d+)\.shortcut\.norm\.(.+)$")] private static partial Regex ShortcutNorm();
    [GeneratedRegex(@"^res([2-5])\.(\d+)\.shortcut\.(.+)$")] private static partial Regex ShortcutConv();
    [GeneratedRegex(@"^linear\.(.+)$")] private static partial Regex Linear();
    [GeneratedRegex(@"^conv1\.(.+)$")] private static partial Regex TvConv1();
    [GeneratedRegex(@"^bn1\.(.+)$")] private static partial Regex TvBn1();
    [GeneratedRegex(@"^layer([1-4])\.(\d+)\.conv(\d)\.(.+)$")] private static partial Regex TvConv();
    [GeneratedRegex(@"^layer([1-4])\.(\d+)\.bn(\d)\.(.+)$")] private static partial Regex TvBn();
    [GeneratedRegex(@"^layer([1-4])\.(\d+)\.downsample\.([01])\.(.+)$")] private static partial Regex TvDownsample();
    [GeneratedRegex(@"^fc\.(.+)$")] private static partial Regex TvFc();
}
