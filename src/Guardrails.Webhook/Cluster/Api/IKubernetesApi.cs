using System.Text.Json;

namespace Guardrails.Webhook.Cluster.Api;

/// <summary>
/// The few Kubernetes API calls Guardrails makes, shaped like KubernetesClient's so that one can replace this later.
/// Paths are absolute API paths (<c>/api/v1/namespaces/x</c>); non-2xx answers throw <see cref="KubernetesApiException"/>.
/// </summary>
public interface IKubernetesApi
{
    /// <summary>One page of a collection; all namespaces when <paramref name="namespace"/> is null. 410 throws <see cref="WatchExpiredException"/>.</summary>
    Task<ObjectList> ListAsync(ResourceType type, string? @namespace, int? limit, string? continueToken, CancellationToken cancellationToken);

    /// <summary>
    /// Events after <paramref name="resourceVersion"/>, with bookmarks, until the server ends the watch (normally after
    /// <paramref name="timeout"/>). Throws <see cref="WatchExpiredException"/> when the version is too old (ERROR 410 or
    /// HTTP 410), <see cref="KubernetesApiException"/> for other ERROR events and non-2xx answers, and
    /// <see cref="IOException"/> when the connection drops (or stays silent well past the timeout) once the stream is open.
    /// </summary>
    IAsyncEnumerable<WatchEvent> WatchAsync(ResourceType type, string? @namespace, string resourceVersion, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>One object or any other GET; 404 throws <see cref="KubernetesApiException"/> with StatusCode 404.</summary>
    Task<JsonDocument> GetAsync(string path, CancellationToken cancellationToken);

    /// <summary>Creates an object, or asks a review API (TokenReview, SubjectAccessReview) a question.</summary>
    Task<JsonDocument> PostAsync(string path, JsonElement body, CancellationToken cancellationToken);

    /// <summary>Replaces an object; with <c>metadata.resourceVersion</c> set, only if nobody changed it since (409 otherwise).</summary>
    Task<JsonDocument> PutAsync(string path, JsonElement body, CancellationToken cancellationToken);

    /// <summary>Server-side apply: the body is the whole intent of <paramref name="fieldManager"/> for the object.</summary>
    Task<JsonDocument> ApplyAsync(string path, JsonElement body, string fieldManager, bool force, CancellationToken cancellationToken);

    /// <summary>
    /// JSON merge patch. Unlike apply it never creates: a missing object is a 404. With <c>metadata.resourceVersion</c>
    /// in the patch, only if nobody changed the object since (409 otherwise).
    /// </summary>
    Task<JsonDocument> MergePatchAsync(string path, JsonElement patch, string fieldManager, CancellationToken cancellationToken);

    Task DeleteAsync(string path, CancellationToken cancellationToken);

    /// <summary>Deletes only the object with this uid, not a newer one of the same name (409 otherwise), as DeleteOptions preconditions do.</summary>
    Task DeleteAsync(string path, string uid, CancellationToken cancellationToken);
}
