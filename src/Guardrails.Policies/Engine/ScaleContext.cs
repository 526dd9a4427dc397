using Guardrails.Policies.Quantities;
using Guardrails.Policies.State;

namespace Guardrails.Policies.Engine;

/// <summary>What a scale-aware rule sees while it judges one replica change, and where it reports. One per evaluation.</summary>
public sealed class ScaleContext
{
    private List<Violation>? _violations;
    private List<QuotaClaim>? _claims;
    private RuleBinding? _current;

    internal ScaleContext(EvaluationRequest request, string @namespace, WorkloadSummary target, long replicas, long? oldReplicas, ScaleWording wording)
    {
        Request = request;
        Namespace = @namespace;
        Target = target;
        Replicas = replicas;
        OldReplicas = oldReplicas;
        Who = wording.Who;
        Path = wording.Path;
        Lower = wording.Lower;
        WarnOnly = wording.WarnOnly;
    }

    public EvaluationRequest Request { get; }

    public string Namespace { get; }

    public IClusterSnapshot Cluster => Request.Cluster;

    /// <summary>The workload whose replicas change, as the caches know it.</summary>
    public WorkloadSummary Target { get; }

    /// <summary>The replica count asked for.</summary>
    public long Replicas { get; }

    /// <summary>The replica count it has now, released by the change; null when unknown.</summary>
    public long? OldReplicas { get; }

    /// <summary>How messages name the change, e.g. <c>Deployment team-a/web</c>.</summary>
    public string Who { get; }

    /// <summary>The field that asks: <c>spec.replicas</c>, <c>spec.maxReplicas</c>.</summary>
    public string Path { get; }

    /// <summary>What the fix asks to lower.</summary>
    public string Lower { get; }

    /// <summary>Nothing can be refused now (an HPA scales later, through the scale subresource): report as warnings.</summary>
    public bool WarnOnly { get; }

    internal IReadOnlyList<Violation>? Violations => _violations;

    internal IReadOnlyList<QuotaClaim>? Claims => _claims;

    internal void Begin(RuleBinding binding) => _current = binding;

    public void Report(string path, string actual, string message, string fix)
    {
        var binding = _current ?? throw new InvalidOperationException("Report called outside a rule check");
        (_violations ??= []).Add(new Violation(binding.Rule.Id, path, actual, message, fix, WarnOnly ? EnforcementMode.Warn : binding.Mode, binding.Pack));
    }

    public void Warn(string path, string actual, string message, string fix)
    {
        var binding = _current ?? throw new InvalidOperationException("Warn called outside a rule check");
        (_violations ??= []).Add(new Violation(binding.Rule.Id, path, actual, message, fix, EnforcementMode.Warn, binding.Pack));
    }

    /// <summary>Quota the change takes if admitted; an HPA takes nothing now.</summary>
    public void Claim(string quota, string resource, Quantity amount)
    {
        if (!WarnOnly)
        {
            (_claims ??= []).Add(new QuotaClaim(Namespace, quota, resource, amount));
        }
    }
}
