using Guardrails.Policies.Authoring;

namespace Guardrails.Policies.Rules.ServiceType;

/// <summary>
/// LoadBalancer and NodePort Services expose a namespace outside the cluster's ingress: only in the namespaces the
/// pack lists. A LoadBalancer opens node ports too, but is judged by its own list.
/// </summary>
[Rule("service-type", Summary = "LoadBalancer and NodePort Services only in the namespaces the pack allows.")]
public sealed class ServiceTypeRule : Rule
{
    private readonly ServiceTypeParameters _parameters;

    public ServiceTypeRule(ServiceTypeParameters parameters)
    {
        _parameters = parameters;
    }

    public override Match Match { get; } = Match.Kinds("Service");

    public override void Check(RuleContext context)
    {
        var type = context.Object.Spec["type"];
        var allowed = type.AsString() switch
        {
            "LoadBalancer" => _parameters.LoadBalancerNamespaces,
            "NodePort" => _parameters.NodePortNamespaces,
            _ => null,
        };
        if (allowed is null || allowed.Contains(context.Namespace, StringComparer.Ordinal))
        {
            return;
        }

        context.Report(
            type,
            $"Service {context.Object.Name} is of type {type.AsString()}, which namespace {context.Namespace} may not use"
            + (allowed.Count == 0 ? "" : $" (allowed in: {string.Join(", ", allowed)})"),
            "use type ClusterIP behind an Ingress, or ask the platform team to allow this namespace in the day2 pack's service-type parameters");
    }
}
