using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Guardrails.Webhook.Tests.Support.FakeKube;

/// <summary>Answers one request the way the API server would, for the subset of the API the fake covers.</summary>
internal sealed class FakeKubeHandler
{
    private const string OrganizationOid = "2.5.4.10";

    private readonly FakeKubeApiServer _server;
    private readonly FakeKubeStore _store;
    private readonly FakeKubeOptions _options;

    public FakeKubeHandler(FakeKubeApiServer server, FakeKubeStore store, FakeKubeOptions options)
    {
        _server = server;
        _store = store;
        _options = options;
    }

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        var (user, via, refused) = Authenticate(context);
        _server.Record(new RecordedRequest(request.Method, path, request.QueryString.Value ?? "", user?.Name, via, request.Protocol));
        try
        {
            if (_server.Latency > TimeSpan.Zero)
            {
                await Task.Delay(_server.Latency, context.RequestAborted);
            }

            var failure = _server.TakeFailure(path);
            if (failure is FailureRule.NoAnswer)
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            else if (failure is { } status)
            {
                await WriteStatusAsync(context, new FakeKubeError(status, ReasonFor(status), $"injected failure: {status} {ReasonFor(status)}"));
                return;
            }

            if (refused || (user is null && !_options.AllowAnonymous))
            {
                await WriteStatusAsync(context, new FakeKubeError(401, "Unauthorized", "Unauthorized"));
                return;
            }

            await RouteAsync(context, path);
        }
        catch (FakeKubeError error) when (!context.Response.HasStarted)
        {
            await WriteStatusAsync(context, error);
        }
        catch (Exception) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away or DropWatches cut the connection; there is nobody to answer.
        }
    }

    private static string ReasonFor(int status) => status switch
    {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        409 => "Conflict",
        410 => "Expired",
        415 => "UnsupportedMediaType",
        422 => "Invalid",
        429 => "TooManyRequests",
        503 => "ServiceUnavailable",
        504 => "Timeout",
        _ => "InternalError",
    };

    /// <summary>Client certificate first, then bearer token, as the API server's authenticator chain does.</summary>
    private (FakeUser? User, string? Via, bool Refused) Authenticate(HttpContext context)
    {
        var certificate = context.Connection.ClientCertificate;
        if (certificate is not null && _options.ClientCa is { } clientCa && ChainsTo(certificate, clientCa))
        {
            return (UserOf(certificate), "certificate", false);
        }

        var header = context.Request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            return (null, null, false);
        }

        if (header.StartsWith("Bearer ", StringComparison.Ordinal) && _server.Tokens.TryGetValue(header["Bearer ".Length..].Trim(), out var user))
        {
            return (user, "token", false);
        }

        // A credential that does not check out is refused even where anonymous callers are let in.
        return (null, null, true);
    }

    private static bool ChainsTo(X509Certificate2 certificate, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.2"));
        return chain.Build(certificate);
    }

    private static FakeUser UserOf(X509Certificate2 certificate)
    {
        var groups = certificate.SubjectName.EnumerateRelativeDistinguishedNames()
            .Where(rdn => rdn.GetSingleElementType().Value == OrganizationOid)
            .Select(rdn => rdn.GetSingleElementValue() ?? "")
            .ToArray();
        return new FakeUser(certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false), groups);
    }

    private async Task RouteAsync(HttpContext context, string path)
    {
        var method = context.Request.Method;
        switch (method, path)
        {
            case ("GET", "/version"):
                await WriteJsonAsync(context, 200, FakeJson.Write(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("major", "1");
                    w.WriteString("minor", "33");
                    w.WriteString("gitVersion", "v1.33.0-fake");
                    w.WriteEndObject();
                }));
                return;
            case ("POST", "/apis/authentication.k8s.io/v1/tokenreviews"):
                await TokenReviewAsync(context);
                return;
            case ("POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews"):
                await SubjectAccessReviewAsync(context);
                return;
        }

        if (!ResourcePath.TryParse(path, out var target))
        {
            throw new FakeKubeError(404, "NotFound", "the server could not find the requested resource");
        }

        if (target.Subresource is not (null or "status"))
        {
            throw new FakeKubeError(404, "NotFound", $"the fake has no {target.Subresource} subresource");
        }

        var query = context.Request.Query;
        switch (method)
        {
            case "GET" when target.Name is null && query["watch"].ToString() is "true" or "1":
                await WatchAsync(context, target);
                break;
            case "GET" when target.Name is null:
                await ListAsync(context, target);
                break;
            case "GET":
                await WriteJsonAsync(context, 200, (_store.Get(target.Key) ?? throw FakeKubeError.NotFound(target.Plural, target.Name)).Utf8);
                break;
            case "POST" when target.Name is null:
                await CreateAsync(context, target);
                break;
            case "PUT" when target.Name is not null:
                await UpdateAsync(context, target);
                break;
            case "PATCH" when target.Name is not null:
                await PatchAsync(context, target);
                break;
            case "DELETE" when target.Name is not null:
                await DeleteAsync(context, target);
                break;
            default:
                throw new FakeKubeError(405, "MethodNotAllowed", $"the server does not allow this method on the requested resource ({method} {path})");
        }
    }

    private async Task ListAsync(HttpContext context, ResourcePath target)
    {
        var query = context.Request.Query;
        int? limit = null;
        if (query["limit"].ToString() is { Length: > 0 } limitText)
        {
            limit = int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                ? n
                : throw FakeKubeError.BadRequest($"limit '{limitText}' is not a positive number");
        }

        var continueToken = query["continue"].ToString() is { Length: > 0 } token ? token : null;
        var filter = ObjectFilter.From(target, query["labelSelector"], query["fieldSelector"]);
        var (items, version, next) = _store.List(filter, limit, continueToken);
        var kind = _store.KindOf(target.Collection);
        await WriteJsonAsync(context, 200, FakeJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("kind", kind is null ? "List" : kind + "List");
            w.WriteString("apiVersion", target.ApiVersion);
            w.WriteStartObject("metadata");
            w.WriteString("resourceVersion", version.ToString(CultureInfo.InvariantCulture));
            if (next is not null)
            {
                w.WriteString("continue", next);
            }

            w.WriteEndObject();
            w.WriteStartArray("items");
            foreach (var item in items)
            {
                w.WriteRawValue(item.Utf8, skipInputValidation: true);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }));
    }

    private async Task WatchAsync(HttpContext context, ResourcePath target)
    {
        var query = context.Request.Query;
        var timeout = _options.DefaultWatchTimeout;
        if (query["timeoutSeconds"].ToString() is { Length: > 0 } timeoutText)
        {
            timeout = int.TryParse(timeoutText, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
                ? TimeSpan.FromSeconds(seconds)
                : throw FakeKubeError.BadRequest($"timeoutSeconds '{timeoutText}' is not a number");
        }

        if (_store.WatchCount >= _options.MaxWatches)
        {
            throw new FakeKubeError(429, "TooManyRequests", $"the fake allows {_options.MaxWatches} open watches");
        }

        var filter = ObjectFilter.From(target, query["labelSelector"], query["fieldSelector"]);
        var fromVersion = query["resourceVersion"].ToString();
        var watcher = _store.OpenWatch(filter, fromVersion, context);
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "application/json";
        if (watcher is null)
        {
            // The real server also answers 200 and puts the 410 in an ERROR event.
            var status = StatusJson(new FakeKubeError(410, "Expired", $"too old resource version: {fromVersion} ({_store.ResourceVersion})"));
            await WriteLineAsync(response, [.. """{"type":"ERROR","object":"""u8, .. status, (byte)'}', (byte)'\n'], context.RequestAborted);
            return;
        }

        try
        {
            await response.StartAsync(context.RequestAborted);
            await response.Body.FlushAsync(context.RequestAborted);
            using var end = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            end.CancelAfter(timeout);
            var bookmarks = query["allowWatchBookmarks"].ToString() == "true"
                ? BookmarkAsync(watcher, end.Token)
                : Task.CompletedTask;
            try
            {
                while (await watcher.Lines.WaitToReadAsync(end.Token))
                {
                    while (watcher.Lines.TryRead(out var line))
                    {
                        await WriteLineAsync(response, line, end.Token);
                    }
                }
            }
            catch (OperationCanceledException) when (end.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
            {
                // timeoutSeconds reached: the response ends cleanly, and the client starts a new watch.
            }
            finally
            {
                await end.CancelAsync();
                await bookmarks;
            }
        }
        finally
        {
            _store.CloseWatch(watcher);
        }
    }

    private async Task BookmarkAsync(FakeWatcher watcher, CancellationToken cancellationToken)
    {
        try
        {
            using var timer = new PeriodicTimer(_server.BookmarkInterval);
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                _store.Bookmark(watcher);
            }
        }
        catch (OperationCanceledException)
        {
            // The watch ended.
        }
    }

    private async Task WriteLineAsync(HttpResponse response, byte[] line, CancellationToken cancellationToken)
    {
        if (_server.SplitWatchWrites && line.Length > 2)
        {
            // Half an object per chunk, so clients must put lines back together across reads.
            var half = line.Length / 2;
            await response.Body.WriteAsync(line.AsMemory(0, half), cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
            await Task.Delay(10, cancellationToken);
            await response.Body.WriteAsync(line.AsMemory(half), cancellationToken);
        }
        else
        {
            await response.Body.WriteAsync(line, cancellationToken);
        }

        await response.Body.FlushAsync(cancellationToken);
    }

    private async Task CreateAsync(HttpContext context, ResourcePath collection)
    {
        var body = await ReadObjectAsync(context);
        var metadata = FakeJson.Metadata(body);
        var name = FakeJson.String(metadata, "name");
        if (string.IsNullOrEmpty(name))
        {
            name = FakeJson.String(metadata, "generateName") is { Length: > 0 } generate
                ? generate + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))[..5]
                : throw new FakeKubeError(422, "Invalid", $"{collection.Plural} is invalid: metadata.name: Required value: name or generateName is required");
        }

        CheckNamespace(collection, metadata);
        body["apiVersion"] ??= collection.ApiVersion;
        if (body["kind"] is null)
        {
            body["kind"] = _store.KindOf(collection.Collection) ?? throw FakeKubeError.BadRequest("Object 'Kind' is missing");
        }

        var target = collection with { Name = name };
        var stored = _store.Write(
            target,
            existing => existing is null ? body : throw new FakeKubeError(409, "AlreadyExists", $"{collection.Plural} \"{name}\" already exists"),
            _options.RequireNamespaces,
            out _);
        await WriteJsonAsync(context, 201, stored.Utf8);
    }

    private async Task UpdateAsync(HttpContext context, ResourcePath target)
    {
        var body = await ReadObjectAsync(context);
        var metadata = FakeJson.Metadata(body);
        CheckName(target, metadata);
        CheckNamespace(target, metadata);
        var stored = _store.Write(
            target,
            existing =>
            {
                if (existing is null)
                {
                    throw FakeKubeError.NotFound(target.Plural, target.Name!);
                }

                var expected = FakeJson.String(metadata, "resourceVersion");
                if (!string.IsNullOrEmpty(expected) && expected != FakeJson.String(existing, "metadata", "resourceVersion"))
                {
                    throw Conflict(target);
                }

                return target.Subresource == "status" ? WithStatus(existing, body["status"]) : WithStatus(body, existing["status"]);
            },
            _options.RequireNamespaces,
            out _);
        await WriteJsonAsync(context, 200, stored.Utf8);
    }

    private async Task PatchAsync(HttpContext context, ResourcePath target)
    {
        var mediaType = context.Request.ContentType?.Split(';')[0].Trim();
        var body = await ReadObjectAsync(context);
        Func<JsonObject?, JsonObject> change;
        switch (mediaType)
        {
            case "application/apply-patch+yaml":
                if (string.IsNullOrEmpty(context.Request.Query["fieldManager"]))
                {
                    throw new FakeKubeError(422, "Invalid", "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");
                }

                if (FakeJson.String(body, "apiVersion") is null || FakeJson.String(body, "kind") is null)
                {
                    throw FakeKubeError.BadRequest("apply patches need apiVersion and kind");
                }

                CheckName(target, FakeJson.Metadata(body));
                CheckNamespace(target, FakeJson.Metadata(body));
                change = existing => Apply(target, existing, body);
                break;
            case "application/merge-patch+json" or "application/strategic-merge-patch+json":
                change = existing => existing is null
                    ? throw FakeKubeError.NotFound(target.Plural, target.Name!)
                    : FakeJson.String(body, "metadata", "resourceVersion") is { } expected && expected != FakeJson.String(existing, "metadata", "resourceVersion")
                    ? throw Conflict(target)
                    : target.Subresource == "status"
                        ? WithStatus(existing, FakeJson.MergePatch(existing["status"]?.DeepClone(), body["status"]))
                        : (JsonObject)FakeJson.MergePatch(existing, body)!;
                break;
            default:
                throw new FakeKubeError(415, "UnsupportedMediaType", $"the fake does not take {mediaType} patches");
        }

        var stored = _store.Write(target, change, _options.RequireNamespaces, out var created);
        await WriteJsonAsync(context, created ? 201 : 200, stored.Utf8);
    }

    /// <summary>
    /// Server-side apply, simplified: the applied top-level fields (spec, data, rules...) replace the stored ones, and so
    /// do labels and annotations when given. No field ownership, so no conflicts.
    /// </summary>
    private static JsonObject Apply(ResourcePath target, JsonObject? existing, JsonObject body)
    {
        if (target.Subresource == "status")
        {
            // The status subresource never creates: applying status to a missing object is a 404 on a real apiserver.
            return existing is null ? throw FakeKubeError.NotFound(target.Plural, target.Name!) : WithStatus(existing, body["status"]);
        }

        if (existing is null)
        {
            return body;
        }

        foreach (var (key, value) in body)
        {
            if (key is not ("metadata" or "status"))
            {
                existing[key] = value?.DeepClone();
            }
        }

        var metadata = FakeJson.Metadata(existing);
        foreach (var field in new[] { "labels", "annotations", "finalizers" })
        {
            if (body["metadata"]?[field] is { } given)
            {
                metadata[field] = given.DeepClone();
            }
        }

        return existing;
    }

    private async Task DeleteAsync(HttpContext context, ResourcePath target)
    {
        var options = context.Request.ContentLength is > 0 ? await ReadObjectAsync(context) : null;
        var gone = _store.Delete(target, FakeJson.String(options, "preconditions", "uid")) ?? throw FakeKubeError.NotFound(target.Plural, target.Name!);
        await WriteJsonAsync(context, 200, FakeJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("kind", "Status");
            w.WriteString("apiVersion", "v1");
            w.WriteStartObject("metadata");
            w.WriteEndObject();
            w.WriteString("status", "Success");
            w.WriteStartObject("details");
            w.WriteString("name", gone.Name);
            w.WriteString("kind", target.Plural);
            w.WriteString("uid", FakeJson.String(gone.Json, "metadata", "uid"));
            w.WriteEndObject();
            w.WriteEndObject();
        }));
    }

    private async Task TokenReviewAsync(HttpContext context)
    {
        var body = await ReadObjectAsync(context);
        var token = FakeJson.String(body, "spec", "token") ?? "";
        var status = new JsonObject();
        if (_server.TokenReviews.TryGetValue(token, out var user))
        {
            status["authenticated"] = true;
            status["user"] = new JsonObject
            {
                ["username"] = user.Name,
                ["uid"] = "uid-" + user.Name,
                ["groups"] = new JsonArray([.. user.Groups.Select(g => (JsonNode)g)]),
            };
        }
        else
        {
            status["authenticated"] = false;
            status["error"] = "[invalid bearer token, token lookup failed]";
        }

        body["status"] = status;
        await WriteJsonAsync(context, 201, FakeJson.ToUtf8(body));
    }

    private async Task SubjectAccessReviewAsync(HttpContext context)
    {
        var body = await ReadObjectAsync(context);
        var spec = body["spec"] as JsonObject ?? throw FakeKubeError.BadRequest("SubjectAccessReview needs a spec");
        var attributes = spec["resourceAttributes"] as JsonObject;
        var subjects = new List<string>();
        if (FakeJson.String(spec, "user") is { } user)
        {
            subjects.Add(user);
        }

        if (spec["groups"] is JsonArray groups)
        {
            subjects.AddRange(groups.Select(g => "group:" + g?.GetValue<string>()));
        }

        string? allowedBy = null;
        if (attributes is not null)
        {
            var verb = FakeJson.String(attributes, "verb") ?? "";
            var group = FakeJson.String(attributes, "group") ?? "";
            var resource = FakeJson.String(attributes, "resource") ?? "";
            var ns = FakeJson.String(attributes, "namespace") ?? "";
            allowedBy = subjects.FirstOrDefault(s =>
                (_server.AccessReviews.TryGetValue(new AccessCheck(s, verb, group, resource, ns), out var allowed) && allowed)
                || (_server.AccessReviews.TryGetValue(new AccessCheck(s, verb, group, resource, "*"), out var anywhere) && anywhere));
        }

        body["status"] = new JsonObject
        {
            ["allowed"] = allowedBy is not null,
            ["reason"] = allowedBy is null ? "no rule in the fake allows it" : $"the fake allows {allowedBy}",
        };
        await WriteJsonAsync(context, 201, FakeJson.ToUtf8(body));
    }

    private static JsonObject WithStatus(JsonObject obj, JsonNode? status)
    {
        obj.Remove("status");
        if (status is not null)
        {
            obj["status"] = status.DeepClone();
        }

        return obj;
    }

    private static void CheckName(ResourcePath target, JsonObject metadata)
    {
        if (FakeJson.String(metadata, "name") is { } name && name != target.Name)
        {
            throw FakeKubeError.BadRequest($"the name of the object ({name}) does not match the name on the URL ({target.Name})");
        }
    }

    private static void CheckNamespace(ResourcePath target, JsonObject metadata)
    {
        if (FakeJson.String(metadata, "namespace") is { Length: > 0 } ns && target.Namespace is not null && ns != target.Namespace)
        {
            throw FakeKubeError.BadRequest($"the namespace of the provided object ({ns}) does not match the namespace sent on the request ({target.Namespace})");
        }
    }

    private static FakeKubeError Conflict(ResourcePath target) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {target.Plural} \"{target.Name}\": the object has been modified; please apply your changes to the latest version and try again");

    private static async Task<JsonObject> ReadObjectAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        try
        {
            return JsonNode.Parse(buffer.ToArray()) as JsonObject ?? throw FakeKubeError.BadRequest("the body must be a JSON object");
        }
        catch (JsonException ex)
        {
            // Apply bodies may be YAML on the real server; everything Guardrails sends is JSON, which is also YAML.
            throw FakeKubeError.BadRequest($"the fake reads JSON bodies only: {ex.Message}");
        }
    }

    private static byte[] StatusJson(FakeKubeError error) => FakeJson.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("kind", "Status");
        w.WriteString("apiVersion", "v1");
        w.WriteStartObject("metadata");
        w.WriteEndObject();
        w.WriteString("status", "Failure");
        w.WriteString("message", error.Message);
        w.WriteString("reason", error.Reason);
        w.WriteNumber("code", error.Code);
        w.WriteEndObject();
    });

    private static Task WriteStatusAsync(HttpContext context, FakeKubeError error)
    {
        if (error.Code == 429)
        {
            context.Response.Headers.RetryAfter = "1";
        }

        return WriteJsonAsync(context, error.Code, StatusJson(error));
    }

    private static async Task WriteJsonAsync(HttpContext context, int status, byte[] body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }
}
