using System.Net;

namespace Guardrails.Webhook.Tests.Support;

/// <summary>Reads a body whatever the status, for endpoints that answer problems with 503.</summary>
internal static class HttpClientProblemExtensions
{
    public static async Task<string> GetStringOrProblemAsync(this HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return response.StatusCode == HttpStatusCode.OK ? "" : body;
    }
}
