using System.Text.Json.Nodes;
using Guardrails.Policies.Patching;

namespace Guardrails.Policies.Authoring;

/// <summary>Collects the defaults rules propose for one object.</summary>
public sealed class PatchBuilder
{
    private readonly List<PatchOperation> _operations = [];

    public bool IsEmpty => _operations.Count == 0;

    /// <summary>An RFC 6902 <c>add</c> at a JSON pointer (<c>/metadata/labels/team</c>).</summary>
    public void Add(string path, JsonNode? value) => _operations.Add(PatchOperation.Add(path, value));

    internal void AddRange(PatchBuilder other) => _operations.AddRange(other._operations);

    internal JsonPatch Build() => _operations.Count == 0 ? JsonPatch.Empty : new JsonPatch(_operations.ToArray());
}
