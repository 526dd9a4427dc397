using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Guardrails.Webhook.Tests.Support;

namespace Guardrails.Webhook.Tests.Admission;

/// <summary>Client mistakes get a 4xx JSON error that names the problem; never a 500.</summary>
public sealed class BadInputTests : IClassFixture<ServerFixture>
{
    private readonly ServerFixture _fixture;

    public BadInputTests(ServerFixture fixture)
    {
        _fixture = fixture;
    }

    public static TheoryData<string, string, string> BadBodies()
    {
        var good = Encoding.UTF8.GetString(Fixtures.Read("v1.24/create-pod.json"));
        string Edit(Action<JsonNode> edit)
        {
            var node = JsonNode.Parse(good)!;
            edit(node);
            return node.ToJsonString();
        }

        return new TheoryData<string, string, string>
        {
            { "empty", "", "request body is empty" },
            { "truncated", good[..(good.Length / 2)], "not valid JSON" },
            { "not JSON", "apiVersion: admission.k8s.io/v1", "not valid JSON" },
            { "array", "[]", "must be a JSON object" },
            { "missing request", Edit(n => n.AsObject().Remove("request")), "has no request object" },
            { "missing uid", Edit(n => n["request"]!.AsObject().Remove("uid")), "request.uid is missing" },
            { "wrong apiVersion", Edit(n => n["apiVersion"] = "admission.k8s.io/v1beta1"), "apiVersion must be admission.k8s.io/v1, not 'admission.k8s.io/v1beta1'" },
            { "wrong kind", Edit(n => n["kind"] = "Pod"), "kind must be AdmissionReview, not 'Pod'" },
            { "bad operation", Edit(n => n["request"]!["operation"] = "PATCH"), "request.operation must be CREATE, UPDATE, DELETE or CONNECT, not 'PATCH'" },
            { "no object on create", Edit(n => n["request"]!["object"] = null), "request.object must be an object for CREATE" },
            { "deep nesting", new string('[', 5000) + new string(']', 5000), "not valid JSON" },
        };
    }

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Malformed_reviews_get_400_naming_the_problem(string name, string body, string expected)
    {
        using var client = _fixture.Server.CreateClient();

        using var http = await client.PostAsync("/validate", Fixtures.Json(body), TestContext.Current.CancellationToken);

        http.StatusCode.ShouldBe(HttpStatusCode.BadRequest, name);
        http.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = JsonNode.Parse(await http.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        problem["detail"]!.GetValue<string>().ShouldContain(expected);
    }

    [Fact]
    public async Task Invalid_utf8_is_refused_with_400()
    {
        var body = Fixtures.Read("v1.24/create-pod.json");
        body[Array.IndexOf(body, (byte)'x', 200)] = 0xff;
        using var client = _fixture.Server.CreateClient();

        using var http = await client.PostAsync("/validate", Fixtures.Json(body), TestContext.Current.CancellationToken);

        http.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await http.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).ShouldContain("not valid UTF-8");
    }

    [Fact]
    public async Task A_lone_escaped_surrogate_in_the_object_is_judged_not_crashed_on()
    {
        var body = Encoding.UTF8.GetString(Fixtures.Read("v1.24/create-pod.json")).Replace("\"image\":\"nginx:latest\"", "\"image\":\"nginx\\ud800\"", StringComparison.Ordinal);
        using var client = _fixture.Server.CreateClient();

        using var http = await client.PostAsync("/validate", Fixtures.Json(body), TestContext.Current.CancellationToken);

        var response = await AdmissionResponse.ReadAsync(http);
        response.Allowed.ShouldBeFalse();
        response.Message!.ShouldContain("[image-tag]");
    }

    [Fact]
    public async Task Wrong_content_type_is_refused_with_415()
    {
        using var client = _fixture.Server.CreateClient();

        using var http = await client.PostAsync("/validate", new StringContent("{}", Encoding.UTF8, "text/plain"), TestContext.Current.CancellationToken);

        http.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        (await http.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).ShouldContain("Content-Type must be application/json");
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_with_413_and_the_server_keeps_answering()
    {
        await using var server = await GuardrailsServer.StartAsync(o => o with { MaxRequestBodyBytes = 64 * 1024 });
        using var client = server.CreateClient();
        var huge = "{\"pad\":\"" + new string('x', 200 * 1024) + "\"}";

        using var http = await client.PostAsync("/validate", Fixtures.Json(huge), TestContext.Current.CancellationToken);

        http.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        (await http.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).ShouldContain("larger than the 65536 byte limit");
        using var after = await client.PostAsync("/validate", Fixtures.Json(Fixtures.Read("v1.24/create-pod.json")), TestContext.Current.CancellationToken);
        after.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_is_refused_too()
    {
        await using var server = await GuardrailsServer.StartAsync(o => o with { MaxRequestBodyBytes = 64 * 1024 });
        using var client = server.CreateClient();
        using var content = new StreamContent(new MemoryStream(new byte[200 * 1024]));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/validate") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var http = await client.SendAsync(request, TestContext.Current.CancellationToken);

        http.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
    }
}
