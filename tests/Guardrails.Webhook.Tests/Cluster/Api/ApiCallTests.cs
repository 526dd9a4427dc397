using System.Diagnostics;
using System.Text.Json;
using Guardrails.Webhook.Cluster.Api;
using Guardrails.Webhook.Tests.Support.FakeKube;

namespace Guardrails.Webhook.Tests.Cluster.Api;

public sealed class ApiCallTests
{
    [Fact]
    public async Task Get_returns_the_object_and_a_missing_one_is_a_404_with_the_servers_message()
    {
        await using var bed = await KubeTestBed.StartAsync();
        using var client = bed.CreateClient();

        using var found = await client.GetAsync("/api/v1/namespaces/kube-system", TestContext.Current.CancellationToken);
        found.RootElement.GetProperty("metadata").GetProperty("name").GetString().ShouldBe("kube-system");
        found.RootElement.GetProperty("metadata").GetProperty("uid").GetString().ShouldNotBeNullOrEmpty();

        var error = await Should.ThrowAsync<KubernetesApiException>(() => client.GetAsync("/api/v1/namespaces/nope", TestContext.Current.CancellationToken));
        error.StatusCode.ShouldBe(404);
        error.Reason.ShouldBe("NotFound");
        error.Message.ShouldBe("GET /api/v1/namespaces/nope: 404 NotFound: namespaces \"nope\" not found");
    }

