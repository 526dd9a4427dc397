using System.Text.Json;
using Guardrails.Policies.Engine;
using Guardrails.Policies.State;

namespace Guardrails.Webhook.Admission;

/// <summary>
/// The parts of an <c>admission.k8s.io/v1</c> AdmissionReview request Guardrails uses. The object stays a
/// <see cref="JsonElement"/> over the request bytes: nothing is copied or bound by reflection on the hot path.
/// </summary>
public sealed class AdmissionReview : IDisposable
{
    private readonly JsonDocument? _document;

    internal AdmissionReview(JsonDocument? document, string uid, string group, string version, string kind, string resource, string? subResource, string? name, string? @namespace, AdmissionOperation operation, string? userName, bool dryRun, JsonElement obj, JsonElement oldObj)
    {
        _document = document;
        Uid = uid;
        Group = group;
        Version = version;
        Kind = kind;
        Resource = resource;
        SubResource = subResource;
        Name = name;
        Namespace = @namespace;
        Operation = operation;
        UserName = userName;
        DryRun = dryRun;
        Object = obj;
        OldObject = oldObj;
    }

    public string Uid { get; }

    public string Group { get; }

    public string Version { get; }

    public string Kind { get; }

    public string Resource { get; }

    public string? SubResource { get; }

    public string? Name { get; }

    public string? Namespace { get; }

    public AdmissionOperation Operation { get; }

    public string? UserName { get; }

    /// <summary>The requester's groups (<c>userInfo.groups</c>), for asking whether they may approve.</summary>
    public IReadOnlyList<string> UserGroups { get; init; } = [];

    public bool DryRun { get; }

    /// <summary>Undefined on DELETE (the apiserver sends null).</summary>
    public JsonElement Object { get; }

    /// <summary>Undefined on CREATE.</summary>
    public JsonElement OldObject { get; }

    /// <summary>Frees the request bytes' document when this review owns it (read from a body, not from an element).</summary>
    /// <summary>What the engine judges for this review: the one mapping every door uses, so they cannot drift apart.</summary>
    public EvaluationRequest ToEvaluationRequest(IClusterSnapshot cluster, Policies.Exceptions.ExceptionIndex? exceptions = null, DateTimeOffset? now = null) => new()
    {
        Group = Group,
        Kind = Kind,
        Operation = Operation,
        Namespace = Namespace,
        Name = Name,
        SubResource = SubResource,
        Object = Object,
        OldObject = OldObject,
        Cluster = cluster,
        Exceptions = exceptions ?? Policies.Exceptions.ExceptionIndex.Empty,
        Now = now,
    };

    public void Dispose() => _document?.Dispose();
}
