using System.Diagnostics;
using Guardrails.Webhook.Admission;
using Guardrails.Webhook.Hosting;

namespace Guardrails.Webhook.Tests.Admission;

public sealed class DeadlineTests
{
    [Theory]
    [InlineData("10s", 9500)]
    [InlineData("30s", 29500)]
    [InlineData("1500ms", 1000)]
    [InlineData("1m", 59500)]
    public void The_apiserver_timeout_less_a_margin_is_the_deadline(string timeout, int expectedMs)
    {
        ApiTimeout.Deadline(timeout, TimeSpan.FromSeconds(10)).TotalMilliseconds.ShouldBe(expectedMs);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("-5s")]
    public void Without_a_usable_timeout_the_default_applies(string? timeout)
    {
        ApiTimeout.Deadline(timeout, TimeSpan.FromSeconds(10)).ShouldBe(TimeSpan.FromMilliseconds(9500));
    }

    [Fact]
    public async Task A_validate_that_cannot_decide_in_time_is_denied_before_the_deadline_passes()
    {
        using var review = AdmissionReviewReader.Read(Support.Fixtures.Read("v1.24/create-pod.json"));
        AdmissionHandler slow = async _ =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            return AdmissionDecision.Allow();
        };
        var clock = Stopwatch.StartNew();

        var decision = await slow.WithDeadline()(new AdmissionCall(review, AdmissionOperationKind.Validate, TimeSpan.FromMilliseconds(300), TestContext.Current.CancellationToken));

        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5));
        decision.Allowed.ShouldBeFalse();
        decision.Code.ShouldBe(504);
        decision.Message.ShouldBe("Guardrails could not decide within 0.3s; retry the request");
    }

    [Fact]
    public async Task A_mutate_that_cannot_decide_in_time_allows_without_a_patch()
    {
        using var review = AdmissionReviewReader.Read(Support.Fixtures.Read("v1.24/create-pod.json"));
        AdmissionHandler slow = async _ =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            return AdmissionDecision.Allow();
        };

        var decision = await slow.WithDeadline()(new AdmissionCall(review, AdmissionOperationKind.Mutate, TimeSpan.FromMilliseconds(300), TestContext.Current.CancellationToken));

        decision.Allowed.ShouldBeTrue();
        decision.Patch.ShouldBeNull();
    }
}
