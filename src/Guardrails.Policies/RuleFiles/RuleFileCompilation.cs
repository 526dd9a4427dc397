using Guardrails.Policies.Packs;
using Guardrails.Policies.Rules;

namespace Guardrails.Policies.RuleFiles;

/// <summary>The rules the rule files define, or every reason they were refused.</summary>
internal sealed record RuleFileCompilation(IReadOnlyList<RuleDefinition> Definitions, IReadOnlyList<PackError> Errors, RuleCode? Code)
{
    public static RuleFileCompilation Empty { get; } = new([], [], null);
}
