namespace Guardrails.Webhook.Tests.Support.FakeKube;

/// <summary>Kind to plural resource name, the way Kubernetes' default RESTMapper guesses it.</summary>
internal static class KindNames
{
    public static string Plural(string kind)
    {
        var lower = kind.ToLowerInvariant();
        if (lower == "endpoints")
        {
            return lower;
        }

        if (lower.EndsWith('s') || lower.EndsWith('x') || lower.EndsWith("ch", StringComparison.Ordinal) || lower.EndsWith("sh", StringComparison.Ordinal))
        {
            return lower + "es";
        }

        if (lower.EndsWith('y') && lower.Length > 1 && !"aeiou".Contains(lower[^2], StringComparison.Ordinal))
        {
            return lower[..^1] + "ies";
        }

        return lower + "s";
    }
}
