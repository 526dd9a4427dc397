namespace Examples.Rules;

/// <summary>An Ingress serves every host it routes over TLS: each rule's host is listed under some <c>spec.tls[].hosts</c>.</summary>
[Rule("ingress-https", Summary = "Ingresses terminate TLS for every host they route.")]
public sealed class IngressTls : Rule
{
    public override Match Match { get; } = Match.Kinds("networking.k8s.io/Ingress");

    public override void Check(RuleContext context)
    {
        var spec = context.Object.Spec;
        var tls = spec["tls"];
        var name = context.Object.Name;
        if (tls.Count == 0)
        {
            context.Report(
                tls,
                $"Ingress {name} has no tls section, so it serves its hosts over plain HTTP",
                "add spec.tls with the hosts and a secretName holding their certificate (for example one cert-manager issues)");
            return;
        }

        var covered = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in tls.Items)
        {
            foreach (var host in entry["hosts"].Items)
            {
                covered.Add(host.AsString() ?? "");
            }
        }

        foreach (var rule in spec["rules"].Items)
        {
            var host = rule["host"];
            if (host.AsString() is { } text && !covered.Contains(text))
            {
                context.Report(host, $"Ingress {name} routes host {text} without TLS", $"add {text} to the hosts of an entry in spec.tls");
            }
        }
    }
}
