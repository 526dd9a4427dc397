using System.Net;
using Guardrails.Webhook.Tests.Support;
using Microsoft.AspNetCore.Builder;

namespace Guardrails.Webhook.Tests.Hosting;

public sealed class ShutdownTests
{
    /// <summary>Sends half the body, then waits for a signal before sending the rest: a request that is in flight on purpose.</summary>
    private sealed class SlowContent : HttpContent
    {
        private readonly byte[] _body;
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public SlowContent(byte[] body)
        {
            _body = body;
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }

        public Task Started => _started.Task;

        public void Release() => _release.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var half = _body.Length / 2;
            await stream.WriteAsync(_body.AsMemory(0, half));
            await stream.FlushAsync();
            _started.TrySetResult();
            await _release.Task;
            await stream.WriteAsync(_body.AsMemory(half));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _body.Length;
            return true;
        }
    }

    [Fact]
    public async Task Stopping_finishes_in_flight_requests_and_then_refuses_new_ones()
    {
        var handling = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await GuardrailsServer.StartAsync(beforeStart: app => app.Use(async (context, next) =>
        {
            handling.TrySetResult();
            await next(context);
        }));
        using var client = server.CreateClient();
        var content = new SlowContent(Fixtures.Read("v1.24/create-pod.json"));

        var inFlight = client.PostAsync("/validate", content, TestContext.Current.CancellationToken);
        await content.Started.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        await handling.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        var stopping = server.App.StopAsync(TestContext.Current.CancellationToken);
        await Task.Delay(200, TestContext.Current.CancellationToken);
        stopping.IsCompleted.ShouldBeFalse("the server must wait for the request in flight");
        content.Release();

        using var response = await inFlight.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await AdmissionResponse.ReadAsync(response)).Allowed.ShouldBeFalse();
        await stopping.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        using var fresh = server.CreateClient();
        await Should.ThrowAsync<HttpRequestException>(() => fresh.GetAsync("/healthz", TestContext.Current.CancellationToken));
    }
}
