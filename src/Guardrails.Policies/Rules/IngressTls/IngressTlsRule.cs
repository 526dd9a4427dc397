using Guardrails.Policies.Authoring;

namespace Guardrails.Policies.Rules.IngressTls;

/// <summary>
/// An Ingress serves every host it routes over TLS: each rule's host is listed under some <c>spec.tls[].hosts</c>,
/// exactly or by a <c>*.</c> wildcard one label deep (as certificates match).
/// </summary>
[Rule("ingress-tls", Summary = "Ingresses terminate TLS for every host they route.")]
public sealed class IngressTlsRule : Rule
{
    private readonly IngressTlsParameters _parameters;

    public IngressTlsRule(IngressTlsParameters parameters)
    {
        _parameters = parameters;
    }

    public override Match Match { get; } = Match.Kinds("networking.k8s.io/Ingress");

    public override void Check(RuleContext context)
    {
        var spec = context.Object.Spec;
        var name = context.Object.Name;
        var covered = new List<string>();
        foreach (var entry in spec["tls"].Items)
        {
            foreach (var host in entry["hosts"].Items)
            {
                covered.Add(host.AsString() ?? "");
            }
        }

        foreach (var rule in spec["rules"].Items)
        {
            var host = rule["host"];
            var text = host.AsString();
            if (string.IsNullOrEmpty(text))
            {
                context.Report(host.Path, "unset", $"Ingress {name} routes every host name (no host) without TLS", "set host to the name clients use and list it under spec.tls[].hosts");
            }
            else if (!Covers(covered, text) && !Covers(_parameters.ExemptHosts, text))
            {
                context.Report(
                    host,
                    $"Ingress {name} routes host {text} without TLS, so it is served over plain HTTP",
                    $"add {text} to the hosts of an entry in spec.tls with a secretName holding its certificate");
            }
        }
    }

    private static bool Covers(IEnumerable<string> names, string host)
    {
        foreach (var name in names)
        {
            if (string.Equals(name, host, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            if (name.StartsWith("*.", StringComparison.Ordinal)
                && host.IndexOf('.') is var dot and > 0
                && string.Equals(host[(dot + 1)..], name[2..], StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
