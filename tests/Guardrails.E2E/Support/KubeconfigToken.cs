using System.Text.Json;

namespace Guardrails.E2E.Support;

/// <summary>
/// The bearer token of the kubeconfig's current user, as kubectl resolves the kubeconfig (merged, current context),
/// for calling the REST door as that user. Only a static token (<c>token</c> or <c>tokenFile</c>) is read: the door
/// authenticates callers with TokenReview, so a client certificate cannot be passed on to it, and running credential
/// plugins is left to kubectl.
/// </summary>
internal static class KubeconfigToken
{
    /// <summary>The token, or null and why there is none (a sentence for a skip message). The token is never logged.</summary>
    public static async Task<(string? Token, string? WhyNot)> ReadAsync(Kubectl kubectl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kubectl);
        var view = (await kubectl.RunAsync(["config", "view", "--raw", "--minify", "-o", "json"], cancellationToken: cancellationToken))
            .EnsureSuccess("reading the kubeconfig's current user");
        using var document = JsonDocument.Parse(view.Stdout);
        var root = document.RootElement;
        var context = root.TryGetProperty("current-context", out var c) ? c.GetString() : null;
        if (!root.TryGetProperty("users", out var users) || users.ValueKind != JsonValueKind.Array || users.GetArrayLength() == 0)
        {
            return (null, $"the kubeconfig's current context '{context}' names no user, so there is no bearer token to call the REST door with");
        }

        var entry = users[0];
        var name = entry.TryGetProperty("name", out var n) ? n.GetString() : "(unnamed)";
        var user = entry.TryGetProperty("user", out var u) && u.ValueKind == JsonValueKind.Object ? u : default;
        if (user.ValueKind == JsonValueKind.Object && user.TryGetProperty("token", out var token) && token.GetString() is { Length: > 0 } value)
        {
            return (value.Trim(), null);
        }

        if (user.ValueKind == JsonValueKind.Object && user.TryGetProperty("tokenFile", out var file) && file.GetString() is { Length: > 0 } path)
        {
            // kubectl prints the path as written; a relative one is relative to the kubeconfig file.
            var full = Path.IsPathRooted(path) ? path : Path.Combine(Path.GetDirectoryName(kubectl.Kubeconfig) ?? ".", path);
            var text = (await File.ReadAllTextAsync(full, cancellationToken)).Trim();
            return text.Length > 0 ? (text, null) : (null, $"the kubeconfig user '{name}' has a tokenFile ({full}) that is empty");
        }

        string? how = null;
        if (user.ValueKind == JsonValueKind.Object)
        {
            how = user.TryGetProperty("client-certificate", out _) || user.TryGetProperty("client-certificate-data", out _) ? "a client certificate"
                : user.TryGetProperty("exec", out _) ? "an exec credential plugin"
                : user.TryGetProperty("auth-provider", out _) ? "an auth-provider plugin"
                : user.TryGetProperty("username", out _) ? "a username and password"
                : null;
        }

        return (null, how is null
            ? $"the kubeconfig user '{name}' has no bearer token (no token or tokenFile), and the REST door (POST /api/v1/environments) authenticates callers only by bearer token, through TokenReview"
            : $"the kubeconfig user '{name}' authenticates with {how}, not a bearer token, and the REST door (POST /api/v1/environments) authenticates callers only by bearer token, through TokenReview; "
                + "use a kubeconfig whose user has a token (for example a ServiceAccount's, from kubectl create token) to run this case");
    }
}
