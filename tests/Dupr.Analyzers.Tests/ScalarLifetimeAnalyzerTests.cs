using System.Collections.Immutable;
using System.Reflection;
using Dupr.Analyzers;
using Dupr.Core.Runtime;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Dupr.Analyzers.Tests;

public class ScalarLifetimeAnalyzerTests
{
    static readonly MetadataReference[] References = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
        .Split(Path.PathSeparator)
        .Concat([typeof(TorchSharp.Scalar).Assembly.Location, Assembly.Load("TorchVision").Location, typeof(Scalars).Assembly.Location])
        .Distinct()
        .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
        .ToArray();

    static CSharpCompilation Compile(string body)
    {
        string source = $$"""
            using System.Collections.Generic;
            using Dupr.Core.Training;
            using TorchSharp;
            using static Dupr.Core.Runtime.Scalars;
            using static TorchSharp.torch;

            static class Probe
            {
                static readonly Scalar Half = 0.5;
                static readonly Scalar Quarter = 0.25.ToScalar();

                static void Run(Tensor t, Tensor u, IEnumerable<TorchSharp.Modules.Parameter> parameters)
                {
                    {{body}}
                }
            }
            """;
        var compilation = CSharpCompilation.Create("Probe", [CSharpSyntaxTree.ParseText(source)], References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        return compilation;
    }

    static ImmutableArray<Diagnostic> Analyze(string body) =>
        Compile(body).WithAnalyzers([new ScalarLifetimeAnalyzer()]).GetAnalyzerDiagnosticsAsync().Result;

    [Theory]
    [InlineData("t.mul_(0.5);", "DUPR001")]
    [InlineData("t.clamp_(0, 255);", "DUPR001")]
    [InlineData("t.add_(u, alpha: 0.1);", "DUPR001")]
    [InlineData("var s = full([2], 1.5f);", "DUPR001")]
    [InlineData("var s = t * 2.0;", "DUPR002")]
    [InlineData("var s = 1.0 - t;", "DUPR002")]
    [InlineData("var s = t + u;", "DUPR002")]
    [InlineData("t.add_(u);", "DUPR002")]
    [InlineData("t += 1;", "DUPR002")]
    [InlineData("double d = t.ToDouble();", "DUPR002")]
    [InlineData("var o = optim.SGD(parameters, 0.1, momentum: 0.9);", "DUPR002")]
    [InlineData("var m = nn.BatchNorm2d(4);", "DUPR002")]
    [InlineData("t.mul_(0.5.ToScalar());", "DUPR003")]
    [InlineData("var s = 0.5.ToScalar(); t.mul_(s);", "DUPR003")]
    [InlineData("var s = S(0.5); t.mul_(s);", "DUPR004")]
    public void ReportsATemporaryScalar(string body, string id)
    {
        var diagnostics = Analyze(body);
        Assert.NotEmpty(diagnostics);
        Assert.All(diagnostics, d => Assert.Equal((id, DiagnosticSeverity.Error), (d.Id, d.Severity)));
        Assert.Contains(id == "DUPR004" ? "recycles" : "finalizer", diagnostics[0].GetMessage());
    }

    [Theory]
    [InlineData("t.mul_(S(0.5));")]
    [InlineData("t.clamp_(S(0), S(255));")]
    [InlineData("t.add_(u, alpha: S(0.1));")]
    [InlineData("var s = t.mul(S(2.0)).add(u, One);")]
    [InlineData("var s = t.negative().add(S(1.0), One);")]
    [InlineData("var s = t - u;")]
    [InlineData("var m = t > S(0.5);")]
    [InlineData("t.mul_(t.numel() > 1 ? S(2) : S(3));")]
    [InlineData("using var s = 0.5.ToScalar(); t.mul_(s);")]
    [InlineData("t.mul_(Half).add_(u, Quarter);")]
    [InlineData("using var o = new Sgd(parameters, 0.1, momentum: 0.9); o.step();")]
    public void AcceptsOwnedScalars(string body) => Assert.Empty(Analyze(body));

    [Fact]
    public void EveryListedMemberExistsInTheReferencedTorchSharp()
    {
        var compilation = Compile("");
        using var stream = typeof(ScalarLifetimeAnalyzer).Assembly.GetManifestResourceStream("TorchSharpScalarMembers.txt")!;
        var ids = new StreamReader(stream).ReadToEnd().Split('\n')
            .Where(line => line.Length > 0 && line[0] != '#')
            .Select(line => line.Split('\t')[0])
            .ToList();
        Assert.True(ids.Count > 300, $"only {ids.Count} members listed");
        var missing = ids.Where(id => DocumentationCommentId.GetSymbolsForDeclarationId(id, compilation).IsEmpty).ToList();
        Assert.True(missing.Count == 0, $"not in this TorchSharp (regenerate the list, see tools/analyzers/README.md): {string.Join(", ", missing.Take(5))}");
    }
}
