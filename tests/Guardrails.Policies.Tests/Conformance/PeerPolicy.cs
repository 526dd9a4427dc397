namespace Guardrails.Policies.Tests.Conformance;

/// <summary>A peer (Kyverno) policy and the Guardrails rule and parameters ../shared/conformance/README.md maps it to.</summary>
internal sealed record PeerPolicy(string Folder, string RuleId, string Parameters)
{
    public static readonly IReadOnlyList<PeerPolicy> All =
    [
        new("disallow-latest-tag", "image-tag", "          disallowedTags: [latest]"),
        new("require-pod-requests-limits", "resource-requirements", "          required: [requests.cpu, requests.memory, limits.memory]"),
        new("require-run-as-nonroot", "run-as-non-root", "          require: runAsNonRoot"),
        new("require-run-as-non-root-user", "run-as-non-root", "          require: runAsUser"),
    ];

    public static PeerPolicy Named(string folder) => All.Single(p => p.Folder == folder);
}
