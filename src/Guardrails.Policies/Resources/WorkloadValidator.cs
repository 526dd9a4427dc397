using System.Text.Json;
using Guardrails.Policies.Quantities;

namespace Guardrails.Policies.Resources;

/// <summary>
/// What the apiserver's own validation refuses before any webhook could admit it: container lists that are not
/// lists, negative resource quantities, replica counts that are negative or beyond int32. Such an object is
/// reported as invalid with the field and the reason, never judged (a negative request would offset another
/// container's demand in quota arithmetic). Cheap on valid objects: a quantity is parsed only when it looks negative.
/// </summary>
public static class WorkloadValidator
{
    private static readonly string[] ResourceMaps = ["requests", "limits"];

    /// <returns>Null when the object is valid as far as the rules depend on it; else the field and what is wrong.</returns>
    public static string? Problem(Workload workload)
    {
        ArgumentNullException.ThrowIfNull(workload);
        return CountProblem(workload) ?? ContainersProblem(workload)
            ?? (QuantitiesProblem(workload.PodSpec.Child("overhead"u8), "overhead") is { } overhead ? workload.PodFieldPath(overhead) : null);
    }

    private static string? CountProblem(Workload workload)
    {
        var spec = workload.Root.Child("spec"u8);
        switch (workload.Kind.Replicas)
        {
            case ReplicaSource.Replicas or ReplicaSource.ReplicasWithSurge:
                return Int32Problem(spec.Child("replicas"u8), "spec", "replicas");
            case ReplicaSource.Parallelism:
                var (job, prefix) = workload.Kind == WorkloadKind.CronJob ? (spec.Child("jobTemplate"u8).Child("spec"u8), "spec.jobTemplate.spec") : (spec, "spec");
                return Int32Problem(job.Child("parallelism"u8), prefix, "parallelism") ?? Int32Problem(job.Child("completions"u8), prefix, "completions");
            default:
                return null;
        }
    }

    private static string? Int32Problem(JsonElement value, string parent, string field)
    {
        if (!value.IsPresent())
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var count))
        {
            return $"{parent}.{field} must be a whole number between 0 and {int.MaxValue}, not {Shown(value)}";
        }

        return count < 0 ? $"{parent}.{field} must be 0 or more, not {count}" : null;
    }

    private static string? ContainersProblem(Workload workload)
    {
        foreach (var group in (ReadOnlySpan<ContainerGroup>)[ContainerGroup.Containers, ContainerGroup.InitContainers, ContainerGroup.EphemeralContainers])
        {
            var list = workload.PodSpec.Child(group.FieldName());
            if (!list.IsPresent())
            {
                continue;
            }

            // Paths are built only for the message: a valid object (every request) allocates nothing here.
            if (list.ValueKind != JsonValueKind.Array)
            {
                return $"{workload.PodFieldPath(group.FieldName())} must be a list of containers, not {Kind(list)}";
            }

            var index = 0;
            foreach (var container in list.EnumerateArray())
            {
                if (ContainerProblem(container) is { } problem)
                {
                    return $"{workload.PodFieldPath(group.FieldName())}[{index}]{problem}";
                }

                index++;
            }
        }

        return null;
    }

    /// <returns>Null, or the rest of the path from the container and what is wrong.</returns>
    private static string? ContainerProblem(JsonElement container)
    {
        if (container.ValueKind != JsonValueKind.Object)
        {
            return $" must be a container (a mapping), not {Kind(container)}";
        }

        var resources = container.Child("resources"u8);
        if (!resources.IsPresent())
        {
            return null;
        }

        if (resources.ValueKind != JsonValueKind.Object)
        {
            return $".resources must be a mapping, not {Kind(resources)}";
        }

        foreach (var map in ResourceMaps)
        {
            if (QuantitiesProblem(resources.Child(map), map) is { } problem)
            {
                return $".resources.{problem}";
            }
        }

        return null;
    }

    /// <returns>Null, or the problem with its path starting at <paramref name="path"/>.</returns>
    private static string? QuantitiesProblem(JsonElement map, string path)
    {
        if (!map.IsPresent())
        {
            return null;
        }

        if (map.ValueKind != JsonValueKind.Object)
        {
            return $"{path} must be a mapping of resource names to quantities, not {Kind(map)}";
        }

        foreach (var entry in map.EnumerateObject())
        {
            // Only text that starts with '-' can be negative: nothing is parsed or allocated for the rest.
            if (!LooksNegative(entry.Value))
            {
                continue;
            }

            var text = entry.Value.AsScalarText();
            if (text is not null && Quantity.TryParse(text, out var quantity) && quantity.Value < 0)
            {
                return $"{path}.{entry.Name} must be 0 or more, not {text}; Kubernetes refuses negative quantities";
            }
        }

        return null;
    }

    private static bool LooksNegative(JsonElement value)
    {
        if (value.ValueKind is not JsonValueKind.String and not JsonValueKind.Number)
        {
            return false;
        }

        var raw = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(value);
        var start = value.ValueKind == JsonValueKind.String ? 1 : 0;
        while (start < raw.Length && raw[start] == (byte)' ')
        {
            start++;
        }

        return start < raw.Length && raw[start] == (byte)'-';
    }

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "a mapping",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        _ => value.ValueKind.ToString().ToLowerInvariant(),
    };

    private static string Shown(JsonElement value)
    {
        var text = value.Display();
        return text.Length > 40 ? text[..40] + "..." : text;
    }
}
