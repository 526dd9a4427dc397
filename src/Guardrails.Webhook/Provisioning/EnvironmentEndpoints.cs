using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Guardrails.Policies.Resources;
using Guardrails.Webhook.Cluster.Api;
using Guardrails.Webhook.DryRun;
using Guardrails.Webhook.Hosting;
using Guardrails.Webhook.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Guardrails.Webhook.Provisioning;

/// <summary>
/// The self-serve door: <c>POST /api/v1/environments</c> with an Environment spec creates it and answers once it is
/// Ready or Rejected (at most 3 s); <c>?dryRun=true</c> returns the plan and the verdict without applying anything.
/// Callers are authenticated with their bearer token (TokenReview) and authorized (SubjectAccessReview).
/// </summary>
public static class EnvironmentEndpoints
{
    public static readonly TimeSpan ReadyWait = TimeSpan.FromSeconds(3);

    public static IEndpointRouteBuilder MapEnvironments(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/environments").WithTags("Provisioning");
        group.MapPost("", Create).WithSummary("Request an environment: pre-checked, applied, answered when Ready or Rejected (3 s at most)")
            .AddEndpointFilter(Metered);
        group.MapGet("/{name}", Get).WithSummary("An environment's status and per-step timings")
            .AddEndpointFilter(Metered);
        return endpoints;
    }

    /// <summary>
    /// Counts and times every answer of the self-serve door, so "Ready within 3 s" can be watched in production:
    /// <c>guardrails_request_duration_seconds{door="provisioning",operation="create",verdict="ready"}</c>.
    /// </summary>
    private static async ValueTask<object?> Metered(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var started = Stopwatch.GetTimestamp();
        var result = await next(invocation).ConfigureAwait(false);
        var context = invocation.HttpContext;
        if (context.RequestServices.GetService<GuardrailsMetrics>() is { } metrics)
        {
            var operation = context.Request.Method == HttpMethods.Get ? "get" : context.Request.Query["dryRun"] == "true" ? "plan" : "create";
            var status = (result as IStatusCodeHttpResult)?.StatusCode ?? context.Response.StatusCode;
            metrics.RecordRequest("provisioning", operation, EnvironmentRequest.KindName, Verdict(status), Stopwatch.GetElapsedTime(started));
        }

        return result;
    }

    private static string Verdict(int status) => status switch
    {
        StatusCodes.Status201Created => "ready",
        StatusCodes.Status202Accepted => "pending",
        StatusCodes.Status422UnprocessableEntity => "rejected",
        StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden => "unauthorized",
        < 300 => "ok",
        < 500 => "invalid",
        _ => "error",
    };

