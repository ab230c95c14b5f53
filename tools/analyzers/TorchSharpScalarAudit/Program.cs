using Dupr.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Operations;

// Usage: TorchSharpScalarAudit <TorchSharp checkout>/src <label>  > ../Dupr.Analyzers/TorchSharpScalarMembers.txt
// Compiles TorchSharp's and TorchVision's sources (against this runtime's assemblies; the few errors from unresolved
// build-time constants do not touch the Scalar code), finds every member that makes a Scalar nothing owns (the analyzer's
// own rules), then every public member that reaches one through calls inside TorchSharp.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: TorchSharpScalarAudit <TorchSharp src folder> <label, e.g. 'TorchSharp 0.107.0 at <commit>'>");
    return 2;
}
string root = args[0];
var parseOptions = new CSharpParseOptions(LanguageVersion.Latest, preprocessorSymbols: ["NET6_0_OR_GREATER", "NET8_0_OR_GREATER", "NETCOREAPP"]);
var trees = new[] { "TorchSharp", "TorchVision" }
    .SelectMany(project => Directory.GetFiles(Path.Combine(root, project), "*.cs", SearchOption.AllDirectories))
    .Where(file => Path.GetFileName(file) != "netstandard.cs")
    .Select(file => CSharpSyntaxTree.ParseText(File.ReadAllText(file), parseOptions, file))
    .ToList();
var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
    .Select(path => MetadataReference.CreateFromFile(path));
var compilation = CSharpCompilation.Create("TorchSharpSources", trees, references,
    new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true));

var direct = new Dictionary<ISymbol, string>(SymbolEqualityComparer.Default);
var calls = new Dictionary<ISymbol, HashSet<ISymbol>>(SymbolEqualityComparer.Default);
foreach (var tree in trees)
{
    var model = compilation.GetSemanticModel(tree);
    foreach (var node in tree.GetRoot().DescendantNodes())
    {
        if (model.GetOperation(node) is not { Parent: null } body) continue;
        foreach (var operation in body.DescendantsAndSelf())
        {
            if (Owner(model, operation) is not { } owner) continue;
            bool temporary = operation switch
            {
                IConversionOperation c => ScalarOwnership.IsScalarConversion(c) && !ScalarOwnership.IsOwned(c),
                IInvocationOperation i => ScalarOwnership.IsToScalar(i) && !ScalarOwnership.IsOwned(i) && !ReturnsIt(owner, i),
                _ => false,
            };
            if (temporary && !direct.ContainsKey(owner))
                direct[owner] = $"{Path.GetFileName(tree.FilePath)}:{operation.Syntax.GetLocation().GetLineSpan().StartLinePosition.Line + 1}";
            foreach (var callee in Callees(operation))
            {
                if (!calls.TryGetValue(owner, out var set)) calls[owner] = set = new(SymbolEqualityComparer.Default);
                set.Add(callee);
            }
        }
    }
}

// Members that reach a temporary Scalar through calls inside TorchSharp.
var reasons = new Dictionary<ISymbol, string>(direct, SymbolEqualityComparer.Default);
for (bool changed = true; changed;)
{
    changed = false;
    foreach (var (caller, callees) in calls)
        if (!reasons.ContainsKey(caller) && callees.FirstOrDefault(reasons.ContainsKey) is { } callee)
        {
            reasons[caller] = "via " + callee.GetDocumentationCommentId();
            changed = true;
        }
}

Console.WriteLine($"# Public TorchSharp/TorchVision members that make a TorchSharp.Scalar nothing owns during the native call ({args[1]}).");
Console.WriteLine("# Made by tools/analyzers/TorchSharpScalarAudit; read by the DUPR002 rule of Dupr.Analyzers. Columns: member id, where.");
foreach (var (member, reason) in reasons.Where(r => IsPublic(r.Key) && !IsScalarConversionOperator(r.Key))
             .Select(r => (r.Key.GetDocumentationCommentId()!, r.Value)).OrderBy(r => r.Item1, StringComparer.Ordinal))
    Console.WriteLine($"{member}\t{reason}");
return 0;

// The member whose body holds an operation (lambdas and local functions count as their container's).
static ISymbol? Owner(SemanticModel model, IOperation operation)
{
    ISymbol? owner = model.GetEnclosingSymbol(operation.Syntax.SpanStart);
    while (owner is IMethodSymbol { MethodKind: MethodKind.LambdaMethod or MethodKind.LocalFunction }) owner = owner.ContainingSymbol;
    return owner is IMethodSymbol ? owner : null;
}

// Scalar's own conversion operators and ToScalar return the Scalar they make: the caller owns it.
static bool ReturnsIt(ISymbol owner, IInvocationOperation invocation) =>
    invocation.Parent is IReturnOperation && owner is IMethodSymbol method && ScalarOwnership.IsScalarType(method.ReturnType);

static bool IsScalarConversionOperator(ISymbol member) =>
    member is IMethodSymbol { MethodKind: MethodKind.Conversion } method && ScalarOwnership.IsScalarType(method.ContainingType);

// Source members an operation calls: methods, operators, constructors, accessors, method groups.
static IEnumerable<ISymbol> Callees(IOperation operation)
{
    IMethodSymbol?[] methods = operation switch
    {
        IInvocationOperation i => [i.TargetMethod],
        IObjectCreationOperation c => [c.Constructor],
        IBinaryOperation b => [b.OperatorMethod],
        IUnaryOperation u => [u.OperatorMethod],
        ICompoundAssignmentOperation a => [a.OperatorMethod],
        IConversionOperation v => [v.OperatorMethod],
        IMethodReferenceOperation m => [m.Method],
        IPropertyReferenceOperation p => [p.Property.GetMethod, p.Property.SetMethod],
        _ => [],
    };
    return methods.Where(m => m is not null && m.Locations.Any(l => l.IsInSource)).Select(m => (ISymbol)m!.OriginalDefinition);
}

static bool IsPublic(ISymbol symbol)
{
    for (ISymbol? s = symbol; s is not null and not INamespaceSymbol; s = s.ContainingSymbol)
        if (s.DeclaredAccessibility != Accessibility.Public) return false;
    return true;
}
