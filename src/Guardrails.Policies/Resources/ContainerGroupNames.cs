namespace Guardrails.Policies.Resources;

public static class ContainerGroupNames
{
    public static string FieldName(this ContainerGroup group) => group switch
    {
        ContainerGroup.Containers => "containers",
        ContainerGroup.InitContainers => "initContainers",
        ContainerGroup.EphemeralContainers => "ephemeralContainers",
        _ => throw new ArgumentOutOfRangeException(nameof(group)),
    };

    /// <summary>How a person calls it in a message: "container", "init container", "ephemeral container".</summary>
    public static string Noun(this ContainerGroup group) => group switch
    {
        ContainerGroup.Containers => "container",
        ContainerGroup.InitContainers => "init container",
        ContainerGroup.EphemeralContainers => "ephemeral container",
        _ => throw new ArgumentOutOfRangeException(nameof(group)),
    };
}
