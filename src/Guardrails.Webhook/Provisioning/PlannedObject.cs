using System.Text.Json;
using System.Text.Json.Nodes;
using Guardrails.Policies.Resources;

namespace Guardrails.Webhook.Provisioning;

/// <summary>
/// One Kubernetes object of a plan. Immutable: the same plan may be judged, shown and applied from several threads,
/// so callers get copies (<see cref="ToJsonObject"/>) to change, never the original.
/// </summary>
public sealed class PlannedObject
{
    private readonly string _json;

    internal PlannedObject(JsonObject obj)
    {
        _json = obj.ToJsonString();
        using var document = JsonDocument.Parse(_json);
        Object = document.RootElement.Clone();
        ApiVersion = Object.Child("apiVersion"u8).AsString() ?? "";
        Kind = Object.Child("kind"u8).AsString() ?? "";
        Name = Object.Child("metadata"u8).Child("name"u8).AsString() ?? "";
        Namespace = Object.Child("metadata"u8).Child("namespace"u8).AsString();
    }

    public string ApiVersion { get; }

    public string Kind { get; }

    public string Name { get; }

    /// <summary>Null for cluster-scoped objects (the Namespace itself).</summary>
    public string? Namespace { get; }

    /// <summary>The API group from <see cref="ApiVersion"/>: <c>rbac.authorization.k8s.io/v1</c> → <c>rbac.authorization.k8s.io</c>, <c>v1</c> → "".</summary>
    public string Group => ApiVersion.IndexOf('/', StringComparison.Ordinal) is var slash and >= 0 ? ApiVersion[..slash] : "";

    /// <summary>The object as read-only JSON, for the engine.</summary>
    public JsonElement Object { get; }

    public string DisplayName => Namespace is null ? $"{Kind} {Name}" : $"{Kind} {Namespace}/{Name}";

    /// <summary>A fresh, mutable copy (for example to add a resourceVersion before an update).</summary>
    public JsonObject ToJsonObject() => JsonNode.Parse(_json)!.AsObject();

    public string ToJson() => _json;

    public override string ToString() => DisplayName;
}
