using System.Text.Json;
using Guardrails.Policies.Resources;

namespace Guardrails.Webhook.DryRun;

/// <summary>
/// The versions of objects as they are now (<c>check --old FILE</c>, e.g. <c>kubectl get -o yaml</c> output), found by
/// API group, kind, namespace and name: a document that has one is judged as an UPDATE from it, so CI can ask
/// whether a change makes things worse rather than whether the object is perfect.
/// </summary>
public sealed class PreviousObjects : IDisposable
{
    public static readonly PreviousObjects None = new([], null);

    private readonly IReadOnlyList<Manifest> _manifests;
    private readonly Dictionary<string, JsonElement> _byIdentity = new(StringComparer.Ordinal);

    private PreviousObjects(IReadOnlyList<Manifest> manifests, string? namespaceOverride)
    {
        _manifests = manifests;
        foreach (var manifest in manifests)
        {
            if (manifest.Error is null && manifest.Kind is { Length: > 0 } kind && manifest.Name is { Length: > 0 } name)
            {
                _byIdentity[Identity(manifest.Group, kind, namespaceOverride ?? manifest.Namespace ?? "default", name)] = manifest.Root;
            }
        }
    }

    /// <summary>The first document that could not be read, if any: a broken --old file is an input error, not "no old version".</summary>
    public Manifest? Unreadable => _manifests.FirstOrDefault(m => m.Error is not null);

    /// <summary>Reads every document (multi-document YAML or JSON, <c>kind: List</c>).</summary>
    public static PreviousObjects Read(string text, string? namespaceOverride = null) => new(ManifestReader.Read(text), namespaceOverride);

    /// <summary>The previous version of an object, or Undefined when there is none.</summary>
    public JsonElement Find(string group, string kind, string @namespace, string? name) =>
        name is not null && _byIdentity.TryGetValue(Identity(group, kind, @namespace, name), out var old) ? old : default;

    public void Dispose()
    {
        foreach (var manifest in _manifests)
        {
            manifest.Dispose();
        }
    }

    private static string Identity(string group, string kind, string @namespace, string name) => $"{group}/{kind} {@namespace}/{name}";
}
