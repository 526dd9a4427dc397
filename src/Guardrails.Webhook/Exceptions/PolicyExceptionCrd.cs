namespace Guardrails.Webhook.Exceptions;

/// <summary>The PolicyException CRD (<c>deploy/crds/policyexceptions.guardrails.dev.yaml</c>), embedded so <c>serve</c> can print it.</summary>
public static class PolicyExceptionCrd
{
    public const string Name = "policyexceptions.guardrails.dev";

    public static string Yaml { get; } = Read();

    private static string Read()
    {
        using var stream = typeof(PolicyExceptionCrd).Assembly.GetManifestResourceStream(Name + ".yaml")
            ?? throw new InvalidOperationException($"the {Name} CRD is not embedded in {typeof(PolicyExceptionCrd).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().TrimEnd();
    }
}
