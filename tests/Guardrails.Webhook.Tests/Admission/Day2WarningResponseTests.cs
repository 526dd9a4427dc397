using System.Text.Json;
using System.Text.Json.Nodes;
using Guardrails.Policies.Engine;
using Guardrails.Policies.Packs;
using Guardrails.Tests;
using Guardrails.Webhook.Admission;
using Guardrails.Webhook.Cluster;
using Guardrails.Webhook.Cluster.Api;
using Guardrails.Webhook.Hosting;
using Guardrails.Webhook.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Guardrails.Webhook.Tests.Admission;

/// <summary>
/// The probes-required warning is built and written on the cheap path (one string, a reused buffer); what kubectl
/// receives must stay byte for byte what it was.
/// </summary>
public sealed class Day2WarningResponseTests
{
    private const string Expected =
        """{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"4d156c27-abb2-4abb-862f-323de6c51fbf","allowed":true,"warnings":["Guardrails: [probes-required] spec.template.spec.containers[0].readinessProbe (unset): container 'app' has no readinessProbe: it receives traffic before it is ready, so a rollout drops requests. Fix: add readinessProbe (for example httpGet on the container's health endpoint, or tcpSocket on its port)"]}}""";

    [Fact]
    public async Task The_recorded_deployment_gets_exactly_the_readiness_warning_it_always_got()
    {
        var handler = Handler();

        // Twice: the second answer is written into the buffer the first one left behind.
        for (var i = 0; i < 2; i++)
        {
            using var review = AdmissionReviewReader.Read(Fixtures.Read("v1.26/01-deployment-create-3x500m/0012-validate-CREATE-Deployment-web.json"));
            var decision = await handler(new AdmissionCall(review, AdmissionOperationKind.Validate, TimeSpan.FromSeconds(9), TestContext.Current.CancellationToken));

            Assert.Equal(Expected, System.Text.Encoding.UTF8.GetString(AdmissionResponseWriter.Write(review.Uid, decision)));
        }
    }

    [Fact]
    public async Task A_warning_reads_as_the_violation_line_after_the_guardrails_prefix()
    {
        var handler = Handler();
        using var review = AdmissionReviewReader.Read(Fixtures.Read("v1.26/01-deployment-create-3x500m/0012-validate-CREATE-Deployment-web.json"));
        var decision = await handler(new AdmissionCall(review, AdmissionOperationKind.Validate, TimeSpan.FromSeconds(9), TestContext.Current.CancellationToken));

        var violation = Assert.Single(decision.Verdict!.Warnings);
        Assert.Equal($"Guardrails: {violation}", Assert.Single(decision.Warnings));
    }

    [Fact]
    public async Task A_warning_line_over_the_message_limit_is_cut_as_any_long_text_is()
    {
        var handler = Handler();
        var body = JsonNode.Parse(Fixtures.Read("v1.26/01-deployment-create-3x500m/0012-validate-CREATE-Deployment-web.json"))!;
        body["request"]!["object"]!["spec"]!["template"]!["spec"]!["containers"]![0]!["name"] = new string('a', 1100);
        using var review = AdmissionReviewReader.Read(System.Text.Encoding.UTF8.GetBytes(body.ToJsonString()));
        var decision = await handler(new AdmissionCall(review, AdmissionOperationKind.Validate, TimeSpan.FromSeconds(9), TestContext.Current.CancellationToken));

        using var response = JsonDocument.Parse(AdmissionResponseWriter.Write(review.Uid, decision));
        var written = Assert.Single(response.RootElement.GetProperty("response").GetProperty("warnings").EnumerateArray()).GetString()!;

        var line = Assert.Single(decision.Warnings);
        Assert.True(line.Length > ResponseLimits.MaxMessageChars);
        Assert.StartsWith("Guardrails: [probes-required] spec.template.spec.containers[0].readinessProbe (unset): container 'aaaa", written, StringComparison.Ordinal);
        Assert.EndsWith($"… ({line.Length - ResponseLimits.MaxMessageChars} more characters)", written, StringComparison.Ordinal);
        Assert.Equal(line[..ResponseLimits.MaxMessageChars], written[..ResponseLimits.MaxMessageChars]);
    }

    private static AdmissionHandler Handler()
    {
        var baseline = Pack("baseline.yaml");
        var day2 = Pack("day2.yaml");
        day2 = day2 with { Text = day2.Text.Replace("enabled: false", "enabled: true", StringComparison.Ordinal) };
        var store = new PolicyStore(TimeProvider.System);
        store.Apply(PolicyCompiler.Compile([baseline, day2]));

        var state = new LiveClusterState(new QuotaReservations(TimeProvider.System, TimeSpan.FromSeconds(30)), NullLogger<LiveClusterState>.Instance, TimeProvider.System, TimeSpan.FromMinutes(1));
        Load(state, ResourceType.Namespaces, """{"kind":"Namespace","metadata":{"name":"rec-team","labels":{"guardrails.dev/day2":"enabled"}}}""");
        Load(state, ResourceType.LimitRanges);
        Load(state, WorkloadResourceTypes.Deployments);
        Load(state, PolicyObjectTypes.PodDisruptionBudgets, """{"apiVersion":"policy/v1","kind":"PodDisruptionBudget","metadata":{"name":"web","namespace":"rec-team"},"spec":{"minAvailable":1,"selector":{"matchLabels":{"app":"web"}}}}""");
        return AdmissionCore.Create(store, new SyncedClusterState(state));
    }

    private static PackSource Pack(string file)
    {
        var path = Path.Combine(RepoPaths.Policies, file);
        return new PackSource(path, File.ReadAllText(path));
    }

    private static void Load(IWatchSink sink, ResourceType type, params string[] json)
    {
        var documents = json.Select(j => JsonDocument.Parse(j)).ToList();
        sink.Replace(type, [.. documents.Select(d => d.RootElement)]);
        documents.ForEach(d => d.Dispose());
    }
}
