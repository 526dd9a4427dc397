using Guardrails.Policies.Authoring;
using Guardrails.Policies.Packs;

namespace Guardrails.Policies.Rules;

/// <summary>A rule id, how to read and validate its parameters, and how to bind them into a <see cref="Rule"/>.</summary>
public abstract class RuleDefinition
{
    public abstract string Id { get; }

    /// <summary>One sentence for people listing rules.</summary>
    public abstract string Summary { get; }

    /// <summary>Reads and validates the parameters; null (with errors in the reader) when they are invalid.</summary>
    internal abstract Rule? Bind(ParameterReader reader);
}
