using System.Text;

namespace Guardrails.Benchmarks;

/// <summary>
/// Deployments as a CI pipeline checks them: even ones compliant with the shipped packs (runAsNonRoot, cpu and memory
/// limits, a pinned registry image), odd ones not (<c>nginx:latest</c>, no memory limit); the same objects as one
/// multi-document YAML text and as one JSON array.
/// </summary>
internal static class GeneratedDeployments
{
    private const string JsonTemplate = """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"NAME","namespace":"team-a","labels":{"app":"NAME","team":"team-a"}},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"NAME"}},"template":{"metadata":{"labels":{"app":"NAME","team":"team-a"}},"spec":{"securityContext":{"runAsNonRoot":true},"containers":[{"name":"app","image":"IMAGE","resources":{"requests":{"cpu":"100m","memory":"128Mi"},"limits":{"cpu":"500m"MEMORY}}}]}}}}
        """;

    public static string Yaml(int count)
    {
        var yaml = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            var compliant = i % 2 == 0;
            var limits = compliant ? "cpu: 500m, memory: 256Mi" : "cpu: 500m";
            yaml.Append(i == 0 ? "" : "---\n").Append($$"""
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: app-{{i}}
                  namespace: team-a
                  labels: { app: app-{{i}}, team: team-a }
                spec:
                  replicas: 2
                  selector: { matchLabels: { app: app-{{i}} } }
                  template:
                    metadata: { labels: { app: app-{{i}}, team: team-a } }
                    spec:
                      securityContext: { runAsNonRoot: true }
                      containers:
                        - name: app
                          image: {{Image(compliant)}}
                          resources:
                            requests: { cpu: 100m, memory: 128Mi }
                            limits: { {{limits}} }

                """);
        }

        return yaml.ToString();
    }

    public static string Json(int count)
    {
        var json = new StringBuilder("[");
        for (var i = 0; i < count; i++)
        {
            var compliant = i % 2 == 0;
            var memory = compliant ? ",\"memory\":\"256Mi\"" : "";
            json.Append(i == 0 ? "" : ",").Append(JsonTemplate.Replace("NAME", $"app-{i}").Replace("IMAGE", Image(compliant)).Replace("MEMORY", memory));
        }

        return json.Append(']').ToString();
    }

    private static string Image(bool compliant) => compliant ? "registry.example.com/app:1.2.3" : "nginx:latest";
}
