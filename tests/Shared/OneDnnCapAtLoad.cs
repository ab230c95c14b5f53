using System.Runtime.CompilerServices;
using Dupr.Core.Runtime;

namespace Dupr.Tests;

/// <summary>Applies <see cref="OneDnnIsaCap"/> when a test assembly loads, before any test's first convolution.</summary>
static class OneDnnCapAtLoad
{
#pragma warning disable CA2255 // Test hosts have no Main: this is the one place that runs before every test.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Apply() => OneDnnIsaCap.Apply();
}
