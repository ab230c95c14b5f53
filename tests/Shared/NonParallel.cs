namespace Dupr.Tests;

/// <summary>Tests that count live tensors process-wide (Tensor.TotalCount) join this collection, so no other test runs beside them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NonParallel
{
    public const string Name = "NonParallel";
}
