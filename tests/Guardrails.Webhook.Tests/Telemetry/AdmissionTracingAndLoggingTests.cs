using System.Collections.Concurrent;
using System.Diagnostics;
using Guardrails.Webhook.Telemetry;
using Guardrails.Webhook.Tests.Support;

namespace Guardrails.Webhook.Tests.Telemetry;

public sealed class AdmissionTracingAndLoggingTests
{
    [Fact]
    public async Task Each_admission_request_is_traced_with_its_identity_and_verdict()
    {
        var activities = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == GuardrailsTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Add,
        };
        ActivitySource.AddActivityListener(listener);
        await using var server = await GuardrailsServer.StartAsync();
        using var client = server.CreateClient();

        // The listener is process-wide and other tests send the same recording: this request gets a uid of its own.
        var uid = Guid.NewGuid().ToString();
        var review = System.Text.Json.Nodes.JsonNode.Parse(Fixtures.Read("v1.24/create-pod.json"))!;
        review["request"]!["uid"] = uid;
        using var http = await client.PostAsync("/validate", Fixtures.Json(review.ToJsonString()), TestContext.Current.CancellationToken);
        await AdmissionResponse.ReadAsync(http);

        var activity = activities.Single(a => (string?)a.GetTagItem("guardrails.uid") == uid && a.DisplayName == "admission validate");
        activity.GetTagItem("k8s.kind").ShouldBe("Pod");
        activity.GetTagItem("k8s.namespace.name").ShouldBe("default");
        activity.GetTagItem("k8s.object.name").ShouldBe("x");
        activity.GetTagItem("guardrails.verdict").ShouldBe("denied");
    }

    [Fact]
    public async Task Decisions_are_logged_with_identity_and_verdict_but_never_the_object_body()
    {
        await using var server = await GuardrailsServer.StartAsync();
        using var client = server.CreateClient();

        using var http = await client.PostAsync("/validate", Fixtures.Json(Fixtures.Read("v1.24/create-pod.json")), TestContext.Current.CancellationToken);
        await AdmissionResponse.ReadAsync(http);

        var decision = server.Logs.Lines.Where(l => l.Contains("Guardrails.Admission", StringComparison.Ordinal)).ShouldHaveSingleItem();
        decision.ShouldContain("Information");
        decision.ShouldContain("uid=4951fb4f-3def-4bcd-a745-bdb1b7fe1090 kind=Pod namespace=default name=x user=admin operation=Create verdict=denied");
        server.Logs.Lines.ShouldNotContain(l => l.Contains("nginx:latest", StringComparison.Ordinal) || l.Contains("managedFields", StringComparison.Ordinal));
    }
}
