using System.Text.Json;
using Guardrails.Policies.Resources;
using Guardrails.Policies.Rules.QuotaFits;

namespace Guardrails.Policies.State;

/// <summary>
/// What admission needs to know about a workload that already exists or was admitted moments ago: identity, its
/// controller owner, labels and selector, how many pods it runs and what one pod asks for. Computed once when the
/// object arrives; the object's body is not kept.
/// </summary>
public sealed class WorkloadSummary
{
    private static readonly KeyValuePair<string, string>[] NoLabels = [];

    internal WorkloadSummary(WorkloadKind kind, string @namespace, string name, string uid, string? resourceVersion)
    {
        Kind = kind;
        Namespace = @namespace;
        Name = name;
        Uid = uid;
        ResourceVersion = resourceVersion;
    }

    public WorkloadKind Kind { get; }

    public string Namespace { get; }

    public string Name { get; }

    public string Uid { get; }

    /// <summary>The version this summary was read from; empty on CREATE admission, before the object is stored.</summary>
    public string? ResourceVersion { get; }

    public WorkloadOwner? Controller { get; private init; }

    public IReadOnlyList<KeyValuePair<string, string>> Labels { get; private init; } = NoLabels;

    /// <summary>The selector's <c>matchLabels</c> (expressions are not kept).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Selector { get; private init; } = NoLabels;

    /// <summary>The pod template's labels: what a PodDisruptionBudget's or Service's selector matches.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> PodLabels { get; private init; } = NoLabels;

    /// <summary><c>spec.replicas</c> (Deployments, StatefulSets, ReplicaSets, ReplicationControllers), parallelism for Jobs and CronJobs; null for DaemonSets.</summary>
    public long? Replicas { get; private init; }

    /// <summary>A Deployment's rolling-update <c>maxSurge</c> as written (<c>1</c>, <c>25%</c>); null when it never surges.</summary>
    public string? MaxSurge { get; private init; }

    /// <summary>
    /// The most pods its controller may run at once, surge included: what its children may draw on. Null when it
    /// depends on the nodes (DaemonSets); 0 for a finished Job.
    /// </summary>
    public long? PodsAtMost => Replicas is { } replicas ? replicas + PodCount.SurgeOf(MaxSurge, replicas) : null;

    /// <summary>One pod's requests and limits, LimitRange defaults filled; null when a quantity in it cannot be read.</summary>
    internal PodDemand? PerPod { get; private init; }

    /// <summary>The same workload at another replica count, as a scale subresource write leaves it.</summary>
    public WorkloadSummary WithReplicas(long replicas, string? resourceVersion) => new(Kind, Namespace, Name, Uid, resourceVersion)
    {
        Controller = Controller,
        Labels = Labels,
        Selector = Selector,
        PodLabels = PodLabels,
        Replicas = replicas,
        MaxSurge = MaxSurge,
        PerPod = PerPod,
    };

    /// <summary>Reads a workload object; null for other kinds or an object without uid or pod template.</summary>
    public static WorkloadSummary? Read(JsonElement item, IReadOnlyList<LimitRangeDefaults> limitRanges, string? defaultNamespace = null)
    {
        var kind = WorkloadKind.FromApiVersion(item.Child("apiVersion"u8).AsString(), item.Child("kind"u8).AsString());
        return kind is null ? null : Read(kind, item, limitRanges, defaultNamespace);
    }

    /// <summary>Reads an object known to be of <paramref name="kind"/> (admission requests need not repeat apiVersion).</summary>
    public static WorkloadSummary? Read(WorkloadKind kind, JsonElement item, IReadOnlyList<LimitRangeDefaults> limitRanges, string? defaultNamespace = null)
    {
        var metadata = item.Child("metadata"u8);
        if (kind == WorkloadKind.Pod || kind == WorkloadKind.PodTemplate
            || metadata.Child("uid"u8).AsString() is not { Length: > 0 } uid
            || !WorkloadReader.TryRead(kind, item, out var workload))
        {
            return null;
        }

        PodDemand? perPod;
        try
        {
            perPod = PodDemand.Compute(workload!, limitRanges);
        }
        catch (Engine.InvalidObjectException)
        {
            perPod = null;
        }

        var spec = item.Child("spec"u8);

        // Namespaces and label keys repeat across thousands of summaries: one string each, not one per object.
        return new WorkloadSummary(
            kind,
            string.Intern(metadata.Child("namespace"u8).AsString() ?? defaultNamespace ?? "default"),
            metadata.Child("name"u8).AsString() ?? "",
            uid,
            metadata.Child("resourceVersion"u8).AsString())
        {
            Controller = ControllerOf(item),
            Labels = Pairs(metadata.Child("labels"u8)),
            Selector = Pairs(spec.Child("selector"u8).Child("matchLabels"u8).ValueKind == JsonValueKind.Object
                ? spec.Child("selector"u8).Child("matchLabels"u8)
                : spec.Child("selector"u8)),
            PodLabels = Pairs(spec.Child("template"u8).Child("metadata"u8).Child("labels"u8)),
            Replicas = PodCount.RunningAtOnce(workload!, item),
            MaxSurge = kind == WorkloadKind.Deployment ? PodCount.MaxSurgeText(spec) : null,
            PerPod = perPod,
        };
    }

    /// <summary>The <c>ownerReferences</c> entry with <c>controller: true</c>, or null.</summary>
    public static WorkloadOwner? ControllerOf(JsonElement item)
    {
        var owners = item.Child("metadata"u8).Child("ownerReferences"u8);
        if (owners.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var owner in owners.EnumerateArray())
        {
            if (owner.Child("controller"u8).AsBool() == true
                && owner.Child("uid"u8).AsString() is { Length: > 0 } uid)
            {
                var kind = owner.Child("kind"u8).AsString() ?? "";
                return new WorkloadOwner(WorkloadKind.All.FirstOrDefault(k => k.Kind == kind)?.Kind ?? kind, owner.Child("name"u8).AsString() ?? "", uid);
            }
        }

        return null;
    }

    private static KeyValuePair<string, string>[] Pairs(JsonElement map)
    {
        if (map.ValueKind != JsonValueKind.Object)
        {
            return NoLabels;
        }

        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var entry in map.EnumerateObject())
        {
            if (entry.Value.ValueKind == JsonValueKind.String)
            {
                pairs.Add(new(string.Intern(entry.Name), entry.Value.AsString()!));
            }
        }

        return pairs.Count == 0 ? NoLabels : [.. pairs];
    }
}
