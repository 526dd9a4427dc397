using System.Text;
using System.Text.Json;
using Guardrails.Policies.Resources;
using Guardrails.Policies.State;
using Guardrails.Webhook.Admission;
using Guardrails.Webhook.Cluster;
using Guardrails.Webhook.Hosting;
using Guardrails.Webhook.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Guardrails.Webhook.DryRun;

public static class DryRunEndpoints
{
    public static IEndpointRouteBuilder MapDryRun(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/v1").WithTags("Dry run");
        api.MapPost("/evaluate", Evaluate)
            .WithSummary("Judge YAML or JSON documents (or an AdmissionReview) exactly as admission would, without a cluster")
            .WithDescription("Body: one or many YAML/JSON documents (at most 1,000), or an AdmissionReview, read as the Content-Type says: "
                + BodyFormat.Accepted + ". Query: namespace (fills objects that name none; an object naming another is invalid). "
                + "ResourceQuota, LimitRange and Namespace documents in the body are used as the cluster state for the other objects, "
                + "and PolicyException documents as the exceptions in force (instead of the cluster's). "
                + "The answer stays under 256 KB: past that, results and violations are counted (omittedResults, omittedViolations), not listed.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        api.MapGet("/packs", Packs).WithTags("Packs").WithSummary("The rule packs serving now, and why the last reload was refused if it was");
        return endpoints;
    }

    internal static async Task<Results<JsonBytesResult, ProblemHttpResult>> Evaluate(HttpContext context, PolicyStore policies, ServeOptions options, IClusterStateSource state, IExceptionSource liveExceptions, TimeProvider time, GuardrailsMetrics metrics, string? @namespace)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        if (BodyFormat.FromContentType(context.Request.ContentType) is not { } format)
        {
            return AdmissionEndpoints.Problem(
                StatusCodes.Status415UnsupportedMediaType,
                "Unsupported content type",
                $"Content-Type must be {BodyFormat.Accepted}, not '{TextLimit.Cut(context.Request.ContentType ?? "(none)", 100)}'");
        }

        ReadOnlyMemory<byte> body;
        try
        {
            using var lease = await RequestBody.ReadAsync(context.Request, options.MaxRequestBodyBytes, context.RequestAborted).ConfigureAwait(false);
            body = lease.Memory.ToArray();
        }
        catch (RequestTooLargeException ex)
        {
            return AdmissionEndpoints.Problem(StatusCodes.Status413PayloadTooLarge, "Request body too large", ex.Message);
        }

        if (body.IsEmpty)
        {
            return AdmissionEndpoints.Problem(StatusCodes.Status400BadRequest, "Empty body", "send one or more YAML or JSON documents to evaluate");
        }

        if (policies.Current is not { } policy)
        {
            return AdmissionEndpoints.Problem(StatusCodes.Status503ServiceUnavailable, "No policy", "no valid rule packs are loaded");
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(body.Span);
        }
        catch (DecoderFallbackException)
        {
            return AdmissionEndpoints.Problem(StatusCodes.Status400BadRequest, "Invalid encoding", "the body is not valid UTF-8");
        }

        var cluster = ClusterStateFromBody(text, format, out var stateError) ?? state.Current;
        if (stateError is not null)
        {
            return AdmissionEndpoints.Problem(StatusCodes.Status400BadRequest, "Invalid cluster state", stateError);
        }

        // Exceptions sent along replace the live ones, as quota documents replace the live quota.
        var exceptions = ExceptionsFromBody(text, format, out var exceptionError) ?? liveExceptions.Current;
        if (exceptionError is not null)
        {
            return AdmissionEndpoints.Problem(StatusCodes.Status400BadRequest, "Invalid PolicyException", exceptionError);
        }

        var results = ManifestEvaluator.Evaluate(policy, "request", text, cluster, @namespace, format: format, exceptions: exceptions, now: time.GetUtcNow());
        if (results.Count == 0)
        {
            return AdmissionEndpoints.Problem(StatusCodes.Status400BadRequest, "No documents", "the body holds no YAML or JSON documents");
        }

        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, ResultJsonWriter.Options))
        {
            ResultJsonWriter.Write(writer, results, ResponseLimits.DryRunBudgetBytes);
        }

        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        foreach (var result in results)
        {
            metrics.RecordRequest("dryrun", "evaluate", result.Kind ?? "unknown", result.Outcome, elapsed / results.Count);
        }

        var status = results.Any(r => r.Outcome == "invalid") ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK;
        return new JsonBytesResult(stream.ToArray(), status);
    }

    /// <summary>Quota, LimitRange and Namespace documents sent along describe the cluster the other objects would land in.</summary>
    private static ClusterSnapshot? ClusterStateFromBody(string text, ManifestFormat format, out string? error)
    {
        error = null;
        var manifests = ManifestReader.Read(text, format);
        try
        {
            var state = manifests.Where(m => m.Kind is "ResourceQuota" or "LimitRange" or "Namespace").ToList();
            return state.Count == 0 ? null : ClusterSnapshot.FromObjects(state.Select(m => m.Root));
        }
        catch (ClusterStateException ex)
        {
            error = TextLimit.Cut(ex.Message, ResponseLimits.MaxMessageChars);
            return null;
        }
        finally
        {
            foreach (var manifest in manifests)
            {
                manifest.Dispose();
            }
        }
    }

    private static Policies.Exceptions.ExceptionIndex? ExceptionsFromBody(string text, ManifestFormat format, out string? error)
    {
        var manifests = ManifestReader.Read(text, format);
        try
        {
            if (!manifests.Any(m => m.Kind == Policies.Exceptions.PolicyException.KindName))
            {
                error = null;
                return null;
            }

            var index = ExceptionInput.Read(manifests, out error);
            error = error is null ? null : TextLimit.Cut(error, ResponseLimits.MaxMessageChars);
            return index;
        }
        finally
        {
            foreach (var manifest in manifests)
            {
                manifest.Dispose();
            }
        }
    }

    internal static JsonBytesResult Packs(PolicyStore policies)
    {
        var status = policies.Status;
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, ResultJsonWriter.Options))
        {
            writer.WriteStartObject();
            writer.WriteString("state"u8, policies.Current is null ? "unloaded" : status.LastErrors.Count > 0 ? "serving-last-good" : "serving");
            writer.WriteNumber("generation"u8, status.Generation);
            WriteTime(writer, "loadedAt", status.LoadedAt);
            writer.WriteStartArray("packs"u8);
            foreach (var pack in status.Packs)
            {
                writer.WriteStartObject();
                writer.WriteString("name"u8, pack.Name);
                writer.WriteString("file"u8, Path.GetFileName(pack.File));
                writer.WriteBoolean("enabled"u8, pack.Enabled);
                writer.WriteStartArray("rules"u8);
                foreach (var rule in pack.Rules)
                {
                    writer.WriteStartObject();
                    writer.WriteString("id"u8, rule.Id);
                    writer.WriteString("mode"u8, rule.Mode.ToString());
                    writer.WriteBoolean("enabled"u8, rule.Enabled);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            WriteTime(writer, "lastFailureAt", status.LastFailureAt);
            writer.WriteStartArray("lastErrors"u8);
            foreach (var error in status.LastErrors)
            {
                writer.WriteStartObject();
                writer.WriteString("file"u8, Path.GetFileName(error.File));
                writer.WriteNumber("line"u8, error.Line);
                if (error.Column > 0)
                {
                    writer.WriteNumber("column"u8, error.Column);
                }

                writer.WriteString("message"u8, error.Message);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return new JsonBytesResult(stream.ToArray(), StatusCodes.Status200OK);
    }

    private static void WriteTime(Utf8JsonWriter writer, string name, DateTimeOffset? time)
    {
        if (time is { } value)
        {
            writer.WriteString(name, value);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
