using System.Text.Json;
using Guardrails.Webhook.Hosting.Tls;

namespace Guardrails.E2E.Support;

/// <summary>
/// The validating and mutating configurations of one run, rendered by the product's own
/// <see cref="WebhookManifests"/> and then fenced in: a name of their own, so runs and leftovers never clash, and
/// a namespace and object selector on the run's label, so they can never judge (or, if Guardrails dies, block)
/// anything else in a shared cluster.
/// </summary>
internal sealed class WebhookRegistration
{
    private const string ValidatingResource = "validatingwebhookconfiguration.admissionregistration.k8s.io";
    private const string MutatingResource = "mutatingwebhookconfiguration.admissionregistration.k8s.io";

    // What Render emits today; if its shape changes the fence below must be re-checked, so a mismatch fails loudly.
    private const string RenderedName = "metadata:\n  name: guardrails\n";
    private const string RenderedLabels = "  labels:\n";
    private const string RenderedWebhookItem = "\n  - name: ";
    private const string RenderedSelector = "    namespaceSelector:\n      matchExpressions:\n";

    // What the shipped rules need, plus PodDisruptionBudgets (the run serves the day2 pack with pdb-allows-disruption
    // enforced in namespaces labelled for it) and PolicyExceptions to both webhooks (the run's packs let developers
    // waive run-as-non-root: /mutate records the requester, /validate judges the bounds; RunPolicies). What the
    // apiserver never sends is never judged.
    private static readonly WebhookRuleSet RunRules = new(
        [.. WebhookRuleSet.Default.Validating, new WebhookRule("policy", "v1", "Namespaced", ["poddisruptionbudgets"], ["CREATE", "UPDATE"]), WebhookRuleSet.PolicyExceptions],
        [.. WebhookRuleSet.Default.Mutating!, WebhookRuleSet.PolicyExceptions]);

    private WebhookRegistration(string name, string runId, string url)
    {
        Name = name;
        RunId = runId;
        Url = url;
    }

    /// <summary>metadata.name of both configurations.</summary>
    public string Name { get; }

    public string RunId { get; }

    public string Url { get; }

    public string DeleteCommand => $"kubectl delete {ValidatingResource}/{Name} {MutatingResource}/{Name} --ignore-not-found";

    /// <summary>The product's manifests with this run's name, label, and selectors on the run label.</summary>
    /// <param name="caBundlePem">The CA the serving certificate chains to.</param>
    /// <param name="url">Where the apiserver calls Guardrails.</param>
    /// <param name="runId">The run label's value.</param>
    /// <param name="ownNamespace">Guardrails' <c>--namespace</c>, which the product's manifests leave out.</param>
    /// <exception cref="InvalidOperationException">Render's output no longer has the shape the fence is written for.</exception>
    public static string Render(string caBundlePem, string url, string runId, string ownNamespace)
    {
        var yaml = WebhookManifests.Render(caBundlePem, new WebhookManifestOptions { Url = url, OwnNamespace = ownNamespace }, RunRules);
        var name = NameFor(runId);
        var label = TestObjects.RunLabel;
        yaml = ReplaceEach(yaml, RenderedName, $"metadata:\n  name: {name}\n");
        yaml = ReplaceEach(yaml, RenderedLabels, $"{RenderedLabels}    {label}: \"{runId}\"\n");

        // Both selectors must match: the namespace carries the run label (namespaced objects) and so does the object
        // itself (which also fences cluster-scoped kinds such as a cluster-scoped Environment, which namespaceSelector
        // never filters).
        yaml = ReplaceEach(yaml, RenderedSelector,
            "    objectSelector:\n"
            + "      matchLabels:\n"
            + $"        {label}: \"{runId}\"\n"
            + RenderedSelector
            + $"        - key: {label}\n"
            + "          operator: In\n"
            + $"          values: [\"{runId}\"]\n");
        return yaml;
    }

    /// <summary>Applies the fenced configurations, then reads them back and checks the fence is what the apiserver holds.</summary>
    /// <exception cref="InvalidOperationException">Applying failed, or the stored configurations are not fenced (they are deleted again first).</exception>
    public static async Task<WebhookRegistration> ApplyAsync(Kubectl kubectl, string caBundlePem, string url, string runId, string ownNamespace, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kubectl);
        var registration = new WebhookRegistration(NameFor(runId), runId, url);
        var yaml = Render(caBundlePem, url, runId, ownNamespace);
        try
        {
            (await kubectl.RunAsync(["apply", "-f", "-"], yaml, cancellationToken: cancellationToken)).EnsureSuccess("registering the webhooks");
            await registration.VerifyFencedAsync(kubectl, ValidatingResource, cancellationToken);
            await registration.VerifyFencedAsync(kubectl, MutatingResource, cancellationToken);
        }
        catch (Exception failure)
        {
            // A half-applied or unfenced registration must not outlive this method, whatever went wrong.
            try
            {
                await registration.DeleteAsync(kubectl);
            }
            catch (InvalidOperationException cleanup)
            {
                throw new AggregateException(failure, cleanup);
            }

            throw;
        }

