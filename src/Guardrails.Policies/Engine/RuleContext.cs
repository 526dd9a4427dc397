using Guardrails.Policies.Resources;
using Guardrails.Policies.State;

namespace Guardrails.Policies.Engine;

/// <summary>What a rule sees while it checks one object, and where it reports. One per evaluation; not shared across threads.</summary>
public sealed class RuleContext
{
    private List<Violation>? _violations;
    private List<QuotaClaim>? _claims;
    private RuleBinding? _current;

    internal RuleContext(EvaluationRequest request, Workload workload, string @namespace)
    {
        Request = request;
        Workload = workload;
        Namespace = @namespace;
    }

    public EvaluationRequest Request { get; }

    public Workload Workload { get; }

    public string Namespace { get; }

    public IClusterSnapshot Cluster => Request.Cluster;

    internal IReadOnlyList<Violation>? Violations => _violations;

    internal IReadOnlyList<QuotaClaim>? Claims => _claims;

    internal void Begin(RuleBinding binding) => _current = binding;

    /// <param name="path">Field path from the object root.</param>
    /// <param name="actual">The value found ("unset" when missing).</param>
    /// <param name="message">What is wrong.</param>
    /// <param name="fix">How to fix it.</param>
    public void Report(string path, string actual, string message, string fix)
    {
        var binding = _current ?? throw new InvalidOperationException("Report called outside a rule check");
        (_violations ??= []).Add(new Violation(binding.Rule.Id, path, actual, message, fix, binding.Mode, binding.Pack));
    }

    /// <summary>Reports a problem that must never deny, whatever the rule's mode (for example, state that could not be checked).</summary>
    public void Warn(string path, string actual, string message, string fix)
    {
        var binding = _current ?? throw new InvalidOperationException("Warn called outside a rule check");
        (_violations ??= []).Add(new Violation(binding.Rule.Id, path, actual, message, fix, EnforcementMode.Warn, binding.Pack));
    }

    /// <summary>Records quota this object will consume if admitted, so the host can reserve it until the quota's status catches up.</summary>
    public void Claim(string quota, string resource, Quantities.Quantity amount) =>
        (_claims ??= []).Add(new QuotaClaim(Namespace, quota, resource, amount));
}
