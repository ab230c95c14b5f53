using System.Runtime.CompilerServices;
using Dupr.Core.Training;

namespace Dupr.Tests;

/// <summary>Tests run the trainers as the dupr command line does: errors name its flags (Dupr.Cli's Program.RunOptions).</summary>
static class RunOptionNamesAtLoad
{
#pragma warning disable CA2255 // Test hosts have no Main: this is the one place that runs before every test.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Apply() => RunOptionNames.Current = new("--resume", "--seed", "--data", "--output");
}