        return registration;
    }

    /// <summary>
    /// Removes both configurations; retried, because a webhook left pointing at a stopped Guardrails would refuse
    /// (failurePolicy Fail) everything in the run's namespaces until someone deletes it.
    /// </summary>
    /// <exception cref="InvalidOperationException">Every attempt failed; the message says how to remove them by hand.</exception>
    public async Task DeleteAsync(Kubectl kubectl)
    {
        ArgumentNullException.ThrowIfNull(kubectl);
        var failures = new List<string>();
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            try
            {
                // Not the test's token: cleanup must run even when the test was cancelled.
                var result = await kubectl.RunAsync(
                    ["delete", $"{ValidatingResource}/{Name}", $"{MutatingResource}/{Name}", "--ignore-not-found"],
                    timeout: TimeSpan.FromSeconds(30),
                    cancellationToken: CancellationToken.None);
                if (result.Succeeded)
                {
                    return;
                }

                failures.Add(result.ToString());
            }
            catch (TimeoutException ex)
            {
                failures.Add(ex.Message);
            }

            await Task.Delay(TimeSpan.FromSeconds(2));
        }

        throw new InvalidOperationException(
            $"could not delete the webhook configurations {Name}; remove them with: {DeleteCommand}\n{string.Join("\n", failures)}");
    }

    private static string NameFor(string runId) => $"guardrails-e2e-{runId}";

    private async Task VerifyFencedAsync(Kubectl kubectl, string resource, CancellationToken cancellationToken)
    {
        var stored = (await kubectl.RunAsync(["get", $"{resource}/{Name}", "-o", "json"], cancellationToken: cancellationToken))
            .EnsureSuccess($"reading back {resource}/{Name}");
        using var document = JsonDocument.Parse(stored.Stdout);
        var webhooks = document.RootElement.GetProperty("webhooks");
        if (webhooks.GetArrayLength() == 0)
        {
            throw new InvalidOperationException($"{resource}/{Name} holds no webhooks");
        }

        foreach (var webhook in webhooks.EnumerateArray())
        {
            var problem = FenceProblem(webhook);
            if (problem is not null)
            {
                throw new InvalidOperationException($"{resource}/{Name} webhook {webhook.GetProperty("name")}: {problem}; it was deleted again");
            }
        }
    }

    private string? FenceProblem(JsonElement webhook)
    {
        if (!webhook.TryGetProperty("clientConfig", out var client) || !client.TryGetProperty("url", out var url)
            || !(url.GetString() ?? "").StartsWith(Url, StringComparison.Ordinal))
        {
            return $"clientConfig.url is not under {Url}";
        }

        var objectLabel = webhook.TryGetProperty("objectSelector", out var objectSelector)
            && objectSelector.TryGetProperty("matchLabels", out var matchLabels)
            && matchLabels.TryGetProperty(TestObjects.RunLabel, out var value)
                ? value.GetString()
                : null;
        if (objectLabel != RunId)
        {
            return $"objectSelector does not require {TestObjects.RunLabel}={RunId}";
        }

        var namespaceFenced = webhook.TryGetProperty("namespaceSelector", out var namespaceSelector)
            && namespaceSelector.TryGetProperty("matchExpressions", out var expressions)
            && expressions.EnumerateArray().Any(e =>
                e.GetProperty("key").GetString() == TestObjects.RunLabel
                && e.GetProperty("operator").GetString() == "In"
                && e.TryGetProperty("values", out var values)
                && values.GetArrayLength() == 1
                && values[0].GetString() == RunId);
        return namespaceFenced ? null : $"namespaceSelector does not require {TestObjects.RunLabel}={RunId}";
    }

    /// <summary>Replaces each occurrence, insisting there is exactly one per configuration (two documents, one webhook each).</summary>
    private static string ReplaceEach(string yaml, string expected, string replacement)
    {
        var documents = yaml.Split("\n---\n").Length;
        var webhooks = Count(yaml, RenderedWebhookItem);
        var found = Count(yaml, expected);
        if (documents != 2 || webhooks != 2 || found != 2)
        {
            throw new InvalidOperationException(
                $"WebhookManifests.Render output changed shape ({documents} documents, {webhooks} webhooks, {found} × '{expected.ReplaceLineEndings("\\n")}'); "
                + "update WebhookRegistration so every webhook stays fenced to the test namespaces");
        }

        return yaml.Replace(expected, replacement, StringComparison.Ordinal);
    }

    private static int Count(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
