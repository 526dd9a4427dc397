using System.Diagnostics.CodeAnalysis;
using Guardrails.Policies.Packs;
using Guardrails.Policies.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Guardrails.Policies.RuleFiles;

/// <summary>
/// Rule files' source text in, rule definitions out: compiled in memory with Roslyn, checked against the sandbox's
/// allow-list, rewritten to carry the run-time budget, and loaded into a collectible context of their own. No I/O.
/// </summary>
public static class RuleFileCompiler
{
    /// <summary>The usings every rule file has, as in the authoring kit's project file.</summary>
    public const string GlobalUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.Linq;
        global using Guardrails.Policies.Authoring;
        """;

    private const string RuleBaseType = "Guardrails.Policies.Authoring.Rule";
    private const string RuleAttributeType = "Guardrails.Policies.Authoring.RuleAttribute";

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    /// <summary>Compiles the rule files together; the ids they define become rule ids packs can name.</summary>
    [RequiresUnreferencedCode("Rule files are compiled and loaded at run time.")]
    [RequiresDynamicCode("Rule files are compiled and loaded at run time.")]
    internal static RuleFileCompilation Compile(IReadOnlyList<RuleSource> sources)
    {
        if (sources.Count == 0)
        {
            return RuleFileCompilation.Empty;
        }

        var errors = new List<PackError>();
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, ParseOptions, path: s.File)).ToList();
        var usings = CSharpSyntaxTree.ParseText(GlobalUsings, ParseOptions, path: "(rule file usings)");
        var compilation = CSharpCompilation.Create(
            $"guardrails-rules-{Guid.NewGuid():N}",
            [usings, .. trees],
            RuleFileReferences.All,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                optimizationLevel: OptimizationLevel.Release,
                allowUnsafe: false,
                nullableContextOptions: NullableContextOptions.Enable));

        foreach (var diagnostic in compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error))
        {
            errors.Add(ToError(diagnostic.Location, $"{diagnostic.Id}: {diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}"));
        }

        if (errors.Count > 0)
        {
            return new RuleFileCompilation([], Ordered(errors), null);
        }

        var rewritten = compilation;
        var ruleTypes = new List<(INamedTypeSymbol Symbol, string File)>();
        foreach (var tree in trees)
        {
            var model = compilation.GetSemanticModel(tree);
            RuleFileSandbox.Check(tree, model, tree.FilePath, errors);
            ruleTypes.AddRange(RuleTypes(tree, model, errors));
            rewritten = rewritten.ReplaceSyntaxTree(tree, tree.WithRootAndOptions(new BudgetRewriter(model).Visit(tree.GetRoot()), tree.Options));
        }

        if (errors.Count > 0)
        {
            return new RuleFileCompilation([], Ordered(errors), null);
        }

        using var image = new MemoryStream();
        var emitted = rewritten.Emit(image);
        if (!emitted.Success)
        {
            // The source compiled; only the inserted budget checks can be at fault, so say so rather than blame the author.
            foreach (var diagnostic in emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error))
            {
                errors.Add(ToError(diagnostic.Location, $"the budget checks Guardrails inserts did not compile here (please report it): {diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}"));
            }

            return new RuleFileCompilation([], Ordered(errors), null);
        }

        image.Position = 0;
        var context = new RuleFileLoadContext();
        var assembly = context.LoadFromStream(image);
        var definitions = new List<RuleDefinition>();
        foreach (var (symbol, file) in ruleTypes)
        {
            var type = assembly.GetType(MetadataName(symbol), throwOnError: true)!;
            if (RuleTypeDefinition.TryCreate(type, out var problem) is { } definition)
            {
                if (RuleCatalog.BuiltIn.Find(definition.Id) is not null)
                {
                    errors.Add(ToError(symbol.Locations[0], $"rule id '{definition.Id}' is a shipped rule's; choose another id"));
                    continue;
                }

                definitions.Add(definition);
            }
            else
            {
                errors.Add(ToError(symbol.Locations[0], problem!));
            }
        }

        foreach (var duplicate in definitions.GroupBy(d => d.Id, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            var second = ruleTypes[definitions.IndexOf(duplicate.Skip(1).First())];
            errors.Add(ToError(second.Symbol.Locations[0], $"rule id '{duplicate.Key}' is defined twice"));
        }

        var code = new RuleCode(context);
        return errors.Count > 0
            ? new RuleFileCompilation([], Ordered(errors), code)
            : new RuleFileCompilation(definitions, [], code);
    }

    /// <summary>Concrete classes deriving from Rule; each must carry [Rule("id")].</summary>
    private static IEnumerable<(INamedTypeSymbol, string)> RuleTypes(SyntaxTree tree, SemanticModel model, List<PackError> errors)
    {
        foreach (var declaration in tree.GetRoot().DescendantNodes().OfType<ClassDeclarationSyntax>())
        {
            if (model.GetDeclaredSymbol(declaration) is not { IsAbstract: false } symbol || !DerivesFromRule(symbol))
            {
                continue;
            }

            if (!symbol.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == RuleAttributeType))
            {
                errors.Add(ToError(declaration.Identifier.GetLocation(), $"rule class {symbol.Name} needs a [Rule(\"its-id\")] attribute"));
                continue;
            }

            yield return (symbol, tree.FilePath);
        }
    }

    private static bool DerivesFromRule(INamedTypeSymbol symbol)
    {
        for (var type = symbol.BaseType; type is not null; type = type.BaseType)
        {
            if (type.ToDisplayString() == RuleBaseType)
            {
                return true;
            }
        }

        return false;
    }

    private static string MetadataName(INamedTypeSymbol symbol)
    {
        var name = symbol.MetadataName;
        for (var outer = symbol.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            name = $"{outer.MetadataName}+{name}";
        }

        return symbol.ContainingNamespace is { IsGlobalNamespace: false } ns ? $"{ns.ToDisplayString()}.{name}" : name;
    }

    private static PackError ToError(Location location, string message)
    {
        var span = location.GetLineSpan();
        return new PackError(span.Path is { Length: > 0 } path ? path : "(rule files)", span.StartLinePosition.Line + 1, message, span.StartLinePosition.Character + 1);
    }

    private static List<PackError> Ordered(List<PackError> errors) =>
        errors.OrderBy(e => e.File, StringComparer.Ordinal).ThenBy(e => e.Line).ThenBy(e => e.Column).ToList();
}
