using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Guardrails.Webhook.Cluster.Api;
using Guardrails.Webhook.Tests.Hosting.Tls;

namespace Guardrails.Webhook.Tests.Support.FakeKube;

/// <summary>The fake's own semantics that the client tests do not reach, so extensions can rely on them.</summary>
public sealed class FakeKubeApiServerTests
{
    private const string Token = "t";

    [Fact]
    public async Task Without_a_known_credential_the_answer_is_a_401_Status()
    {
        await using var server = await StartAsync();
        using var ca = FakeKubePki.CreateCa("client CA the server does not know");
        using var stranger = FakeKubePki.IssueClient(ca, "stranger");
        using var anonymous = TrustingClient.Create(server.BaseAddress, [server.Ca]);
        using var withCertificate = TrustingClient.Create(server.BaseAddress, [server.Ca], clientCertificate: stranger);

        foreach (var client in new[] { anonymous, withCertificate })
        {
            using var response = await client.GetAsync(new Uri("/api/v1/namespaces", UriKind.Relative), TestContext.Current.CancellationToken);
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            using var status = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            status.RootElement.GetProperty("kind").GetString().ShouldBe("Status");
            status.RootElement.GetProperty("code").GetInt32().ShouldBe(401);
        }

        server.RequestLog.ShouldAllBe(r => r.User == null);
    }

