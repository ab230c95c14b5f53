using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Dupr.Analyzers;

/// <summary>
/// Reports TorchSharp Scalars that only the finalizer frees while nothing keeps them alive during the native call that
/// reads them: a GC on any thread can then free one while libtorch reads it (seen as "Unknown scalar type", "Expected
/// false to be true", "alpha must not be a floating point number", or silently wrong values).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ScalarLifetimeAnalyzer : DiagnosticAnalyzer
{
    private const string Category = "Reliability";
    private const string Why = "nothing keeps that Scalar alive during the native call, so a GC can let its finalizer free it while libtorch reads it (crashes or wrong values)";

    /// <summary>A number converted to a TorchSharp.Scalar on the spot.</summary>
    public static readonly DiagnosticDescriptor ImplicitScalar = new(
        "DUPR001", "Temporary TorchSharp Scalar",
        "'{0}' becomes a temporary TorchSharp.Scalar: " + Why + "; pass Scalars.S({0}) (Dupr.Core.Runtime), which keeps its C# type and stays alive through the call",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    /// <summary>A TorchSharp member that makes such a Scalar inside itself (listed in TorchSharpScalarMembers.txt).</summary>
    public static readonly DiagnosticDescriptor HiddenScalar = new(
        "DUPR002", "TorchSharp member with a temporary Scalar inside",
        "'{0}' makes a temporary TorchSharp.Scalar inside TorchSharp: " + Why + "; {1}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    /// <summary>A ToScalar() whose Scalar nothing owns.</summary>
    public static readonly DiagnosticDescriptor UnownedToScalar = new(
        "DUPR003", "Unowned ToScalar()",
        "'{0}' makes a Scalar that nothing owns: " + Why + "; pass Scalars.S(...) instead, or own it with 'using var' or a static readonly field",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    /// <summary>A Scalars.S(...) result kept instead of passed straight to the call that reads it.</summary>
    public static readonly DiagnosticDescriptor StoredS = new(
        "DUPR004", "Scalars.S(...) outside an argument list",
        "Pass '{0}' directly as an argument (or an operand of a tensor operator): Scalars.S recycles its Scalar a bounded number of S calls later on the same thread, so it must not be kept",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(ImplicitScalar, HiddenScalar, UnownedToScalar, StoredS);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (start.Compilation.GetTypeByMetadataName("TorchSharp.Scalar") is null) return;
            var members = new TorchSharpScalarMembers(start.Compilation);
            start.RegisterOperationAction(c => AnalyzeConversion(c, members), OperationKind.Conversion);
            start.RegisterOperationAction(c => AnalyzeInvocation(c, members), OperationKind.Invocation);
            start.RegisterOperationAction(c => AnalyzeCreation(c, members), OperationKind.ObjectCreation);
            start.RegisterOperationAction(c => Report(c, members, ((IBinaryOperation)c.Operation).OperatorMethod), OperationKind.Binary);
            start.RegisterOperationAction(c => Report(c, members, ((IUnaryOperation)c.Operation).OperatorMethod), OperationKind.Unary);
            start.RegisterOperationAction(c => Report(c, members, ((ICompoundAssignmentOperation)c.Operation).OperatorMethod), OperationKind.CompoundAssignment);
            start.RegisterOperationAction(c => Report(c, members, ((IMethodReferenceOperation)c.Operation).Method), OperationKind.MethodReference);
            start.RegisterOperationAction(c =>
            {
                var property = ((IPropertyReferenceOperation)c.Operation).Property;
                Report(c, members, property.GetMethod);
                Report(c, members, property.SetMethod);
            }, OperationKind.PropertyReference);
        });
    }

    private static void AnalyzeConversion(OperationAnalysisContext context, TorchSharpScalarMembers members)
    {
        var conversion = (IConversionOperation)context.Operation;
        if (ScalarOwnership.IsScalarConversion(conversion))
        {
            if (!ScalarOwnership.IsOwned(conversion))
                context.ReportDiagnostic(Diagnostic.Create(ImplicitScalar, conversion.Operand.Syntax.GetLocation(), conversion.Operand.Syntax.ToString()));
            return;
        }
        Report(context, members, conversion.OperatorMethod);
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, TorchSharpScalarMembers members)
    {
        var invocation = (IInvocationOperation)context.Operation;
        if (ScalarOwnership.IsToScalar(invocation))
        {
            if (!ScalarOwnership.IsOwned(invocation))
                context.ReportDiagnostic(Diagnostic.Create(UnownedToScalar, invocation.Syntax.GetLocation(), invocation.Syntax.ToString()));
            return;
        }
        if (IsScalarsS(invocation.TargetMethod) && !IsPassedToCall(invocation))
        {
            context.ReportDiagnostic(Diagnostic.Create(StoredS, invocation.Syntax.GetLocation(), invocation.Syntax.ToString()));
            return;
        }
        if (Report(context, members, invocation.TargetMethod)) return;
        // A TorchSharp factory such as optim.SGD(...) or nn.LeakyReLU(): what it returns runs a listed step() or forward().
        if (invocation.TargetMethod.ContainingAssembly is { } assembly && members.IsTorchSharpAssembly(assembly)
            && members.HazardOf(invocation.Type) is { } hazard)
            context.ReportDiagnostic(Diagnostic.Create(HiddenScalar, invocation.Syntax.GetLocation(), hazard.Display, Hint(hazard.Method)));
    }

    private static void AnalyzeCreation(OperationAnalysisContext context, TorchSharpScalarMembers members)
    {
        var creation = (IObjectCreationOperation)context.Operation;
        if (Report(context, members, creation.Constructor)) return;
        if (members.HazardOf(creation.Type) is { } hazard)
            context.ReportDiagnostic(Diagnostic.Create(HiddenScalar, creation.Syntax.GetLocation(), hazard.Display, Hint(hazard.Method)));
    }

    private static bool Report(OperationAnalysisContext context, TorchSharpScalarMembers members, IMethodSymbol? method)
    {
        if (method is null || !members.Contains(method)) return false;
        context.ReportDiagnostic(Diagnostic.Create(HiddenScalar, context.Operation.Syntax.GetLocation(),
            method.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat), Hint(method)));
        return true;
    }

    private static bool IsScalarsS(IMethodSymbol method) =>
        method.Name == "S" && method.ContainingType is { Name: "Scalars", ContainingNamespace: { Name: "Runtime", ContainingNamespace: { Name: "Core", ContainingNamespace.Name: "Dupr" } } };

    /// <summary>True where an S(...) result goes straight into a call: an argument, or an operand of an overloaded operator.</summary>
    private static bool IsPassedToCall(IOperation operation)
    {
        IOperation? parent = operation.Parent;
        while (parent is IConditionalOperation or ICoalesceOperation || parent is IConversionOperation { OperatorMethod: null })
            parent = parent.Parent;
        return parent is IArgumentOperation
            || parent is IBinaryOperation { OperatorMethod: not null }
            || parent is ICompoundAssignmentOperation { OperatorMethod: not null, Value: var value } && value == operation;
    }

    /// <summary>What to write instead of a listed member.</summary>
    private static string Hint(IMethodSymbol method)
    {
        string name = method.MethodKind is MethodKind.PropertyGet or MethodKind.PropertySet && method.AssociatedSymbol is { } p ? p.Name : method.Name;
        return name switch
        {
            "op_Addition" or "op_Subtraction" or "op_Multiply" or "op_Division" or "op_Modulus" =>
                "use the method form with Scalars.S and an explicit alpha where add takes one: x.mul(S(2.0)), x.add(S(1.0), One), a.add(b, One), x.negative().add(S(1.0), One)",
            "add" or "add_" => "pass alpha explicitly: add(other, Scalars.One) (TorchSharp's default alpha, the int 1)",
            "addcdiv" or "addcdiv_" => "pass value explicitly: addcdiv(tensor1, tensor2, Scalars.One)",
            "square" => "use pow(S(2))",
            "arange" => "pass start, stop and step: arange(S(0), S(n), S(1))",
            "op_Explicit" or "ToSingle" or "ToDouble" or "ToHalf" or "ToBFloat16" or "ToByte" or "ToSByte" or "ToInt16" or "ToInt32" or "ToInt64" or "ToBoolean"
                or "ToComplexFloat32" or "ToComplexFloat64" or "ToComplex32" or "ToComplex64" =>
                "read the value with item<T>() on a tensor of that dtype",
            "step" => "use Dupr.Core.Training.Sgd, which owns its Scalars",
            "forward" => "use Dupr's own module (e.g. Dupr.Core.Modeling.BatchNorm2d) or functional ops with Scalars.S",
            _ => "use an overload that takes its Scalars and pass them with Scalars.S, or build it from Scalar-safe ops",
        };
    }
}
