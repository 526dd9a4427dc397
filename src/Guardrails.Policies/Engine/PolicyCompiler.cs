using System.Diagnostics.CodeAnalysis;
using Guardrails.Policies.Packs;
using Guardrails.Policies.RuleFiles;
using Guardrails.Policies.Rules;

namespace Guardrails.Policies.Engine;

/// <summary>Packs in, an immutable compiled policy out; or all the errors, so nothing half-valid ever serves.</summary>
public static class PolicyCompiler
{
    public static PolicyLoadResult Compile(IEnumerable<PackSource> sources, RuleCatalog? catalog = null, PolicyOptions? options = null) =>
        Compile(sources, catalog, options, ruleCode: null);

    /// <summary>
    /// Packs and the rule files beside them (<c>rules/*.cs</c>): the files are compiled first, and a file that does
    /// not compile, or uses what the sandbox refuses, fails the whole load like an invalid pack.
    /// </summary>
    [RequiresUnreferencedCode("Rule files are compiled and loaded at run time.")]
    [RequiresDynamicCode("Rule files are compiled and loaded at run time.")]
    public static PolicyLoadResult Compile(IEnumerable<PackSource> sources, IReadOnlyList<RuleSource> ruleFiles, PolicyOptions? options = null)
    {
        RuleFileCompilation files;
        try
        {
            // No rule files, no Roslyn: the compiler's assemblies (about 6 MB resident) are not even loaded.
            files = ruleFiles.Count == 0 ? RuleFileCompilation.Empty : RuleFileCompiler.Compile(ruleFiles);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Whatever the compiler or loader throws, the host must keep serving the last good policy and say why.
            return new PolicyLoadResult(null, [new PackError(ruleFiles.Count > 0 ? ruleFiles[0].File : "rules", 0, $"the rule files could not be compiled: {ex.Message}")]);
        }

        if (files.Errors.Count > 0)
        {
            return new PolicyLoadResult(null, files.Errors);
        }

        return Compile(sources, files.Definitions.Count == 0 ? null : RuleCatalog.BuiltIn.With(files.Definitions), options, files.Code);
    }

    private static PolicyLoadResult Compile(IEnumerable<PackSource> sources, RuleCatalog? catalog, PolicyOptions? options, object? ruleCode)
    {
        catalog ??= RuleCatalog.BuiltIn;
        options ??= new PolicyOptions();
        var errors = new List<PackError>();
        var packs = new List<RulePack>();
        foreach (var source in sources)
        {
            packs.AddRange(PackParser.Parse(source, errors));
        }

        var validator = new RulePackValidator(catalog);
        foreach (var pack in packs)
        {
            foreach (var failure in validator.Validate(pack).Errors)
            {
                errors.Add(new PackError(pack.File, failure.CustomState as int? ?? pack.Line, failure.ErrorMessage));
            }
        }

        foreach (var duplicate in packs.Where(p => p.Name is not null).GroupBy(p => p.Name).Where(g => g.Count() > 1))
        {
            var second = duplicate.Skip(1).First();
            errors.Add(new PackError(second.File, second.NameLine, $"pack name '{duplicate.Key}' is already used in {duplicate.First().File}"));
        }

        var protectedNamespaces = new HashSet<string>(PolicyOptions.SystemNamespaces, StringComparer.Ordinal);
        if (options.OwnNamespace is { Length: > 0 } own)
        {
            protectedNamespaces.Add(own);
        }

        var bindings = new List<RuleBinding>();
        foreach (var pack in packs)
        {
            foreach (var entry in pack.Rules)
            {
                if (entry.Id is null || catalog.Find(entry.Id) is not { } definition)
                {
                    continue;
                }

                // Parameters are validated even for disabled rules: switching a rule on must never reveal an old mistake.
                var rule = definition.Bind(new ParameterReader(entry.Id, entry.Parameters, pack.File, entry.Line, errors));
                if (rule is null || !(pack.Enabled || (pack.Name is { } name && options.EnablePacks.Contains(name, StringComparer.Ordinal))) || !entry.Enabled || entry.Mode == EnforcementMode.Off)
                {
                    continue;
                }

                var scope = entry.Scope is null
                    ? new NamespaceScope(protectedNamespaces, pack.Scope)
                    : new NamespaceScope(protectedNamespaces, pack.Scope, entry.Scope);
                var traits = RuleTraits.Read(rule);
                if (traits.Problem is { } problem)
                {
                    errors.Add(new PackError(pack.File, entry.Line, $"rule '{entry.Id}': {problem}"));
                    continue;
                }

                bindings.Add(new RuleBinding(rule, entry.Mode, scope, pack.Name!, traits.Match!, traits.Mutates, options.MeasureWithoutBudgets ? null : traits.Budget, entry.Exceptions));
            }
        }

        if (errors.Count > 0)
        {
            return new PolicyLoadResult(null, errors.OrderBy(e => e.File, StringComparer.Ordinal).ThenBy(e => e.Line).ToList());
        }

        return new PolicyLoadResult(new CompiledPolicy(packs, [.. bindings], ruleCode), []);
    }
}