    [Fact]
    public async Task Post_creates_once_and_a_second_time_is_a_conflict()
    {
        await using var bed = await KubeTestBed.StartAsync();
        using var client = bed.CreateClient();
        using var body = JsonDocument.Parse("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings"},"data":{"a":"1"}}""");

        using var created = await client.PostAsync("/api/v1/namespaces/default/configmaps", body.RootElement, TestContext.Current.CancellationToken);

        created.RootElement.GetProperty("metadata").GetProperty("namespace").GetString().ShouldBe("default");
        created.RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString().ShouldBe(bed.Server.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
        bed.Server.Get("/api/v1/namespaces/default/configmaps/settings")!["data"]!["a"]!.GetValue<string>().ShouldBe("1");

        var again = await Should.ThrowAsync<KubernetesApiException>(() => client.PostAsync("/api/v1/namespaces/default/configmaps", body.RootElement, TestContext.Current.CancellationToken));
        again.StatusCode.ShouldBe(409);
        again.Reason.ShouldBe("AlreadyExists");

        var nowhere = await Should.ThrowAsync<KubernetesApiException>(() => client.PostAsync("/api/v1/namespaces/absent/configmaps", body.RootElement, TestContext.Current.CancellationToken));
        nowhere.StatusCode.ShouldBe(404);
        nowhere.Message.ShouldContain("namespaces \"absent\" not found");
    }

    [Fact]
    public async Task Apply_is_a_server_side_apply_patch_that_creates_then_updates()
    {
        await using var bed = await KubeTestBed.StartAsync();
        using var client = bed.CreateClient();
        var path = ResourceType.LimitRanges.ObjectPath("default", "defaults");
        using var first = JsonDocument.Parse("""
            {"apiVersion":"v1","kind":"LimitRange","metadata":{"name":"defaults","namespace":"default","labels":{"owner":"guardrails"}},
             "spec":{"limits":[{"type":"Container","default":{"cpu":"500m"}}]}}
            """);
        using var second = JsonDocument.Parse("""
            {"apiVersion":"v1","kind":"LimitRange","metadata":{"name":"defaults","namespace":"default","labels":{"owner":"guardrails","tier":"gold"}},
             "spec":{"limits":[{"type":"Container","default":{"cpu":"1"}}]}}
            """);

        using var created = await client.ApplyAsync(path, first.RootElement, "guardrails", force: true, TestContext.Current.CancellationToken);
        using var updated = await client.ApplyAsync(path, second.RootElement, "guardrails", force: false, TestContext.Current.CancellationToken);

        var applies = bed.Server.RequestLog.Where(r => r.Path == path).ToList();
        applies.Select(r => $"{r.Method} {KubeTestBed.SortedQuery(r.Query)}").ShouldBe(["PATCH ?fieldManager=guardrails&force=true", "PATCH ?fieldManager=guardrails&force=false"]);
        Metadata(updated, "uid").ShouldBe(Metadata(created, "uid"));
        long.Parse(Metadata(updated, "resourceVersion")!, System.Globalization.CultureInfo.InvariantCulture)
            .ShouldBeGreaterThan(long.Parse(Metadata(created, "resourceVersion")!, System.Globalization.CultureInfo.InvariantCulture));
        var stored = bed.Server.Get(path)!;
        stored["metadata"]!["labels"]!["tier"]!.GetValue<string>().ShouldBe("gold");
        stored["spec"]!["limits"]![0]!["default"]!["cpu"]!.GetValue<string>().ShouldBe("1");
        stored["metadata"]!["generation"]!.GetValue<long>().ShouldBe(2);
    }

    [Fact]
    public async Task Delete_removes_and_a_second_delete_is_a_404()
    {
        await using var bed = await KubeTestBed.StartAsync();
        bed.Quota("default", "q");
        using var client = bed.CreateClient();
        var path = ResourceType.ResourceQuotas.ObjectPath("default", "q");

        await client.DeleteAsync(path, TestContext.Current.CancellationToken);

        bed.Server.Get(path).ShouldBeNull();
        (await Should.ThrowAsync<KubernetesApiException>(() => client.DeleteAsync(path, TestContext.Current.CancellationToken))).StatusCode.ShouldBe(404);
    }

    [Fact]
    public async Task Merge_patch_changes_only_what_it_names_never_creates_and_honours_a_resource_version()
    {
        await using var bed = await KubeTestBed.StartAsync();
        bed.Quota("default", "q");
        using var client = bed.CreateClient();
        var path = ResourceType.ResourceQuotas.ObjectPath("default", "q");
        var before = bed.Server.Get(path)!["metadata"]!["resourceVersion"]!.GetValue<string>();
        using var labels = JsonDocument.Parse("""{"metadata":{"labels":{"tier":"gold"}}}""");
        using var stale = JsonDocument.Parse("""{"metadata":{"resourceVersion":"RV","labels":{"tier":"silver"}}}""".Replace("RV", before, StringComparison.Ordinal));

        using var patched = await client.MergePatchAsync(path, labels.RootElement, "guardrails", TestContext.Current.CancellationToken);

        Metadata(patched, "resourceVersion").ShouldNotBe(before);
        var stored = bed.Server.Get(path)!;
        stored["metadata"]!["labels"]!["tier"]!.GetValue<string>().ShouldBe("gold");
        stored["spec"]!["hard"].ShouldNotBeNull("a merge patch keeps what it does not name");
        bed.Server.RequestLog.Last(r => r.Path == path).Query.ShouldBe("?fieldManager=guardrails");
        (await Should.ThrowAsync<KubernetesApiException>(() => client.MergePatchAsync(path, stale.RootElement, "guardrails", TestContext.Current.CancellationToken))).StatusCode.ShouldBe(409);
        var missing = ResourceType.ResourceQuotas.ObjectPath("default", "absent");
        (await Should.ThrowAsync<KubernetesApiException>(() => client.MergePatchAsync(missing, labels.RootElement, "guardrails", TestContext.Current.CancellationToken))).StatusCode.ShouldBe(404);
        bed.Server.Get(missing).ShouldBeNull();
    }

    [Fact]
    public async Task Delete_with_a_uid_spares_a_newer_object_of_the_same_name()
    {
        await using var bed = await KubeTestBed.StartAsync();
        bed.Quota("default", "q");
        using var client = bed.CreateClient();
        var path = ResourceType.ResourceQuotas.ObjectPath("default", "q");
        var first = bed.Server.Get(path)!["metadata"]!["uid"]!.GetValue<string>();
        bed.Server.Delete(path);
        bed.Quota("default", "q");

        var refused = await Should.ThrowAsync<KubernetesApiException>(() => client.DeleteAsync(path, first, TestContext.Current.CancellationToken));

        refused.StatusCode.ShouldBe(409);
        refused.Message.ShouldContain(first);
        var second = bed.Server.Get(path)!["metadata"]!["uid"]!.GetValue<string>();
        await client.DeleteAsync(path, second, TestContext.Current.CancellationToken);
        bed.Server.Get(path).ShouldBeNull();
    }

    [Fact]
    public async Task TokenReview_and_SubjectAccessReview_answer_from_the_fakes_tables()
    {
        await using var bed = await KubeTestBed.StartAsync();
        bed.Server.TokenReviews["dev-token"] = new FakeUser("dana", "team-a-devs");
        bed.Server.AccessReviews[new AccessCheck("group:team-a-devs", "create", "", "configmaps", "team-a")] = true;
        using var client = bed.CreateClient();

        using var review = JsonDocument.Parse("""{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":"dev-token"}}""");
        using var reviewed = await client.PostAsync("/apis/authentication.k8s.io/v1/tokenreviews", review.RootElement, TestContext.Current.CancellationToken);
        var status = reviewed.RootElement.GetProperty("status");
        status.GetProperty("authenticated").GetBoolean().ShouldBeTrue();
        status.GetProperty("user").GetProperty("username").GetString().ShouldBe("dana");

