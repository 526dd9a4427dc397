namespace Guardrails.Webhook.Provisioning;

/// <summary>The objects an environment consists of, in the order they are applied (the Namespace first, Roles before their bindings).</summary>
public sealed class EnvironmentPlan
{
    internal EnvironmentPlan(string @namespace, IReadOnlyList<PlannedObject> objects)
    {
        Namespace = @namespace;
        Objects = objects;
    }

    /// <summary>The namespace, which is also the environment's identity in labels and the owner annotation.</summary>
    public string Namespace { get; }

    public IReadOnlyList<PlannedObject> Objects { get; }

    public PlannedObject? Find(string kind, string name) =>
        Objects.FirstOrDefault(o => o.Kind == kind && o.Name == name);
}
