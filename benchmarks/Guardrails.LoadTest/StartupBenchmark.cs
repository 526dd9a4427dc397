using System.Globalization;
using System.Text;
using Guardrails.Webhook.Tests.Support.FakeKube;

namespace Guardrails.LoadTest;

/// <summary>
/// Start-up with live cluster state: <c>guardrails serve --kubeconfig</c> as its own process against the fake API server
/// (real paged list and watch) holding N namespaces with one ResourceQuota each. Measures the time from process start to
/// <c>/readyz</c> 200 (policy loaded, every watch cache synced) and the resident set 3 s later; the same with an empty
/// cluster gives what the caches and the client cost at N quotas (RSS difference), and without --kubeconfig what
/// the host costs with no cluster client at all.
/// </summary>
internal static class StartupBenchmark
{
    private const string Token = "bench-startup";

    public static async Task<int> RunAsync(string repo, int quotas, int runs)
    {
        var work = Directory.CreateTempSubdirectory("guardrails-start-bench-").FullName;
        try
        {
            var invariant = CultureInfo.InvariantCulture;
            Console.WriteLine($"# start-up benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, guardrails {ServerProcess.GuardrailsDll}");
            Console.WriteLine("| cluster | run | time to ready (ms) | RSS after start-up (MiB) | of it file-backed (MiB) |");
            Console.WriteLine("|---|---:|---:|---:|---:|");
            for (var run = 1; run <= runs; run++)
            {
                await using var alone = await ServerProcess.StartAsync(Path.Combine(repo, "policies"));
                await Task.Delay(TimeSpan.FromSeconds(3));
                Console.WriteLine(string.Create(invariant, $"| no cluster | {run} | {alone.TimeToReady.TotalMilliseconds:F0} | {alone.ResidentBytes() / 1024.0 / 1024.0:F1} | {alone.ResidentFileBytes() / 1024.0 / 1024.0:F1} |"));
            }

            foreach (var size in new[] { 0, quotas })
            {
                await using var api = await FakeKubeApiServer.StartAsync(new FakeKubeOptions
                {
                    Tokens = new Dictionary<string, FakeUser>(StringComparer.Ordinal) { [Token] = new("system:serviceaccount:guardrails:guardrails") },
                    MaxObjects = (2 * size) + 100,
                });
                api.Upsert(new { apiVersion = "v1", kind = "Namespace", metadata = new { name = "guardrails" } });
                for (var i = 0; i < size; i++)
                {
                    var ns = $"team-{i:D5}";
                    api.Upsert(new { apiVersion = "v1", kind = "Namespace", metadata = new { name = ns, labels = new Dictionary<string, string> { ["team"] = ns, ["tier"] = "dev" } } });
                    api.Upsert(new
                    {
                        apiVersion = "v1",
                        kind = "ResourceQuota",
                        metadata = new { name = "compute", @namespace = ns },
                        spec = new { hard = new Dictionary<string, string> { ["requests.cpu"] = "20", ["requests.memory"] = "64Gi", ["pods"] = "50" } },
                        status = new
                        {
                            hard = new Dictionary<string, string> { ["requests.cpu"] = "20", ["requests.memory"] = "64Gi", ["pods"] = "50" },
                            used = new Dictionary<string, string> { ["requests.cpu"] = "4", ["requests.memory"] = "8Gi", ["pods"] = "6" },
                        },
                    });
                }

                var kubeconfig = Path.Combine(work, $"kubeconfig-{size}");
                File.WriteAllText(kubeconfig, $$$"""
                    apiVersion: v1
                    kind: Config
                    clusters:
                    - name: fake
                      cluster:
                        server: "{{{api.BaseAddress.ToString().TrimEnd('/')}}}"
                        certificate-authority-data: {{{Convert.ToBase64String(Encoding.UTF8.GetBytes(api.Ca.ExportCertificatePem()))}}}
                    users:
                    - name: guardrails
                      user: {token: {{{Token}}}}
                    contexts:
                    - name: fake
                      context: {cluster: fake, user: guardrails}
                    current-context: fake
                    """);
                for (var run = 1; run <= runs; run++)
                {
                    await using var server = await ServerProcess.StartAsync(Path.Combine(repo, "policies"), "--kubeconfig", kubeconfig);
                    await Task.Delay(TimeSpan.FromSeconds(3));
                    var rss = server.ResidentBytes() / 1024.0 / 1024.0;
                    Console.WriteLine(string.Create(invariant, $"| {size} namespaces + {size} quotas | {run} | {server.TimeToReady.TotalMilliseconds:F0} | {rss:F1} | {server.ResidentFileBytes() / 1024.0 / 1024.0:F1} |"));
                }
            }

            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
