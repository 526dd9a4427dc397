namespace Guardrails.Policies.Authoring;

/// <summary>Names a rule class: its stable kebab-case id (what packs write) and one sentence for people listing rules.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class RuleAttribute : Attribute
{
    public RuleAttribute(string id)
    {
        Id = id;
    }

    public string Id { get; }

    public string Summary { get; init; } = "";
}
