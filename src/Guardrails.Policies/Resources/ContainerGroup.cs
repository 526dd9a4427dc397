namespace Guardrails.Policies.Resources;

public enum ContainerGroup
{
    Containers,
    InitContainers,
    EphemeralContainers,
}
