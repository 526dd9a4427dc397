using System.Collections.Frozen;
using Guardrails.Policies.Packs;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Guardrails.Policies.RuleFiles;

/// <summary>
/// What rule files may touch, checked on the compiler's own symbols (so aliases, <c>global::</c> and <c>var</c> do
/// not hide anything): the authoring API, the object model it hands out, LINQ, collections, text, regular
/// expressions with a timeout and arithmetic. Everything else (files, network, processes, the environment,
/// reflection, threads and tasks, unsafe code, P/Invoke, <c>dynamic</c>) is refused with the symbol and its line.
/// </summary>
internal static class RuleFileSandbox
{
    private static readonly FrozenSet<string> AllowedNamespaces = new[]
    {
        "Guardrails.Policies.Authoring",
        "Guardrails.Policies.Resources",
        "Guardrails.Policies.Quantities",
        "Guardrails.Policies.Images",
        "System.Linq",
        "System.Collections",
        "System.Collections.Generic",
        "System.Collections.ObjectModel",
        "System.Collections.Frozen",
        "System.Collections.Immutable",
        "System.Text",
        "System.Text.RegularExpressions",
        "System.Text.Json",
        "System.Text.Json.Nodes",
        "System.Globalization",
        "System.Diagnostics.CodeAnalysis",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> AllowedSystemTypes = new[]
    {
        "Object", "String", "Char", "Boolean", "Byte", "SByte", "Int16", "UInt16", "Int32", "UInt32", "Int64", "UInt64",
        "Int128", "UInt128", "Half", "Single", "Double", "Decimal", "Void", "Math", "MathF", "TimeSpan", "DateTime",
        "DateTimeOffset", "DateOnly", "TimeOnly", "Nullable", "Func", "Action", "Predicate", "Comparison", "Tuple", "ValueTuple",
        "Array", "Span", "ReadOnlySpan", "Memory", "ReadOnlyMemory", "MemoryExtensions", "StringComparison", "StringComparer",
        "StringSplitOptions", "Exception", "ArgumentException", "ArgumentNullException", "ArgumentOutOfRangeException",
        "InvalidOperationException", "FormatException", "NotSupportedException", "NotImplementedException", "Enum",
        "IEquatable", "IComparable", "IFormattable", "IFormatProvider", "IDisposable", "Index", "Range", "Guid", "Version",
        "Uri", "UriKind", "Convert", "HashCode", "BitConverter", "MidpointRounding", "Attribute", "AttributeUsageAttribute",
        "AttributeTargets", "FlagsAttribute", "ObsoleteAttribute", "FormattableString",
    }.ToFrozenSet(StringComparer.Ordinal);

    // Within allowed places: members that read the clock, reach reflection or run work on other threads.
    private static readonly FrozenSet<string> RefusedMembers = new[]
    {
        "System.DateTime.Now", "System.DateTime.UtcNow", "System.DateTime.Today", "System.DateTimeOffset.Now",
        "System.DateTimeOffset.UtcNow", "System.Object.GetType",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> RefusedTypes = new[]
    {
        "System.Linq.ParallelEnumerable", "System.Linq.ParallelQuery", "System.Linq.Queryable",
        "System.Text.Json.JsonSerializer",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly SymbolDisplayFormat QualifiedName = new(typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces);

    public static void Check(SyntaxTree tree, SemanticModel model, string file, List<PackError> errors)
    {
        var root = tree.GetRoot();
        foreach (var node in root.DescendantNodesAndTokens())
        {
            if (node.IsToken)
            {
                if (node.IsKind(SyntaxKind.UnsafeKeyword) || node.IsKind(SyntaxKind.ExternKeyword) || node.IsKind(SyntaxKind.ArgListKeyword))
                {
                    Refuse(errors, file, node.GetLocation()!, $"'{node}' is not allowed in rule files (unsafe code and native calls)");
                }

                continue;
            }

            if (node.AsNode() is not { } syntax)
            {
                continue;
            }

            if (syntax is DestructorDeclarationSyntax)
            {
                // A finalizer runs on the runtime's finalizer thread, outside any evaluation and its budget.
                Refuse(errors, file, syntax.GetLocation(), "a finalizer (~Name) is not allowed in rule files: it would run outside any evaluation's budget");
                continue;
            }

            ISymbol? symbol = syntax switch
            {
                SimpleNameSyntax name => model.GetSymbolInfo(name).Symbol,
                BaseObjectCreationExpressionSyntax creation => model.GetSymbolInfo(creation).Symbol,
                ElementAccessExpressionSyntax access => model.GetSymbolInfo(access).Symbol,
                _ => null,
            };
            if (symbol is null)
            {
                continue;
            }

            if (Problem(symbol) is { } problem)
            {
                Refuse(errors, file, syntax.GetLocation(), problem);
            }
        }
    }

    /// <returns>Why the symbol is refused, or null when rule files may use it.</returns>
    private static string? Problem(ISymbol symbol)
    {
        switch (symbol)
        {
            case ILocalSymbol or IParameterSymbol or IRangeVariableSymbol or ILabelSymbol or IDiscardSymbol or ITypeParameterSymbol or INamespaceSymbol:
                return null;
            case IDynamicTypeSymbol:
                return "'dynamic' is not allowed in rule files (it compiles to reflection)";
            case IFunctionPointerTypeSymbol or IPointerTypeSymbol:
                return $"'{symbol}' is not allowed in rule files (unsafe code)";
            case IArrayTypeSymbol array:
                return Problem(array.ElementType);
            case INamedTypeSymbol type:
                return TypeProblem(type);
            case IMethodSymbol { ReducedFrom: { } extension }:
                return Problem(extension);
            case IMethodSymbol { MethodKind: MethodKind.Constructor } constructor
                when constructor.ContainingType.ToDisplayString() == "System.Text.RegularExpressions.Regex" && !TakesTimeout(constructor):
                return "new Regex(...) in a rule file must pass a match timeout (for example TimeSpan.FromMilliseconds(10))";
            case IMethodSymbol { IsStatic: true } method
                when method.ContainingType.ToDisplayString() == "System.Text.RegularExpressions.Regex" && !TakesTimeout(method):
                return $"Regex.{method.Name} in a rule file must pass a match timeout (for example TimeSpan.FromMilliseconds(10))";
            default:
                break;
        }

        if (symbol.DeclaringSyntaxReferences.Length > 0)
        {
            return null;
        }

        var containing = symbol.ContainingType;
        if (containing is null)
        {
            return null;
        }

        var member = $"{containing.ToDisplayString(QualifiedName)}.{symbol.Name}";
        if (RefusedMembers.Contains(member))
        {
            return $"'{member}' is not allowed in rule files (rules judge the object, not the clock or their own types)";
        }

        return TypeProblem(containing);
    }

    private static string? TypeProblem(INamedTypeSymbol type)
    {
        if (type.DeclaringSyntaxReferences.Length > 0)
        {
            return null;
        }

        foreach (var argument in type.TypeArguments)
        {
            if (Problem(argument) is { } problem)
            {
                return problem;
            }
        }

        var outer = type;
        while (outer.ContainingType is { } parent)
        {
            outer = parent;
        }

        var ns = outer.ContainingNamespace?.ToDisplayString() ?? "";
        var name = $"{ns}.{outer.MetadataName.Split('`')[0]}";
        if (RefusedTypes.Contains(name))
        {
            return $"'{name}' is not allowed in rule files (it runs work on other threads or through reflection)";
        }

        if (AllowedNamespaces.Contains(ns) || (ns == "System" && AllowedSystemTypes.Contains(outer.MetadataName.Split('`')[0])))
        {
            return null;
        }

        if (ns == "Guardrails.Policies.Engine" && outer.Name is "AdmissionOperation" or "EnforcementMode" or "Violation")
        {
            return null;
        }

        return $"'{type.ToDisplayString()}' is not allowed in rule files ({Area(name)}); rules may use the authoring API, System.Linq, collections, System.Text, Regex with a timeout and Math";
    }

    private static string Area(string name) => name switch
    {
        "System.Environment" => "the environment",
        "System.Console" => "the console",
        "System.Activator" or "System.AppDomain" or "System.GC" or "System.Type" => "reflection and the runtime",
        _ when name.StartsWith("System.IO", StringComparison.Ordinal) => "file access",
        _ when name.StartsWith("System.Net", StringComparison.Ordinal) => "network access",
        _ when name.StartsWith("System.Diagnostics", StringComparison.Ordinal) => "processes and diagnostics",
        _ when name.StartsWith("System.Reflection", StringComparison.Ordinal) || name.StartsWith("System.Runtime", StringComparison.Ordinal) => "reflection, interop and the runtime",
        _ when name.StartsWith("System.Threading", StringComparison.Ordinal) => "threads and tasks",
        _ => "not on the allow-list",
    };

    private static bool TakesTimeout(IMethodSymbol method) =>
        method.Parameters.Any(p => p.Type.ToDisplayString() == "System.TimeSpan");

    private static void Refuse(List<PackError> errors, string file, Location location, string message)
    {
        var position = location.GetLineSpan().StartLinePosition;
        errors.Add(new PackError(file, position.Line + 1, message, position.Character + 1));
    }
}
