using System.Text.Json;

namespace Guardrails.Webhook.Provisioning;

/// <summary>
/// What a developer asks for: an environment of a team, in a tier, of a size, with members per role. The same request
/// arrives as an Environment object (<c>kubectl apply</c>) or as the body of <c>POST /api/v1/environments</c>.
/// </summary>
public sealed record EnvironmentRequest
{
    public const string ApiVersion = "guardrails.dev/v1alpha1";
    public const string KindName = "Environment";

    public required string Team { get; init; }

    public required string Name { get; init; }

    /// <summary>As written; whether the platform offers it is the pre-check's question, not the parser's.</summary>
    public required string Tier { get; init; }

    public EnvironmentResources Resources { get; init; } = EnvironmentResources.None;

    public EnvironmentMembers Members { get; init; } = EnvironmentMembers.None;

    /// <summary>How long the environment lives after it is Ready; null means until deleted.</summary>
    public TimeSpan? Ttl { get; init; }

    /// <summary>
    /// <c>{team}-{name}</c>: the namespace, and the environment's identity in labels and the owner annotation. An
    /// Environment object must carry this as its <c>metadata.name</c>, so that the apiserver's unique names also make
    /// namespaces unique to one Environment.
    /// </summary>
    public string Namespace => $"{Team}-{Name}";

    /// <summary>Reads an Environment object: apiVersion, kind, <c>metadata.name</c> (must be <see cref="Namespace"/>) and spec. Status is ignored.</summary>
    public static EnvironmentParseResult FromObject(JsonElement environmentObject) => EnvironmentSpecReader.ReadObject(environmentObject);

    /// <summary>Reads the REST door's body, which is the spec alone. Errors name fields as <c>spec.…</c> so both doors word them alike.</summary>
    public static EnvironmentParseResult FromSpec(JsonElement spec) => EnvironmentSpecReader.ReadSpec(spec);

    /// <summary>
    /// Reads the REST door's body from its <paramref name="text"/> and the same text <paramref name="parsed"/> as JSON:
    /// errors also say the line and column of the body they are on.
    /// </summary>
    public static EnvironmentParseResult FromSpec(string text, JsonElement parsed) => EnvironmentSpecReader.ReadSpec(text, parsed);
}
