namespace Guardrails.Policies.Authoring;

/// <summary>
/// One API group and kind a rule judges; <c>*</c> stands for any group or any kind. <see cref="Resource"/> is the
/// plural the apiserver's webhook rules are written with (for a CRD, the plural its definition declares).
/// </summary>
public sealed record KindPattern(string Group, string Kind, string Resource)
{
    public bool Matches(string group, string kind) =>
        (Group == "*" || string.Equals(Group, group, StringComparison.Ordinal))
        && (Kind == "*" || string.Equals(Kind, kind, StringComparison.Ordinal));

    /// <summary>
    /// <c>Kind</c> (core group), <c>group/Kind</c>, <c>group/*</c> or <c>*</c>; the resource is the usual plural
    /// (<c>Ingress</c> → <c>ingresses</c>, <c>NetworkPolicy</c> → <c>networkpolicies</c>) unless written after an
    /// <c>=</c>: <c>example.com/Widget=widgets</c>.
    /// </summary>
    public static KindPattern Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        var resource = equals < 0 ? null : text[(equals + 1)..];
        var kindText = equals < 0 ? text : text[..equals];
        if (kindText == "*")
        {
            return new KindPattern("*", "*", "*");
        }

        var slash = kindText.LastIndexOf('/');
        var group = slash < 0 ? "" : kindText[..slash];
        var kind = slash < 0 ? kindText : kindText[(slash + 1)..];
        if (kind.Length == 0 || group.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{text}' is not a kind: write Kind, group/Kind or group/* (for example networking.k8s.io/Ingress)", nameof(text));
        }

        return new KindPattern(group, kind, resource ?? (kind == "*" ? "*" : Plural(kind)));
    }

    /// <summary>The apiserver's default plural: lowercase, then <c>-es</c> after s/x/z/ch/sh, <c>-ies</c> after a consonant and y.</summary>
    public static string Plural(string kind)
    {
        var lower = kind.ToLowerInvariant();
        if (lower == "endpoints")
        {
            return lower;
        }

        if (lower.EndsWith('s') || lower.EndsWith('x') || lower.EndsWith('z') || lower.EndsWith("ch", StringComparison.Ordinal) || lower.EndsWith("sh", StringComparison.Ordinal))
        {
            return lower + "es";
        }

        if (lower.Length > 1 && lower[^1] == 'y' && "aeiou".IndexOf(lower[^2], StringComparison.Ordinal) < 0)
        {
            return lower[..^1] + "ies";
        }

        return lower + "s";
    }

    public override string ToString() => Group.Length == 0 ? Kind : $"{Group}/{Kind}";
}
