using System.Text.Json;
using Guardrails.Policies.Exceptions;
using Guardrails.Policies.Resources;

namespace Guardrails.Webhook.DryRun;

/// <summary>PolicyExceptions given as input (a <c>check --exceptions</c> file, documents in a dry-run body), read as the watch cache reads them.</summary>
public static class ExceptionInput
{
    /// <returns>The exceptions among the manifests (a <c>kind: List</c> unwrapped), or null with the first problem in <paramref name="error"/>.</returns>
    public static ExceptionIndex? Read(IEnumerable<Manifest> manifests, out string? error)
    {
        ArgumentNullException.ThrowIfNull(manifests);
        error = null;
        var exceptions = new List<PolicyException>();
        foreach (var manifest in manifests)
        {
            if (manifest.Error is not null)
            {
                continue;
            }

            foreach (var item in Flatten(manifest.Root))
            {
                if (!PolicyExceptionReader.IsPolicyException(item))
                {
                    continue;
                }

                var errors = new List<string>();
                if (PolicyExceptionReader.Read(item, "default", errors) is { } exception)
                {
                    exceptions.Add(exception);
                }
                else
                {
                    error = $"document {manifest.Number}: PolicyException {item.Child("metadata"u8).Child("name"u8).AsString() ?? "(unnamed)"}: {string.Join("; ", errors)}";
                    return null;
                }
            }
        }

        return new ExceptionIndex(exceptions);
    }

    private static IEnumerable<JsonElement> Flatten(JsonElement item)
    {
        if (item.Child("kind"u8).AsString() is "List" or "PolicyExceptionList" && item.Child("items"u8) is { ValueKind: JsonValueKind.Array } items)
        {
            foreach (var inner in items.EnumerateArray())
            {
                yield return inner;
            }
        }
        else
        {
            yield return item;
        }
    }
}