        async Task<bool> AllowedAsync(string ns)
        {
            using var question = JsonDocument.Parse($$$"""
                {"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview",
                 "spec":{"user":"dana","groups":["team-a-devs"],"resourceAttributes":{"verb":"create","group":"","resource":"configmaps","namespace":"{{{ns}}}"} } }
                """);
            using var answer = await client.PostAsync("/apis/authorization.k8s.io/v1/subjectaccessreviews", question.RootElement, TestContext.Current.CancellationToken);
            return answer.RootElement.GetProperty("status").GetProperty("allowed").GetBoolean();
        }

        (await AllowedAsync("team-a")).ShouldBeTrue();
        (await AllowedAsync("team-b")).ShouldBeFalse();
    }

    [Fact]
    public async Task An_events_k8s_io_Event_is_created_in_its_namespace()
    {
        await using var bed = await KubeTestBed.StartAsync();
        using var client = bed.CreateClient();
        using var body = JsonDocument.Parse("""
            {"apiVersion":"events.k8s.io/v1","kind":"Event","metadata":{"name":"web.1","namespace":"default"},
             "eventTime":"2026-12-01T21:00:00.000000Z","reportingController":"guardrails.dev/admission","reportingInstance":"guardrails-0",
             "action":"Refuse","reason":"QuotaExceeded","type":"Warning","note":"ReplicaSet web-1 refused: requests.cpu over quota",
             "regarding":{"apiVersion":"apps/v1","kind":"ReplicaSet","namespace":"default","name":"web-1"}}
            """);

        using var created = await client.PostAsync("/apis/events.k8s.io/v1/namespaces/default/events", body.RootElement, TestContext.Current.CancellationToken);

        created.RootElement.GetProperty("metadata").GetProperty("uid").GetString().ShouldNotBeNullOrEmpty();
        var stored = bed.Server.Get("/apis/events.k8s.io/v1/namespaces/default/events/web.1")!;
        stored["reason"]!.GetValue<string>().ShouldBe("QuotaExceeded");
        stored["regarding"]!["name"]!.GetValue<string>().ShouldBe("web-1");
    }

    [Fact]
    public async Task Injected_failures_surface_as_API_errors_and_then_stop()
    {
        await using var bed = await KubeTestBed.StartAsync();
        using var client = bed.CreateClient();
        bed.Server.FailNext(503, count: 2);

        for (var i = 0; i < 2; i++)
        {
            var error = await Should.ThrowAsync<KubernetesApiException>(() => client.GetAsync("/api/v1/namespaces/default", TestContext.Current.CancellationToken));
            error.StatusCode.ShouldBe(503);
            error.Reason.ShouldBe("ServiceUnavailable");
        }

        using var ok = await client.GetAsync("/api/v1/namespaces/default", TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Latency_is_added_to_each_call_and_a_slow_call_times_out_as_TimeoutException()
    {
        await using var bed = await KubeTestBed.StartAsync(o => o.Latency = TimeSpan.FromMilliseconds(100));
        using var client = bed.CreateClient(requestTimeout: TimeSpan.FromMilliseconds(500));
        using (await client.GetAsync("/api/v1/namespaces/default", TestContext.Current.CancellationToken))
        {
        }

        var clock = Stopwatch.StartNew();
        using (await client.GetAsync("/api/v1/namespaces/default", TestContext.Current.CancellationToken))
        {
        }

        clock.Elapsed.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(95));

        bed.Server.Latency = TimeSpan.FromSeconds(5);
        clock.Restart();
        var error = await Should.ThrowAsync<TimeoutException>(() => client.GetAsync("/api/v1/namespaces/default", TestContext.Current.CancellationToken));
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(4));
        error.Message.ShouldBe("GET /api/v1/namespaces/default: no answer within 0.5 s");
    }

    private static string? Metadata(JsonDocument document, string field) =>
        document.RootElement.GetProperty("metadata").GetProperty(field).GetString();
}
