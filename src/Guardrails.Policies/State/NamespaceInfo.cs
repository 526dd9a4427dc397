namespace Guardrails.Policies.State;

public sealed record NamespaceInfo(string Name, IReadOnlyDictionary<string, string> Labels);
