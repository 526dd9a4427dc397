using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace Guardrails.Policies.Rules;

/// <summary>The rule definitions packs may name. Platform teams add their own C# rules by passing more definitions.</summary>
public sealed class RuleCatalog
{
    private readonly FrozenDictionary<string, RuleDefinition> _definitions;

    public RuleCatalog(IEnumerable<RuleDefinition> definitions)
    {
        _definitions = definitions.ToFrozenDictionary(d => d.Id, StringComparer.Ordinal);
    }

    public static RuleCatalog BuiltIn { get; } = new(
    [
        new RunAsNonRoot.RunAsNonRootDefinition(),
        new ResourceRequirements.ResourceRequirementsDefinition(),
        new ImageTag.ImageTagDefinition(),
        new QuotaFits.QuotaFitsDefinition(),

        // The day2 pack's rules are written on the authoring API alone, as a platform team's rule files are.
        Authored(typeof(PdbAllowsDisruption.PdbAllowsDisruptionRule)),
        Authored(typeof(ProbesRequired.ProbesRequiredRule)),
        Authored(typeof(IngressTls.IngressTlsRule)),
        Authored(typeof(ServiceType.ServiceTypeRule)),
        Authored(typeof(NetworkPolicyKeepsPlatformAccess.NetworkPolicyKeepsPlatformAccessRule)),
    ]);

    private static RuleTypeDefinition Authored([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] Type type) =>
        RuleTypeDefinition.TryCreate(type, out var problem) ?? throw new InvalidOperationException(problem);

    public IEnumerable<string> Ids => _definitions.Keys.Order(StringComparer.Ordinal);

    public IEnumerable<RuleDefinition> Definitions => _definitions.Values.OrderBy(d => d.Id, StringComparer.Ordinal);

    public RuleDefinition? Find(string id) => _definitions.GetValueOrDefault(id);

    /// <summary>This catalog and more definitions (a platform team's rule files, whose ids were checked to be new).</summary>
    public RuleCatalog With(IEnumerable<RuleDefinition> more) => new(_definitions.Values.Concat(more));
}
