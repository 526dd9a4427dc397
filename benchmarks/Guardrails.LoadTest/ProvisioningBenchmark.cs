using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Guardrails.Webhook.Cluster.Api;
using Guardrails.Webhook.Hosting;
using Guardrails.Webhook.Hosting.Tls;
using Guardrails.Webhook.Tests.Support.FakeKube;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Guardrails.LoadTest;

/// <summary>
/// Self-serve to Ready: <c>POST /api/v1/environments</c> answered once the Environment is Ready, against a fake API
/// server (real list/watch) that adds a fixed latency to every call. Sequential requests, bounded in count.
/// </summary>
internal static class ProvisioningBenchmark
{
    private const string CallerToken = "bench-caller";
    private const string ControllerToken = "bench-controller";

    public static async Task<int> RunAsync(string repo, int requests, TimeSpan apiLatency)
    {
        var work = Directory.CreateTempSubdirectory("guardrails-prov-bench-").FullName;
        try
        {
            await using var api = await FakeKubeApiServer.StartAsync(new FakeKubeOptions
            {
                Tokens = new Dictionary<string, FakeUser>(StringComparer.Ordinal) { [ControllerToken] = new("system:serviceaccount:guardrails:guardrails") },
                HistoryLimit = 100_000,
            });
            api.Upsert(new { apiVersion = "v1", kind = "Namespace", metadata = new { name = "guardrails" } });
            api.TokenReviews[CallerToken] = new FakeUser("dev@example.com", "bench-devs");
            api.AccessReviews[new AccessCheck("dev@example.com", "create", "guardrails.dev", "environments", "bench")] = true;
            api.Latency = apiLatency;

            var policies = Path.Combine(work, "policies");
            Directory.CreateDirectory(policies);
            File.Copy(Path.Combine(repo, "policies", "baseline.yaml"), Path.Combine(policies, "baseline.yaml"));
            File.WriteAllText(
                Path.Combine(policies, "platform.yaml"),
                File.ReadAllText(Path.Combine(repo, "policies", "platform.yaml"))
                    .Replace("  teams:\n", "  teams:\n    bench:\n      budget: {}\n", StringComparison.Ordinal));
            var kubeconfig = Path.Combine(work, "kubeconfig");
            File.WriteAllText(kubeconfig, $"""
                apiVersion: v1
                kind: Config
                clusters: [{"{"}name: fake, cluster: {"{"}server: "{api.BaseAddress.ToString().TrimEnd('/')}", certificate-authority-data: {Convert.ToBase64String(Encoding.UTF8.GetBytes(api.Ca.ExportCertificatePem()))}{"}"}{"}"}]
                users: [{"{"}name: guardrails, user: {"{"}token: {ControllerToken}{"}"}{"}"}]
                contexts: [{"{"}name: fake, context: {"{"}cluster: fake, user: guardrails{"}"}{"}"}]
                current-context: fake
                """);

            var app = GuardrailsHost.Build(
                new ServeOptions
                {
                    PoliciesDirectory = policies,
                    DataDirectory = Path.Combine(work, "data"),
                    Urls = ["https://127.0.0.1:0"],
                    PrintManifests = false,
                    Kubeconfig = kubeconfig,
                },
                logging: l => l.SetMinimumLevel(LogLevel.Warning));
            await app.StartAsync();
            try
            {
                return await MeasureAsync(app, api, requests, apiLatency);
            }
            finally
            {
                await app.StopAsync();
                await app.DisposeAsync();
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<int> MeasureAsync(WebApplication app, FakeKubeApiServer api, int requests, TimeSpan apiLatency)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var ca = X509Certificate2.CreateFromPem(app.Services.GetRequiredService<ServingCertificateProvider>().CaBundlePem);
        using var client = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return certificate is not null && chain.Build(new X509Certificate2(certificate));
                },
            },
        })
        { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(10) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", CallerToken);

        // Wait for the caches and the provisioning lease, then warm up with two environments that are not measured.
        var ready = Stopwatch.StartNew();
        while ((await client.GetAsync("/readyz")).StatusCode != HttpStatusCode.OK && ready.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(100);
        }

        var latencies = new List<double>();
        var steps = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        var failures = 0;
        for (var i = -2; i < requests; i++)
        {
            var spec = new JsonObject
            {
                ["team"] = "bench",
                ["name"] = i < 0 ? $"warm{-i}" : $"e{i}",
                ["tier"] = "dev",
                ["resources"] = new JsonObject { ["cpu"] = "2", ["memory"] = "4Gi" },
                ["members"] = new JsonObject { ["editors"] = new JsonObject { ["users"] = new JsonArray("dev@example.com") } },
            };
            var clock = Stopwatch.StartNew();
            using var response = await client.PostAsync("/api/v1/environments", new StringContent(spec.ToJsonString(), Encoding.UTF8, "application/json"));
            var elapsed = clock.Elapsed.TotalMilliseconds;
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            if (response.StatusCode != HttpStatusCode.Created)
            {
                failures++;
                Console.Error.WriteLine($"request {i}: {(int)response.StatusCode} {body.ToJsonString()}");
                continue;
            }

            if (i < 0)
            {
                continue;
            }

            latencies.Add(elapsed);
            foreach (var step in body["steps"]!.AsArray())
            {
                var kind = step!["name"]!.GetValue<string>().Split(' ')[0];
                (steps.TryGetValue(kind, out var list) ? list : steps[kind] = []).Add(step["durationMs"]!.GetValue<double>());
            }
        }

        // Counted before the baseline's own writes.
        var callsPerEnvironment = api.RequestLog.Count(r => r.Method is "PATCH" or "POST" or "PUT" or "DELETE") / (double)(requests + 2);
        var roundTrip = await MeasureRoundTripAsync(app, requests);
        latencies.Sort();
        double P(double p) => latencies.Count == 0 ? double.NaN : latencies[Math.Clamp((int)Math.Ceiling(p / 100 * latencies.Count) - 1, 0, latencies.Count - 1)];
        var invariant = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(invariant, $"# Provisioning benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores: {latencies.Count} sequential REST requests to Ready, fake API server +{apiLatency.TotalMilliseconds:0} ms per call, {failures} failed"));
        Console.WriteLine();
        Console.WriteLine("| requests | p50 (ms) | p95 (ms) | max (ms) | API calls to the fake per environment |");
        Console.WriteLine("|---:|---:|---:|---:|---:|");
        Console.WriteLine(string.Create(invariant, $"| {latencies.Count} | {P(50):F1} | {P(95):F1} | {latencies.LastOrDefault():F1} | {callsPerEnvironment:F1} writes |"));
        Console.WriteLine();
        Console.WriteLine(string.Create(invariant, $"Baseline, same run: one server-side apply from Guardrails' own client to the same fake, median of {requests}: {roundTrip:F1} ms. Request to Ready = **{P(50) / roundTrip:F1}** (p50) / **{P(95) / roundTrip:F1}** (p95) such round trips."));
        Console.WriteLine();
        Console.WriteLine("Per-step breakdown (server-side apply of each planned object, mean ms, as reported in status.steps):");
        Console.WriteLine();
        Console.WriteLine("| step | count per environment | mean (ms) |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var (kind, values) in steps.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            Console.WriteLine(string.Create(invariant, $"| {kind} | {values.Count / (double)latencies.Count:F0} | {values.Average():F1} |"));
        }

        return failures == 0 ? 0 : 1;
    }

    /// <summary>The floor of any provisioning step: one apply round trip through the same client, latency and server.</summary>
    private static async Task<double> MeasureRoundTripAsync(WebApplication app, int count)
    {
        var client = app.Services.GetRequiredService<IKubernetesApi>();
        var times = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var configMap = new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "ConfigMap",
                ["metadata"] = new JsonObject { ["name"] = "round-trip", ["namespace"] = "guardrails" },
                ["data"] = new JsonObject { ["i"] = i.ToString(CultureInfo.InvariantCulture) },
            };
            using var body = JsonDocument.Parse(configMap.ToJsonString());
            var clock = Stopwatch.StartNew();
            (await client.ApplyAsync("/api/v1/namespaces/guardrails/configmaps/round-trip", body.RootElement, "bench", force: true, CancellationToken.None)).Dispose();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        return times[times.Count / 2];
    }
}