    internal static async Task<IResult> Create(HttpContext context, bool? dryRun)
    {
        var services = context.RequestServices;
        if (services.GetService<KubernetesAccess>() is not { } access)
        {
            return Problem(StatusCodes.Status503ServiceUnavailable, "Provisioning is not configured", "start guardrails with --kubeconfig or --in-cluster to provision environments");
        }

        var caller = await AuthenticateAsync(context, access).ConfigureAwait(false);
        if (caller is null)
        {
            return Problem(StatusCodes.Status401Unauthorized, "Unauthorized", "send your Kubernetes bearer token: Authorization: Bearer <token>");
        }

        var options = services.GetRequiredService<ServeOptions>();
        JsonDocument spec;
        string text;
        try
        {
            using var body = await RequestBody.ReadAsync(context.Request, options.MaxRequestBodyBytes, context.RequestAborted).ConfigureAwait(false);
            var bytes = body.Memory.ToArray();
            spec = JsonDocument.Parse(bytes);
            text = Encoding.UTF8.GetString(bytes);
        }
        catch (JsonException ex)
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid body", $"the body must be an Environment spec in JSON: {ex.Message}");
        }
        catch (RequestTooLargeException ex)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, "Request body too large", ex.Message);
        }

        using (spec)
        {
            var parsed = EnvironmentRequest.FromSpec(text, spec.RootElement);
            if (parsed.Request is not { } request)
            {
                return Problem(StatusCodes.Status400BadRequest, "Invalid Environment spec", string.Join("; ", parsed.Errors));
            }

            if (!await access.AuthorizeAsync(caller, "create", request.Team, context.RequestAborted).ConfigureAwait(false))
            {
                return Problem(StatusCodes.Status403Forbidden, "Forbidden", $"{caller.User} may not create environments for team {request.Team} (create environments.guardrails.dev in namespace {request.Team})");
            }

            var name = request.Namespace;
            var check = services.GetRequiredService<EnvironmentPreCheckService>().PreCheck(request, name);
            if (check is null)
            {
                return Problem(StatusCodes.Status503ServiceUnavailable, "Not ready", "no valid rule packs or platform settings are loaded");
            }

            if (dryRun == true)
            {
                return Json(StatusCodes.Status200OK, DryRunAnswer(name, check));
            }

            if (!check.Passed)
            {
                return Json(StatusCodes.Status422UnprocessableEntity, new JsonObject
                {
                    ["name"] = name,
                    ["phase"] = "Rejected",
                    ["reasons"] = Reasons(check),
                });
            }

            return await CreateAndWaitAsync(context, services, name, spec.RootElement).ConfigureAwait(false);
        }
    }

    internal static async Task<IResult> Get(HttpContext context, string name)
    {
        var services = context.RequestServices;
        if (services.GetService<KubernetesAccess>() is not { } access)
        {
            return Problem(StatusCodes.Status503ServiceUnavailable, "Provisioning is not configured", "start guardrails with --kubeconfig or --in-cluster");
        }

        if (await AuthenticateAsync(context, access).ConfigureAwait(false) is not { } caller)
        {
            return Problem(StatusCodes.Status401Unauthorized, "Unauthorized", "send your Kubernetes bearer token: Authorization: Bearer <token>");
        }

        using var environment = services.GetRequiredService<EnvironmentCache>().Get(name);
        if (environment is null)
        {
            return Problem(StatusCodes.Status404NotFound, "Not found", $"there is no environment {name}");
        }

        var team = environment.RootElement.Child("spec"u8).Child("team"u8).AsString() ?? "";
        if (!await access.AuthorizeAsync(caller, "get", team, context.RequestAborted).ConfigureAwait(false))
        {
            return Problem(StatusCodes.Status403Forbidden, "Forbidden", $"{caller.User} may not read environments of team {team}");
        }

        return Json(StatusCodes.Status200OK, StatusAnswer(name, environment.RootElement, null));
    }

    private static async Task<IResult> CreateAndWaitAsync(HttpContext context, IServiceProvider services, string name, JsonElement spec)
    {
        var api = services.GetRequiredService<IKubernetesApi>();
        var cache = services.GetRequiredService<EnvironmentCache>();
        var clock = Stopwatch.StartNew();
        // Never disposed: the cache may raise one last event after we unsubscribe, and Release must not throw then.
        var changed = new SemaphoreSlim(0);
        void OnChanged(string changedName)
        {
            if (changedName == name)
            {
                changed.Release();
            }
        }

        cache.Changed += OnChanged;
        try
        {
            var body = new JsonObject
            {
                ["apiVersion"] = EnvironmentRequest.ApiVersion,
                ["kind"] = EnvironmentRequest.KindName,
                ["metadata"] = new JsonObject { ["name"] = name },
                ["spec"] = JsonNode.Parse(spec.GetRawText()),
            };
            long generation;
            try
            {
                using var document = JsonDocument.Parse(body.ToJsonString());
                using var created = await api.PostAsync(ProvisioningApi.Environments.CollectionPath(), document.RootElement, context.RequestAborted).ConfigureAwait(false);
                generation = created.RootElement.Child("metadata"u8).Child("generation"u8).AsInt64() ?? 1;
            }
            catch (KubernetesApiException ex) when (ex.StatusCode == 409)
            {
                return Problem(StatusCodes.Status409Conflict, "Already exists", $"environment {name} already exists; GET /api/v1/environments/{name} for its status");
            }
            catch (KubernetesApiException ex) when (ex.StatusCode is 400 or 403 or 422)
            {
                // The apiserver (or Guardrails' own admission webhook on it) refused the Environment: pass the reasons on.
                return Problem(ex.StatusCode, "Refused by the apiserver", ex.Message);
            }

            while (clock.Elapsed < ReadyWait)
            {
                using (var current = cache.Get(name))
                {
                    var status = current?.RootElement.Child("status"u8) ?? default;
                    var phase = status.Child("phase"u8).AsString();
                    if (phase is "Ready" or "Rejected" && status.Child("observedGeneration"u8).AsInt64() >= generation)
                    {
                        return Json(phase == "Ready" ? StatusCodes.Status201Created : StatusCodes.Status422UnprocessableEntity, StatusAnswer(name, current!.RootElement, clock.Elapsed));
                    }
                }

                await changed.WaitAsync(ReadyWait - clock.Elapsed, context.RequestAborted).ConfigureAwait(false);
            }

            using var pending = cache.Get(name);
            return Json(StatusCodes.Status202Accepted, pending is null ? new JsonObject { ["name"] = name, ["phase"] = "Pending" } : StatusAnswer(name, pending.RootElement, clock.Elapsed));
        }
        finally
        {
            cache.Changed -= OnChanged;
        }
    }

    private static JsonObject StatusAnswer(string name, JsonElement environment, TimeSpan? elapsed)
    {
        var status = environment.Child("status"u8);
        var answer = new JsonObject
        {
            ["name"] = name,
            ["phase"] = status.Child("phase"u8).AsString() ?? "Pending",
            ["namespace"] = status.Child("namespace"u8).AsString(),
            ["message"] = status.Child("message"u8).AsString(),
            ["steps"] = status.Child("steps"u8).ValueKind == JsonValueKind.Array ? JsonNode.Parse(status.Child("steps"u8).GetRawText()) : new JsonArray(),
        };
        if (elapsed is { } took)
        {
            answer["elapsedMs"] = Math.Round(took.TotalMilliseconds, 1);
        }

        return answer;
    }

    private static JsonObject DryRunAnswer(string name, PreCheckResult check) => new()
    {
        ["name"] = name,
        ["dryRun"] = true,
        ["verdict"] = check.Passed ? "passed" : "rejected",
        ["reasons"] = Reasons(check),
        ["warnings"] = new JsonArray([.. check.Warnings.Select(w => JsonValue.Create(w.ToString()))]),
        ["plan"] = check.Plan is null ? new JsonArray() : new JsonArray([.. check.Plan.Objects.Select(o => (JsonNode)o.ToJsonObject())]),
    };

    private static JsonArray Reasons(PreCheckResult check) => new([.. check.Reasons.Select(r => (JsonNode)new JsonObject
    {
        ["rule"] = r.RuleId,
        ["path"] = r.Path,
        ["actual"] = r.Actual,
        ["message"] = r.Message,
        ["fix"] = r.Fix,
    })]);

    private static async Task<CallerIdentity?> AuthenticateAsync(HttpContext context, KubernetesAccess access)
    {
        var header = context.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header.Length > 7
            ? await access.AuthenticateAsync(header[7..].Trim(), context.RequestAborted).ConfigureAwait(false)
            : null;
    }

    private static IResult Json(int status, JsonObject body) =>
        new JsonBytesResult(System.Text.Encoding.UTF8.GetBytes(body.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping })), status);

    private static IResult Problem(int status, string title, string detail) => TypedResults.Problem(detail: detail, statusCode: status, title: title);
}
