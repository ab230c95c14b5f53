using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Dupr.Analyzers;

/// <summary>What makes a TorchSharp Scalar temporary; shared by the analyzer and the audit of TorchSharp's own sources.</summary>
internal static class ScalarOwnership
{
    /// <summary>True for TorchSharp.Scalar itself.</summary>
    public static bool IsScalarType(ITypeSymbol? type) =>
        type is { Name: "Scalar" } && IsTorchSharpNamespace(type.ContainingNamespace);

    /// <summary>True for a conversion through one of TorchSharp.Scalar's operators (implicit, or written as a cast).</summary>
    public static bool IsScalarConversion(IConversionOperation conversion) =>
        conversion.OperatorMethod is { } method && IsScalarType(method.ContainingType);

    /// <summary>True for TorchSharp's <c>ToScalar()</c>, of a number or of a one-element tensor.</summary>
    public static bool IsToScalar(IInvocationOperation invocation) =>
        invocation.TargetMethod.Name == "ToScalar" && IsScalarType(invocation.TargetMethod.ReturnType);

    /// <summary>
    /// True where a new Scalar has an owner that outlives the native call reading it: a using, a field or property
    /// initializer, or a store into a field or an array element. Anything else (an argument, a plain local, whose last
    /// use the JIT may end before the native call) leaves it to the finalizer.
    /// </summary>
    public static bool IsOwned(IOperation created)
    {
        switch (created.Parent)
        {
            case IFieldInitializerOperation:
            case IPropertyInitializerOperation:
                return true;
            case ISimpleAssignmentOperation assignment when assignment.Value == created:
                return assignment.Target is IFieldReferenceOperation or IArrayElementReferenceOperation;
            case IVariableInitializerOperation initializer:
                IOperation? declaration = initializer.Parent is IVariableDeclaratorOperation declarator ? declarator.Parent : initializer.Parent;
                IOperation? declarationGroup = declaration?.Parent;
                return declarationGroup?.Parent is IUsingOperation or IUsingDeclarationOperation;
            default:
                return false;
        }
    }

    private static bool IsTorchSharpNamespace(INamespaceSymbol? ns) =>
        ns is { Name: "TorchSharp" } && ns.ContainingNamespace is { IsGlobalNamespace: true };
}
