using System.Runtime.CompilerServices;
using Dupr.Core.Runtime;

namespace Dupr.Tests;

/// <summary>Applies <see cref="NativeEnvironment"/> when a test assembly loads, before any test's first tensor.</summary>
static class NativeEnvironmentAtLoad
{
#pragma warning disable CA2255 // Test hosts have no Main: this is the one place that runs before every test.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Apply() => NativeEnvironment.Apply();
}