    [Fact]
    public async Task Put_checks_the_resource_version_and_keeps_the_status()
    {
        await using var server = await StartAsync();
        server.Upsert(new { apiVersion = "v1", kind = "Namespace", metadata = new { name = "default" }, status = new { phase = "Active" } });
        var stored = server.Upsert(new { apiVersion = "v1", kind = "ConfigMap", metadata = new { name = "c", @namespace = "default" }, data = new { a = "1" } });
        using var http = Client(server);

        var stale = (JsonObject)stored.DeepClone();
        stale["data"]!["a"] = "2";
        stale["metadata"]!["resourceVersion"] = "1";
        (await SendAsync(http, HttpMethod.Put, "/api/v1/namespaces/default/configmaps/c", stale)).StatusCode.ShouldBe(HttpStatusCode.Conflict);

        stale["metadata"]!["resourceVersion"] = stored["metadata"]!["resourceVersion"]!.GetValue<string>();
        (await SendAsync(http, HttpMethod.Put, "/api/v1/namespaces/default/configmaps/c", stale)).StatusCode.ShouldBe(HttpStatusCode.OK);
        server.Get("/api/v1/namespaces/default/configmaps/c")!["data"]!["a"]!.GetValue<string>().ShouldBe("2");

        var ns = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = "default", ["labels"] = new JsonObject { ["team"] = "a" } } };
        (await SendAsync(http, HttpMethod.Put, "/api/v1/namespaces/default", ns)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var updated = server.Get("/api/v1/namespaces/default")!;
        updated["status"]!["phase"]!.GetValue<string>().ShouldBe("Active");
        updated["metadata"]!["labels"]!["team"]!.GetValue<string>().ShouldBe("a");
    }

    [Fact]
    public async Task Merge_patches_merge_and_the_status_subresource_changes_only_status()
    {
        await using var server = await StartAsync();
        server.Upsert(new { apiVersion = "v1", kind = "Namespace", metadata = new { name = "team-a" } });
        server.Upsert(new { apiVersion = "guardrails.dev/v1", kind = "Environment", metadata = new { name = "e1", @namespace = "team-a" }, spec = new { tier = "dev", cpu = "2" } });
        using var http = Client(server);
        const string path = "/apis/guardrails.dev/v1/namespaces/team-a/environments/e1";

        var merge = JsonNode.Parse("""{"spec":{"cpu":"4","tier":null},"status":{"phase":"ignored"}}""")!;
        (await SendAsync(http, HttpMethod.Patch, path, merge, "application/merge-patch+json")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var status = JsonNode.Parse("""{"status":{"phase":"Ready"},"spec":{"cpu":"999"}}""")!;
        (await SendAsync(http, HttpMethod.Patch, path + "/status", status, "application/merge-patch+json")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var stored = server.Get(path)!;
        stored["spec"]!.ToJsonString().ShouldBe("""{"cpu":"4"}""");
        stored["status"]!["phase"]!.GetValue<string>().ShouldBe("Ready");
        stored["metadata"]!["generation"]!.GetValue<long>().ShouldBe(2, "only the spec change counts");
        (await SendAsync(http, HttpMethod.Patch, path, merge, "application/json-patch+json")).StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task A_write_that_changes_nothing_keeps_the_resource_version_and_sends_no_event()
    {
        await using var server = await StartAsync();
        server.Upsert(new { apiVersion = "v1", kind = "Namespace", metadata = new { name = "default" } });
        server.Upsert(new { apiVersion = "v1", kind = "ConfigMap", metadata = new { name = "c", @namespace = "default" }, data = new { a = "1" } });
        using var http = Client(server);
        const string path = "/api/v1/namespaces/default/configmaps/c";
        var from = server.ResourceVersion;

        var same = JsonNode.Parse("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"1"}}""")!;
        (await SendAsync(http, HttpMethod.Patch, path + "?fieldManager=t", same, "application/apply-patch+yaml")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await SendAsync(http, HttpMethod.Patch, path, JsonNode.Parse("""{"data":{"a":"1"}}""")!, "application/merge-patch+json")).StatusCode.ShouldBe(HttpStatusCode.OK);
        server.ResourceVersion.ShouldBe(from);
        (await SendAsync(http, HttpMethod.Patch, path, JsonNode.Parse("""{"data":{"a":"2"}}""")!, "application/merge-patch+json")).StatusCode.ShouldBe(HttpStatusCode.OK);

        using var response = await http.GetAsync(new Uri($"/api/v1/configmaps?watch=true&resourceVersion={from}&timeoutSeconds=1", UriKind.Relative), TestContext.Current.CancellationToken);
        var lines = (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Select(l => JsonNode.Parse(l)!).Where(e => e["type"]!.GetValue<string>() != "BOOKMARK").Select(e => $"{e["type"]} {e["object"]!["data"]!["a"]}").ShouldBe(["MODIFIED 2"]);
    }

    [Fact]
    public async Task The_status_subresource_never_creates_and_merge_patches_check_a_given_resource_version()
    {
        await using var server = await StartAsync();
        using var http = Client(server);
        const string path = "/apis/guardrails.dev/v1alpha1/environments/e1";
        var status = JsonNode.Parse("""{"apiVersion":"guardrails.dev/v1alpha1","kind":"Environment","metadata":{"name":"e1"},"status":{"phase":"Ready"}}""")!;

        (await SendAsync(http, HttpMethod.Patch, path + "/status?fieldManager=t", status, "application/apply-patch+yaml")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        server.Get(path).ShouldBeNull();

        var stored = server.Upsert(new { apiVersion = "guardrails.dev/v1alpha1", kind = "Environment", metadata = new { name = "e1" }, spec = new { tier = "dev" } });
        var current = stored["metadata"]!["resourceVersion"]!.GetValue<string>();
        var stale = JsonNode.Parse("""{"metadata":{"resourceVersion":"999","finalizers":[]}}""")!;
        (await SendAsync(http, HttpMethod.Patch, path, stale, "application/merge-patch+json")).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var fresh = JsonNode.Parse($$$"""{"metadata":{"resourceVersion":"{{{current}}}","finalizers":["x"]}}""")!;
        (await SendAsync(http, HttpMethod.Patch, path, fresh, "application/merge-patch+json")).StatusCode.ShouldBe(HttpStatusCode.OK);
        server.Get(path)!["metadata"]!["finalizers"]![0]!.GetValue<string>().ShouldBe("x");
    }

    [Fact]
    public async Task Creating_in_a_missing_namespace_is_404_and_deleting_a_namespace_takes_its_objects()
    {
        await using var server = await StartAsync();
        using var http = Client(server);
        var quota = JsonNode.Parse("""{"apiVersion":"v1","kind":"ResourceQuota","metadata":{"generateName":"quota-"}}""")!;

        (await SendAsync(http, HttpMethod.Post, "/api/v1/namespaces/team-a/resourcequotas", quota)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        server.Upsert(new { apiVersion = "v1", kind = "Namespace", metadata = new { name = "team-a" } });
        using var created = await SendAsync(http, HttpMethod.Post, "/api/v1/namespaces/team-a/resourcequotas", quota);
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var name = JsonNode.Parse(await created.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["metadata"]!["name"]!.GetValue<string>();
        name.ShouldStartWith("quota-");
        name.Length.ShouldBe("quota-".Length + 5);

        server.Delete("/api/v1/namespaces/team-a").ShouldBeTrue();

        server.Get($"/api/v1/namespaces/team-a/resourcequotas/{name}").ShouldBeNull();
    }

    [Fact]
    public async Task Selector_watches_see_objects_enter_and_leave_and_version_0_starts_with_what_exists()
    {
        await using var server = await StartAsync();
        server.Upsert(Labelled("a", "gold"));
        using var client = new KubernetesClientApi(new k8s.KubernetesClientConfiguration { Host = server.BaseAddress.ToString(), SslCaCerts = [server.Ca], AccessToken = Token });
        using var http = Client(server);

        using var gold = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/v1/namespaces?labelSelector=tier%3Dgold", UriKind.Relative), TestContext.Current.CancellationToken));
        gold.RootElement.GetProperty("items").GetArrayLength().ShouldBe(1);
        gold.RootElement.GetProperty("kind").GetString().ShouldBe("NamespaceList");

        var from = server.ResourceVersion;
        server.Upsert(Labelled("b", "gold"));
        server.Upsert(Labelled("a", "silver"));
        server.Upsert(Labelled("c", "silver"));
        using var response = await http.GetAsync(
            new Uri($"/api/v1/namespaces?watch=true&resourceVersion={from}&labelSelector=tier+in+(gold)&timeoutSeconds=1", UriKind.Relative),
            TestContext.Current.CancellationToken);
        var lines = (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Select(l => JsonNode.Parse(l)!).Select(e => $"{e["type"]} {e["object"]!["metadata"]!["name"]}").ShouldBe(["ADDED b", "DELETED a"]);

        var initial = new List<string>();
        await foreach (var e in client.WatchAsync(ResourceType.Namespaces, null, "0", TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken))
        {
            using (e)
            {
                initial.Add($"{e.Type} {e.Object.GetProperty("metadata").GetProperty("name").GetString()}");
            }
        }

        initial.ShouldBe(["ADDED a", "ADDED b", "ADDED c"]);
    }

    private static object Labelled(string name, string tier) =>
        new { apiVersion = "v1", kind = "Namespace", metadata = new { name, labels = new { tier } } };

    private static Task<FakeKubeApiServer> StartAsync() => FakeKubeApiServer.StartAsync(
        new FakeKubeOptions { Tokens = { [Token] = new FakeUser("tester") } },
        TestContext.Current.CancellationToken);

    private static HttpClient Client(FakeKubeApiServer server)
    {
        var client = TrustingClient.Create(server.BaseAddress, [server.Ca]);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, JsonNode body, string mediaType = "application/json")
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, mediaType),
        };
        return client.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
