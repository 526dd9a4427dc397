using System.Globalization;
using System.Text;

namespace Guardrails.Webhook.Hosting.Tls;

/// <summary>Ready-to-apply admissionregistration.k8s.io/v1 configurations pointing the API server at guardrails.</summary>
public static class WebhookManifests
{
    public const string ValidatingWebhookName = "guardrails-validate.guardrails.dev";
    public const string MutatingWebhookName = "guardrails-mutate.guardrails.dev";
    public const string ValidatePath = "/validate";
    public const string MutatePath = "/mutate";

    private static readonly string[] SystemNamespaces = ["kube-system", "kube-public", "kube-node-lease"];

    /// <summary>
    /// A ValidatingWebhookConfiguration and, when <paramref name="rules"/> has mutating rules, a
    /// MutatingWebhookConfiguration, as YAML documents. Without <paramref name="rules"/>, what the shipped rules can
    /// need (<see cref="WebhookRuleSet.Default"/>); serve prints them for the policy it loaded.
    /// </summary>
    /// <exception cref="ArgumentException">The options or the bundle cannot make a valid configuration.</exception>
    public static string Render(string caBundlePem, WebhookManifestOptions options, WebhookRuleSet? rules = null)
    {
        ArgumentNullException.ThrowIfNull(caBundlePem);
        ArgumentNullException.ThrowIfNull(options);
        ValidateBundle(caBundlePem);
        Validate(options);
        rules ??= WebhookRuleSet.Default;

        var caBundle = Convert.ToBase64String(Encoding.UTF8.GetBytes(caBundlePem));
        var yaml = new StringBuilder();
        AppendConfiguration(yaml, "ValidatingWebhookConfiguration", ValidatingWebhookName, ValidatePath, caBundle, options, rules.Validating);
        if (rules.Mutating is { } mutating)
        {
            yaml.Append("---\n");
            AppendConfiguration(yaml, "MutatingWebhookConfiguration", MutatingWebhookName, MutatePath, caBundle, options, mutating);
        }

        return yaml.ToString();
    }

    private static void AppendConfiguration(StringBuilder yaml, string kind, string webhookName, string path, string caBundle, WebhookManifestOptions options, IReadOnlyList<WebhookRule> rules)
    {
        yaml.Append("apiVersion: admissionregistration.k8s.io/v1\n");
        yaml.Append("kind: ").Append(kind).Append('\n');
        yaml.Append("metadata:\n");
        yaml.Append("  name: guardrails\n");
        yaml.Append("  labels:\n");
        yaml.Append("    app.kubernetes.io/name: guardrails\n");
        yaml.Append("webhooks:\n");
        yaml.Append("  - name: ").Append(webhookName).Append('\n');
        yaml.Append("    admissionReviewVersions: [\"v1\"]\n");
        yaml.Append("    sideEffects: None\n");
        yaml.Append("    timeoutSeconds: ").Append(options.TimeoutSeconds).Append('\n');
        yaml.Append("    failurePolicy: ").Append(options.FailurePolicy).Append('\n');
        yaml.Append("    clientConfig:\n");
        if (options.Url is not null)
        {
            yaml.Append("      url: ").Append(Quote(options.Url.TrimEnd('/') + path)).Append('\n');
        }
        else
        {
            yaml.Append("      service:\n");
            yaml.Append("        name: ").Append(Quote(options.ServiceName!)).Append('\n');
            yaml.Append("        namespace: ").Append(Quote(options.ServiceNamespace ?? options.OwnNamespace)).Append('\n');
            yaml.Append("        path: ").Append(Quote(path)).Append('\n');
            yaml.Append("        port: ").Append(options.ServicePort).Append('\n');
        }

        yaml.Append("      caBundle: ").Append(caBundle).Append('\n');
        yaml.Append("    namespaceSelector:\n");
        yaml.Append("      matchExpressions:\n");
        yaml.Append("        - key: kubernetes.io/metadata.name\n");
        yaml.Append("          operator: NotIn\n");
        yaml.Append("          values: ").Append(FlowList(SystemNamespaces.Append(options.OwnNamespace).Distinct(StringComparer.Ordinal))).Append('\n');
        yaml.Append("    rules:\n");
        foreach (var rule in rules)
        {
            yaml.Append("      - apiGroups: ").Append(FlowList([rule.Group])).Append('\n');
            yaml.Append("        apiVersions: ").Append(FlowList([rule.Version])).Append('\n');
            yaml.Append("        operations: ").Append(FlowList(rule.Operations)).Append('\n');
            yaml.Append("        resources: ").Append(FlowList(rule.Resources)).Append('\n');
            yaml.Append("        scope: ").Append(Quote(rule.Scope)).Append('\n');
        }
    }

    private static void ValidateBundle(string caBundlePem)
    {
        if (!caBundlePem.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
        {
            throw new ArgumentException("the CA bundle holds no PEM certificate", nameof(caBundlePem));
        }

        if (caBundlePem.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
        {
            // The bundle is published in cluster objects anyone with read access can see.
            throw new ArgumentException("the CA bundle contains a private key", nameof(caBundlePem));
        }
    }

    private static void Validate(WebhookManifestOptions options)
    {
        if ((options.Url is null) == (options.ServiceName is null))
        {
            throw new ArgumentException($"set exactly one of {nameof(options.Url)} and {nameof(options.ServiceName)}", nameof(options));
        }

        if (options.Url is not null)
        {
            // The API server only calls https URLs, and rejects user info, queries and fragments.
            if (!Uri.TryCreate(options.Url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps
                || uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0)
            {
                throw new ArgumentException($"{nameof(options.Url)} '{options.Url}' must be an https URL without user info, query or fragment", nameof(options));
            }
        }
        else
        {
            RequireLabel(options.ServiceName!, nameof(options.ServiceName));
            RequireLabel(options.ServiceNamespace ?? options.OwnNamespace, nameof(options.ServiceNamespace));
            if (options.ServicePort is < 1 or > 65535)
            {
                throw new ArgumentException($"{nameof(options.ServicePort)} {options.ServicePort} is not a port number", nameof(options));
            }
        }

        RequireLabel(options.OwnNamespace, nameof(options.OwnNamespace));
        if (options.TimeoutSeconds is < 1 or > 30)
        {
            throw new ArgumentException($"{nameof(options.TimeoutSeconds)} must be between 1 and 30, not {options.TimeoutSeconds}", nameof(options));
        }

        if (options.FailurePolicy is not ("Fail" or "Ignore"))
        {
            throw new ArgumentException($"{nameof(options.FailurePolicy)} must be Fail or Ignore, not '{options.FailurePolicy}'", nameof(options));
        }
    }

    private static void RequireLabel(string value, string setting)
    {
        var valid = value.Length is > 0 and <= 63
            && value.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
            && value[0] != '-'
            && value[^1] != '-';
        if (!valid)
        {
            throw new ArgumentException($"{setting} '{value}' is not a Kubernetes name (lowercase letters, digits and '-', at most 63)");
        }
    }

    private static string FlowList(IEnumerable<string> items) => "[" + string.Join(", ", items.Select(Quote)) + "]";

    /// <summary>A YAML double-quoted scalar, so no value can be read as another type or break the structure.</summary>
    private static string Quote(string value)
    {
        var quoted = new StringBuilder("\"");
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => quoted.Append("\\\\"),
                '"' => quoted.Append("\\\""),
                < ' ' or '\u007f' => quoted.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                _ => quoted.Append(c),
            };
        }

        return quoted.Append('"').ToString();
    }
}
