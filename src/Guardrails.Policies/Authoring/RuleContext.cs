using Guardrails.Policies.Engine;
using Guardrails.Policies.Resources;
using Guardrails.Policies.State;

namespace Guardrails.Policies.Authoring;

/// <summary>What a rule sees while it checks one object, and where it reports. One per evaluation; not shared across threads.</summary>
public sealed class RuleContext
{
    private readonly Workload? _workload;
    private List<Violation>? _violations;
    private List<QuotaClaim>? _claims;
    private RuleBinding? _current;
    private ObjectView? _object;
    private ObjectView? _oldObject;

    internal RuleContext(EvaluationRequest request, Workload? workload, string @namespace)
    {
        Request = request;
        _workload = workload;
        Namespace = @namespace;
    }

    public EvaluationRequest Request { get; }

    public AdmissionOperation Operation => Request.Operation;

    /// <summary>The object judged (on DELETE, the object being deleted).</summary>
    public ObjectView Object => _object ??= new ObjectView(
        Request.Operation == AdmissionOperation.Delete && !Request.Object.IsPresent() ? Request.OldObject : Request.Object,
        Request.Group,
        Request.Kind,
        Namespace);

    /// <summary>The object before an UPDATE or DELETE; null on CREATE.</summary>
    public ObjectView? OldObject => Request.OldObject.IsPresent()
        ? _oldObject ??= new ObjectView(Request.OldObject, Request.Group, Request.Kind, Namespace)
        : null;

    /// <summary>Whether <see cref="Workload"/> can be read: the object is of a pod-bearing kind.</summary>
    public bool HasWorkload => _workload is not null;

    /// <summary>The pod spec and containers of a pod-bearing kind, with paths from the object root.</summary>
    /// <exception cref="InvalidOperationException">The object is not of a pod-bearing kind (check <see cref="HasWorkload"/>, or match <see cref="Match.PodBearing"/>).</exception>
    public Workload Workload => _workload ?? throw new InvalidOperationException($"{Request.Kind} has no pod template: a rule reading the workload view must match pod-bearing kinds");

    public string Namespace { get; }

    public IClusterSnapshot Cluster => Request.Cluster;

    internal IReadOnlyList<Violation>? Violations => _violations;

    internal IReadOnlyList<QuotaClaim>? Claims => _claims;

    internal RuleBinding? Current => _current;

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

    /// <summary>Reports a violation at a field: its path and value are the violation's.</summary>
    public void Report(Field field, string message, string fix) => Report(field.Path, field.Display, message, fix);

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
