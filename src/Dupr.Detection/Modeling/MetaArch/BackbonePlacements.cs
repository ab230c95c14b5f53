using Dupr.Core.Checkpoints;

namespace Dupr.Detection.Modeling.MetaArch;

/// <summary>Where a torchvision-named ResNet checkpoint's keys go in each kind of detector (the classifier, fc.*, is dropped).</summary>
public static class BackbonePlacements
{
    /// <summary>C4: stem..res4 into backbone.*, res5 (layer4) into the box head's roi_heads.res5.*.</summary>
    public static KeyMapper C4 { get; } = new C4Placement();

    /// <summary>FPN detectors: the whole ResNet under backbone.bottom_up.*.</summary>
    public static KeyMapper BottomUp { get; } = new BottomUpPlacement();

    sealed class C4Placement : KeyMapper
    {
        const string Res5 = "layer4.";

        public override string? Map(string key) =>
            key.StartsWith("fc.", StringComparison.Ordinal) ? null
            : key.StartsWith(Res5, StringComparison.Ordinal) ? "roi_heads.res5." + key[Res5.Length..]
            : "backbone." + key;
    }

    sealed class BottomUpPlacement : KeyMapper
    {
        public override string? Map(string key) => key.StartsWith("fc.", StringComparison.Ordinal) ? null : "backbone.bottom_up." + key;
    }
}
