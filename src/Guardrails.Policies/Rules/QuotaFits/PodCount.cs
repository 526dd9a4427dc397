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
            {
                var replicas = spec.Child("replicas"u8).AsInt64() ?? 1;
                var surge = countSurge ? Surge(spec, replicas) : 0;
                return surge == 0
                    ? new PodCount(replicas, Plural(replicas, "replica"))
                    : new PodCount(replicas + surge, $"{Plural(replicas, "replica")} + {surge} maxSurge", Surged: true);
            }

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

    /// <summary>Kubernetes rounds a percentage maxSurge up; the default is 25%; Recreate never surges.</summary>
    private static long Surge(System.Text.Json.JsonElement spec, long replicas)
    {
        var strategy = spec.Child("strategy"u8);
        if (strategy.Child("type"u8).AsString() == "Recreate")
        {
            return 0;
        }

        var maxSurge = strategy.Child("rollingUpdate"u8).Child("maxSurge"u8);
        if (maxSurge.AsInt64() is { } absolute)
        {
            return absolute;
        }

        var text = maxSurge.AsString() ?? "25%";
        if (text.EndsWith('%') && long.TryParse(text.AsSpan(0, text.Length - 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var percent))
        {
            return ((replicas * percent) + 99) / 100;
        }

        return long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : 0;
    }

    /// <summary>How a per-pod value became the total, e.g. "3 replicas × 2" or "5 pods × 2: 4 replicas + 1 maxSurge".</summary>
    public string Times(string perPod) => Surged ? $"{Pods} pods × {perPod}: {Explanation}" : $"{Explanation} × {perPod}";

    private static string Plural(long count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";
}
