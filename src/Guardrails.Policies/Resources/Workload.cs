using System.Text.Json;

namespace Guardrails.Policies.Resources;

/// <summary>One view over every pod-bearing kind: the pod spec, its containers, and identity, with paths from the object root.</summary>
public sealed class Workload
{
    internal Workload(WorkloadKind kind, JsonElement root, JsonElement podSpec)
    {
        Kind = kind;
        Root = root;
        PodSpec = podSpec;
    }

    public WorkloadKind Kind { get; }

    public JsonElement Root { get; }

    public JsonElement PodSpec { get; }

    public string? Name => Root.Child("metadata"u8).Child("name"u8).AsString();

    public string? Namespace => Root.Child("metadata"u8).Child("namespace"u8).AsString();

    public JsonElement PodSecurityContext => PodSpec.Child("securityContext"u8);

    public string PodFieldPath(string relative) => $"{Kind.PodSpecPath}.{relative}";

    public string PodFieldPointer(string relative) => $"{Kind.PodSpecPointer}/{relative}";

    /// <summary>Every container, init container and ephemeral container, in that order.</summary>
    public ContainerEnumerable Containers(bool includeEphemeral = true) => new(this, includeEphemeral);

    public ContainerEnumerable.Enumerator GetGroup(ContainerGroup group) => new(this, group);
}
