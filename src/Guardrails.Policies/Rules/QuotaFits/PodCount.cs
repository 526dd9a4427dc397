using Guardrails.Policies.Resources;

namespace Guardrails.Policies.Rules.QuotaFits;

/// <summary>How many pods of a workload run at once, and how that number was reached, for the message.</summary>
internal readonly record struct PodCount(long Pods, string Explanation, bool Surged = false)
{
    /// <summary>Null when unknown without more cluster state (DaemonSets) or when nothing runs (PodTemplates).</summary>
    public static PodCount? Of(Workload workload, bool countSurge)
    {
        var spec = workload.Root.Child("spec"u8);
        switch (workload.Kind.Replicas)
        {
            case ReplicaSource.SinglePod:
                return new PodCount(1, "1 pod");
            case ReplicaSource.Replicas:
            {
                var replicas = spec.Child("replicas"u8).AsInt64() ?? 1;
                return new PodCount(replicas, Plural(replicas, "replica"));
            }

            case ReplicaSource.ReplicasWithSurge:
                return ForReplicas(spec.Child("replicas"u8).AsInt64() ?? 1, MaxSurgeText(spec), countSurge);

            case ReplicaSource.Parallelism:
            {
                var job = workload.Kind == WorkloadKind.CronJob ? spec.Child("jobTemplate"u8).Child("spec"u8) : spec;
                var parallelism = job.Child("parallelism"u8).AsInt64() ?? 1;
                var completions = job.Child("completions"u8).AsInt64();
                var pods = completions is { } c ? Math.Min(parallelism, c) : parallelism;
                return new PodCount(pods, $"parallelism {pods}");
            }

            default:
                return null;
        }
    }

    /// <summary>A Deployment at <paramref name="replicas"/>, as its own spec or a scale subresource write leaves it.</summary>
    public static PodCount ForReplicas(long replicas, string? maxSurge, bool countSurge)
    {
        var surge = countSurge ? SurgeOf(maxSurge, replicas) : 0;
        return surge == 0
            ? new PodCount(replicas, Plural(replicas, "replica"))
            : new PodCount(replicas + surge, $"{Plural(replicas, "replica")} + {surge} maxSurge", Surged: true);
    }

    /// <summary>A Deployment's maxSurge as written (<c>1</c>, <c>25%</c>, the default <c>25%</c>); null for Recreate, which never surges.</summary>
    public static string? MaxSurgeText(System.Text.Json.JsonElement spec)
    {
        var strategy = spec.Child("strategy"u8);
        if (strategy.Child("type"u8).AsString() == "Recreate")
        {
            return null;
        }

        var maxSurge = strategy.Child("rollingUpdate"u8).Child("maxSurge"u8);
        return maxSurge.AsInt64() is { } absolute
            ? absolute.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : maxSurge.AsString() ?? "25%";
    }

    /// <summary>
    /// How many pods a workload's controller keeps at once (surge not included): replicas, or a Job's parallelism
    /// (0 once it finished); null for DaemonSets, which depend on the nodes.
    /// </summary>
    public static long? RunningAtOnce(Workload workload, System.Text.Json.JsonElement item)
    {
        if (workload.Kind == WorkloadKind.Job && Finished(item))
        {
            return 0;
        }

        return Of(workload, countSurge: false)?.Pods;
    }

    /// <summary>Kubernetes rounds a percentage maxSurge up; Recreate (null) never surges.</summary>
    public static long SurgeOf(string? text, long replicas)
    {
        if (text is null)
        {
            return 0;
        }

        if (text.EndsWith('%') && long.TryParse(text.AsSpan(0, text.Length - 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var percent))
        {
            return ((replicas * percent) + 99) / 100;
        }

        return long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : 0;
    }

    private static bool Finished(System.Text.Json.JsonElement job)
    {
        var conditions = job.Child("status"u8).Child("conditions"u8);
        if (conditions.ValueKind != System.Text.Json.JsonValueKind.Array)
        {
            return false;
        }

        foreach (var condition in conditions.EnumerateArray())
        {
            if (condition.Child("type"u8).AsString() is "Complete" or "Failed" && condition.Child("status"u8).AsString() == "True")
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>How a per-pod value became the total, e.g. "3 replicas × 2" or "5 pods × 2: 4 replicas + 1 maxSurge".</summary>
    public string Times(string perPod) => Surged ? $"{Pods} pods × {perPod}: {Explanation}" : $"{Explanation} × {perPod}";

    private static string Plural(long count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";
}
