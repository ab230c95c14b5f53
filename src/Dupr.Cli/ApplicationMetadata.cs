using Cocona.Application;

namespace Dupr.Cli;

/// <summary>Names the program `dupr` in help text, however it was started (apphost or `dotnet dupr.dll`).</summary>
public sealed class ApplicationMetadata : ICoconaApplicationMetadataProvider
{
    public string GetExecutableName() => "dupr";
    public string GetProductName() => "dupr";
    public string GetVersion() => typeof(ApplicationMetadata).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
    public string GetDescription() =>
        "DUPR: pre-train backbones with deeply unsupervised patch re-identification (or MoCo v2), fine-tune detectors, evaluate and benchmark.";
}
