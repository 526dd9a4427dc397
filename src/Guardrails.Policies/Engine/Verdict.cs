namespace Guardrails.Policies.Engine;

/// <summary>The engine's answer for one object: every violation with its mode, and the defaults patch.</summary>
public sealed class Verdict
{
    private static readonly IReadOnlyList<Violation> None = [];
    private static readonly IReadOnlyList<QuotaClaim> NoClaims = [];

    internal Verdict(string kind, string? @namespace, string? name, IReadOnlyList<Violation>? violations, Patching.JsonPatch patch, string? skippedBecause, IReadOnlyList<QuotaClaim>? claims = null)
    {
        Claims = claims ?? NoClaims;
        Kind = kind;
        Namespace = @namespace;
        Name = name;
        Violations = violations ?? None;
        Patch = patch;
        SkippedBecause = skippedBecause;
        Allowed = !Violations.Any(v => v.Mode == EnforcementMode.Enforce);
    }

    public string Kind { get; }

    public string? Namespace { get; }

    public string? Name { get; }

    /// <summary>Every violation of every rule in scope, not only the first.</summary>
    public IReadOnlyList<Violation> Violations { get; }

    public Patching.JsonPatch Patch { get; }

    /// <summary>Quota the object consumes if admitted; empty unless quota-fits judged it against a quota.</summary>
    public IReadOnlyList<QuotaClaim> Claims { get; }

    public bool Allowed { get; }

    /// <summary>Why no rule looked at this object (a kind without pods, an excluded namespace), or null when it was judged.</summary>
    public string? SkippedBecause { get; }

    public IEnumerable<Violation> Denials => Violations.Where(v => v.Mode == EnforcementMode.Enforce);

    public IEnumerable<Violation> Warnings => Violations.Where(v => v.Mode == EnforcementMode.Warn);

    public IEnumerable<Violation> Audits => Violations.Where(v => v.Mode == EnforcementMode.Audit);

    public string DisplayName => Namespace is null ? $"{Kind} {Name}" : $"{Kind} {Namespace}/{Name}";

    /// <summary>The same verdict with violations rewritten (covered by exceptions); allowed or not is decided again from them.</summary>
    internal Verdict WithViolations(IReadOnlyList<Violation> violations) => new(Kind, Namespace, Name, violations, Patch, SkippedBecause, Claims);

    /// <summary>The violations an active exception waived (now warnings).</summary>
    public IEnumerable<Violation> Excepted => Violations.Where(v => v.CoveredBy is not null);

    public static Verdict Skipped(string kind, string? @namespace, string? name, string reason) =>
        new(kind, @namespace, name, null, Patching.JsonPatch.Empty, reason);
}
