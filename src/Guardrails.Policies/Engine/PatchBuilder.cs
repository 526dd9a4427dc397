using System.Text.Json.Nodes;
using Guardrails.Policies.Patching;

namespace Guardrails.Policies.Engine;

/// <summary>Collects the defaults rules propose for one object.</summary>
public sealed class PatchBuilder
{
    private readonly List<PatchOperation> _operations = [];

    public bool IsEmpty => _operations.Count == 0;

    public void Add(string path, JsonNode? value) => _operations.Add(PatchOperation.Add(path, value));

    public JsonPatch Build() => _operations.Count == 0 ? JsonPatch.Empty : new JsonPatch(_operations.ToArray());
}
