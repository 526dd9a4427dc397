using System.Globalization;
using System.Text;
using Guardrails.Webhook.Tests.Support.FakeKube;

namespace Guardrails.LoadTest;

/// <summary>
/// Start-up: <c>guardrails serve</c> with the shipped packs and no cluster, started <c>runs</c> times (after one
/// discarded warm-up start that fills the disk cache and warms this process's HTTPS client), each timed from the moment
/// the benchmark starts the process to the first 200 from <c>/readyz</c>, with the server's own milestones in between
/// (<c>GUARDRAILS_STARTUP_TIMELINE</c>) and the resident set at ready and 3 s later. With <c>GUARDRAILS_BASELINE_DLL</c>
/// a second build is started alternately with this one, so both see the same machine.
/// With <c>--quotas N</c>, also <c>guardrails serve --kubeconfig</c> against the fake API server (real paged list and
/// watch) holding N namespaces with one ResourceQuota each, and with an empty cluster: what the caches and the client cost.
/// </summary>
internal static class StartupBenchmark
{
    private const string Token = "bench-startup";

    private static readonly string[] Milestones =
        [
            "main-entered", "build-started", "options-validated", "builder-created", "host-built", "pipeline-configured", "metrics-ready",
            "exception-board-ready", "pack-watcher-ready", "packs-read", "packs-parsed-and-compiled", "settings-parsed", "packs-compiled",
            "tls-ready", "endpoints-mapped", "listening", "first-ready-handled",
        ];

    public static async Task<int> RunAsync(string repo, int? quotas, int runs)
    {
        var invariant = CultureInfo.InvariantCulture;
        var policies = Path.Combine(repo, "policies");
        var builds = new List<(string Name, string Dll)> { ("this", await GuardrailsBuild.ResolveAsync(repo)) };
        if (Environment.GetEnvironmentVariable("GUARDRAILS_BASELINE_DLL") is { Length: > 0 } baseline)
        {
            builds.Insert(0, ("baseline", baseline));
        }

        Console.WriteLine($"# start-up benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {LoadAverage()}");
        foreach (var (name, dll) in builds)
        {
            Console.WriteLine($"# {name}: {dll}");
        }

        Console.WriteLine();
        Console.WriteLine("Shipped packs, no cluster. Milestones and /readyz 200 in ms from process start (wall clock); CPU: the server's user + system ms at ready; RSS in MiB.");
        Console.WriteLine();
        Console.WriteLine($"| build | run | {string.Join(" | ", Milestones)} | /readyz 200 | CPU at ready | RSS at ready | RSS 3 s later |");
        Console.WriteLine($"|---|---:|{string.Concat(Enumerable.Repeat("---:|", Milestones.Length + 4))}");
        foreach (var (_, dll) in builds)
        {
            await using var warmUp = await ServerProcess.StartAsync(new ServerStart(dll, policies));
        }

        var results = builds.ToDictionary(b => b.Name, _ => new List<(double[] Marks, double Ready, double Cpu, double Rss, double Later)>());
        for (var run = 1; run <= runs; run++)
        {
            foreach (var (name, dll) in builds)
            {
                await using var server = await ServerProcess.StartAsync(new ServerStart(dll, policies));
                var rss = server.ResidentAtReady / 1024.0 / 1024.0;
                await Task.Delay(TimeSpan.FromSeconds(3));
                var later = server.ResidentBytes() / 1024.0 / 1024.0;
                var marks = server.Output.Marks;
                var offsets = Milestones.Select(m => marks.FirstOrDefault(x => x.Milestone == m) is { Milestone: not null } hit ? (hit.At - server.StartedAt).TotalMilliseconds : double.NaN).ToArray();
                results[name].Add((offsets, server.TimeToReady.TotalMilliseconds, server.CpuAtReady.TotalMilliseconds, rss, later));
                Console.WriteLine(string.Create(invariant, $"| {name} | {run} | {string.Join(" | ", offsets.Select(Ms))} | {server.TimeToReady.TotalMilliseconds:F0} | {server.CpuAtReady.TotalMilliseconds:F0} | {rss:F1} | {later:F1} |"));
            }
        }

        foreach (var (name, _) in builds)
        {
            var rows = results[name];
            var medians = Enumerable.Range(0, Milestones.Length).Select(i => Median(rows.Select(r => r.Marks[i]))).ToArray();
            Console.WriteLine(string.Create(invariant, $"| **{name}, median** | {rows.Count} | {string.Join(" | ", medians.Select(Ms))} | **{Median(rows.Select(r => r.Ready)):F0}** | {Median(rows.Select(r => r.Cpu)):F0} | **{Median(rows.Select(r => r.Rss)):F1}** | {Median(rows.Select(r => r.Later)):F1} |"));
        }

        if (builds.Count == 2)
        {
            var before = results["baseline"];
            var after = results["this"];
            Console.WriteLine();
            Console.WriteLine(string.Create(invariant, $"Time to ready: this build {Median(after.Select(r => r.Ready)) / Median(before.Select(r => r.Ready)):P0} of the baseline's; CPU at ready {Median(after.Select(r => r.Cpu)) / Median(before.Select(r => r.Cpu)):P0}; RSS at ready {Median(after.Select(r => r.Rss)) / Median(before.Select(r => r.Rss)):P0}."));
        }

        if (quotas is { } size)
        {
            await ClusterAsync(policies, builds, size, runs);
        }

        return 0;
    }

    private static async Task ClusterAsync(string policies, List<(string Name, string Dll)> builds, int quotas, int runs)
    {
        var invariant = CultureInfo.InvariantCulture;
        var work = Directory.CreateTempSubdirectory("guardrails-start-bench-").FullName;
        try
        {
            Console.WriteLine();
            Console.WriteLine("| cluster | build | run | time to ready (ms) | RSS 3 s after ready (MiB) | of it file-backed (MiB) |");
            Console.WriteLine("|---|---|---:|---:|---:|---:|");
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
                    foreach (var (name, dll) in builds)
                    {
                        await using var server = await ServerProcess.StartAsync(new ServerStart(dll, policies) { Arguments = ["--kubeconfig", kubeconfig] });
                        await Task.Delay(TimeSpan.FromSeconds(3));
                        var rss = server.ResidentBytes() / 1024.0 / 1024.0;
                        Console.WriteLine(string.Create(invariant, $"| {size} namespaces + {size} quotas | {name} | {run} | {server.TimeToReady.TotalMilliseconds:F0} | {rss:F1} | {server.ResidentFileBytes() / 1024.0 / 1024.0:F1} |"));
                    }
                }
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    internal static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static string Ms(double value) => double.IsNaN(value) ? "–" : value.ToString("F0", CultureInfo.InvariantCulture);
}
