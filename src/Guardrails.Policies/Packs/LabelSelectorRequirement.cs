namespace Guardrails.Policies.Packs;

public sealed record LabelSelectorRequirement(string Key, string Operator, IReadOnlyList<string> Values)
{
    public static readonly IReadOnlyList<string> Operators = ["In", "NotIn", "Exists", "DoesNotExist"];

    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        var present = labels.TryGetValue(Key, out var value);
        return Operator switch
        {
            "In" => present && Values.Contains(value),
            "NotIn" => !present || !Values.Contains(value),
            "Exists" => present,
            "DoesNotExist" => !present,
            _ => false,
        };
    }
}
