namespace Guardrails.Webhook.Tests.Support;

/// <summary>One server with the shipped packs shared by a test class.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private GuardrailsServer? _server;

    internal GuardrailsServer Server => _server ?? throw new InvalidOperationException("not started");

    public async ValueTask InitializeAsync() => _server = await GuardrailsServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
