using System.Text.Json.Nodes;

namespace Guardrails.Webhook.Cli.Testing;

/// <summary>One case of a suite: an object (and its context) and what the policy must answer for it.</summary>
public sealed record RuleTestCase
{
    public required string Name { get; init; }

    /// <summary>The object as JSON; an AdmissionReview is judged as the webhook would judge it.</summary>
    public required JsonNode Object { get; init; }

    public JsonNode? OldObject { get; init; }

    public string? Namespace { get; init; }

    public string Operation { get; init; } = "CREATE";

    /// <summary>Cluster state the case runs against: Namespaces, ResourceQuotas, LimitRanges, workloads, PodDisruptionBudgets, NetworkPolicies.</summary>
    public IReadOnlyList<JsonNode> Cluster { get; init; } = [];

    /// <summary><c>allowed</c>, <c>denied</c> or <c>skipped</c>.</summary>
    public required string Verdict { get; init; }

    /// <summary>The rule ids that report, in any mode; null when the suite does not say.</summary>
    public IReadOnlyList<string>? Rules { get; init; }

    /// <summary>The JSON Patch the mutating rules must propose; null when the suite does not say.</summary>
    public JsonArray? Patch { get; init; }
}
