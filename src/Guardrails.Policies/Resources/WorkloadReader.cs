using System.Text.Json;

namespace Guardrails.Policies.Resources;

public static class WorkloadReader
{
    /// <summary>Reads the workload view of an object of a pod-bearing kind; false when the object has no pod spec where its kind keeps one.</summary>
    public static bool TryRead(WorkloadKind kind, JsonElement root, out Workload? workload)
    {
        var spec = root;
        foreach (var segment in kind.PodSpecSegments)
        {
            spec = spec.Child(segment);
        }

        workload = spec.ValueKind == JsonValueKind.Object ? new Workload(kind, root, spec) : null;
        return workload is not null;
    }
}
