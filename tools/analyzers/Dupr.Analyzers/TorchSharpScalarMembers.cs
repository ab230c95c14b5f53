using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;

namespace Dupr.Analyzers;

/// <summary>
/// The public TorchSharp and TorchVision members that make a temporary Scalar inside themselves, from
/// TorchSharpScalarMembers.txt (made from TorchSharp's sources by tools/analyzers/TorchSharpScalarAudit), resolved in one
/// compilation.
/// </summary>
internal sealed class TorchSharpScalarMembers
{
    private readonly HashSet<ISymbol> members = new(SymbolEqualityComparer.Default);
    private readonly List<IMethodSymbol> virtuals = new();
    private readonly HashSet<IAssemblySymbol> assemblies = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<ITypeSymbol, Hazard?> hazards = new(SymbolEqualityComparer.Default);

    /// <summary>A type whose own implementation of a virtual member (forward, step) is listed.</summary>
    public sealed class Hazard(string display, IMethodSymbol method)
    {
        public string Display { get; } = display;
        public IMethodSymbol Method { get; } = method;
    }

    public TorchSharpScalarMembers(Compilation compilation)
    {
        foreach (string id in Ids())
            foreach (ISymbol symbol in DocumentationCommentId.GetSymbolsForDeclarationId(id, compilation))
            {
                members.Add(symbol);
                assemblies.Add(symbol.ContainingAssembly);
                if (symbol is IMethodSymbol { IsVirtual: true } or IMethodSymbol { IsOverride: true } or IMethodSymbol { IsAbstract: true })
                    virtuals.Add((IMethodSymbol)symbol);
            }
    }

    /// <summary>True for a listed method, accessor, operator or constructor (any instantiation of it).</summary>
    public bool Contains(IMethodSymbol method) => members.Contains((method.ReducedFrom ?? method).OriginalDefinition);

    /// <summary>True for an assembly that defines a listed member (TorchSharp's or TorchVision's).</summary>
    public bool IsTorchSharpAssembly(IAssemblySymbol assembly) => assemblies.Contains(assembly);

    /// <summary>The listed virtual member that <paramref name="type"/> runs as its own implementation, if any.</summary>
    public Hazard? HazardOf(ITypeSymbol? type) => type is null || virtuals.Count == 0 ? null : hazards.GetOrAdd(type, Find);

    private Hazard? Find(ITypeSymbol type)
    {
        foreach (IMethodSymbol listed in virtuals)
            if (Implementation(type, listed) is { } implementation && members.Contains(implementation.OriginalDefinition))
                return new Hazard($"{type.Name}.{listed.Name}", listed);
        return null;
    }

    /// <summary>The most derived override of <paramref name="listed"/> that <paramref name="type"/> runs, or null when it has none.</summary>
    private static IMethodSymbol? Implementation(ITypeSymbol type, IMethodSymbol listed)
    {
        for (ITypeSymbol? t = type; t is not null; t = t.BaseType)
        {
            foreach (ISymbol member in t.GetMembers(listed.Name))
                if (member is IMethodSymbol method && Overrides(method, listed))
                    return method;
        }
        return null;
    }

    private static bool Overrides(IMethodSymbol method, IMethodSymbol listed)
    {
        for (IMethodSymbol? m = method; m is not null; m = m.OverriddenMethod)
            if (SymbolEqualityComparer.Default.Equals(m.OriginalDefinition, listed.OriginalDefinition))
                return true;
        return false;
    }

    private static IEnumerable<string> Ids()
    {
        using var stream = typeof(TorchSharpScalarMembers).Assembly.GetManifestResourceStream("TorchSharpScalarMembers.txt")
            ?? throw new InvalidOperationException("TorchSharpScalarMembers.txt is not embedded in Dupr.Analyzers");
        using var reader = new StreamReader(stream);
        var ids = new List<string>();
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
            if (line.Length > 0 && line[0] != '#')
                ids.Add(line.Split('\t')[0]);
        return ids;
    }
}
