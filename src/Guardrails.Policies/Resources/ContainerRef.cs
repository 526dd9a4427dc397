using System.Globalization;
using System.Text.Json;

namespace Guardrails.Policies.Resources;

/// <summary>One container of a workload, with what is needed to name its fields.</summary>
public readonly struct ContainerRef
{
    internal ContainerRef(Workload workload, ContainerGroup group, int index, JsonElement element)
    {
        Workload = workload;
        Group = group;
        Index = index;
        Element = element;
    }

    public Workload Workload { get; }

    public ContainerGroup Group { get; }

    public int Index { get; }

    public JsonElement Element { get; }

    public string Name => Element.Child("name"u8).AsString() ?? $"#{Index}";

    /// <summary>The container's <c>securityContext</c>, or default when absent.</summary>
    public JsonElement SecurityContext => Element.Child("securityContext");

    public JsonElement Resources => Element.Child("resources");

    /// <summary>A restartable init container (<c>restartPolicy: Always</c>) is a sidecar that keeps running beside the app containers.</summary>
    public bool IsSidecar => Group == ContainerGroup.InitContainers
        && Element.Child("restartPolicy").ValueKind == JsonValueKind.String
        && Element.Child("restartPolicy").ValueEquals("Always"u8);

    /// <summary>Field path of this container from the object root, e.g. <c>spec.template.spec.containers[1]</c>.</summary>
    public string Path => $"{Workload.Kind.PodSpecPath}.{Group.FieldName()}[{Index}]";

    /// <summary>JSON pointer of this container, for patches.</summary>
    public string Pointer => $"{Workload.Kind.PodSpecPointer}/{Group.FieldName()}/{Index}";

    /// <summary>Built in one step on the stack (not <see cref="Path"/> and then again): a violation's path, on every report.</summary>
    public string FieldPath(string relative) =>
        string.Create(CultureInfo.InvariantCulture, stackalloc char[128], $"{Workload.Kind.PodSpecPath}.{Group.FieldName()}[{Index}].{relative}");

    public string Describe() => string.Create(CultureInfo.InvariantCulture, stackalloc char[128], $"{Group.Noun()} '{Name}'");
}
