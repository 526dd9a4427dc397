using System.Globalization;
using System.Text.Json;
using Guardrails.Policies.Packs;
using Guardrails.Policies.Resources;

namespace Guardrails.Policies.Exceptions;

/// <summary>Reads a PolicyException object, collecting every problem with its field path instead of stopping at the first.</summary>
public static class PolicyExceptionReader
{
    public static bool IsPolicyException(JsonElement item) =>
        item.Child("kind"u8).AsString() == PolicyException.KindName
        && item.Child("apiVersion"u8).AsString() is { } apiVersion
        && apiVersion.StartsWith(PolicyException.Group + "/", StringComparison.Ordinal);

    /// <returns>The exception, or null with <paramref name="errors"/> saying why.</returns>
    public static PolicyException? Read(JsonElement item, string defaultNamespace, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var metadata = item.Child("metadata"u8);
        var spec = item.Child("spec"u8);
        var name = metadata.Child("name"u8).AsString();
        if (string.IsNullOrEmpty(name))
        {
            errors.Add("metadata.name is required");
        }

        if (spec.ValueKind != JsonValueKind.Object)
        {
            errors.Add("spec is required (rule, target, reason, expires)");
            return null;
        }

        var rule = spec.Child("rule"u8).AsString();
        if (string.IsNullOrEmpty(rule))
        {
            errors.Add("spec.rule is required: the id of the rule to waive (for example run-as-non-root)");
        }

        var target = spec.Child("target"u8);
        var kind = target.Child("kind"u8).AsString();
        var targetName = target.Child("name"u8).AsString();
        var selector = ReadSelector(target.Child("selector"u8), errors);
        if (target.ValueKind != JsonValueKind.Object)
        {
            errors.Add("spec.target is required: kind and name of the object, or a selector");
        }
        else if (selector is null && (string.IsNullOrEmpty(kind) || string.IsNullOrEmpty(targetName)))
        {
            errors.Add("spec.target needs kind and name (for example kind: Deployment, name: web), or a selector");
        }
        else if (selector is not null && (kind is not null || targetName is not null))
        {
            errors.Add("spec.target takes kind and name, or a selector, not both");
        }

        var fields = new List<string>();
        if (spec.Child("fields"u8) is { ValueKind: JsonValueKind.Array } fieldList)
        {
            foreach (var field in fieldList.EnumerateArray())
            {
                if (field.AsString() is { } text && ExceptionBoundsReader.ResourceFields.Contains(text))
                {
                    fields.Add(text);
                }
                else
                {
                    errors.Add($"spec.fields entry {field.Display()} is not one of {string.Join(", ", ExceptionBoundsReader.ResourceFields)}");
                }
            }
        }

        var expiresText = spec.Child("expires"u8).AsString();
        DateTimeOffset expires = default;
        if (expiresText is null)
        {
            errors.Add("spec.expires is required: an RFC 3339 time such as 2026-12-08T00:00:00Z");
        }
        else if (!TryParseTime(expiresText, out expires))
        {
            errors.Add($"spec.expires '{expiresText}' is not an RFC 3339 time such as 2026-12-08T00:00:00Z");
        }

        DateTimeOffset? created = TryParseTime(metadata.Child("creationTimestamp"u8).AsString(), out var at) ? at : null;
        if (errors.Count > 0 || name is null || rule is null)
        {
            return null;
        }

        var annotations = metadata.Child("annotations"u8);
        return new PolicyException
        {
            Namespace = metadata.Child("namespace"u8).AsString() ?? defaultNamespace,
            Name = name,
            Uid = metadata.Child("uid"u8).AsString(),
            Rule = rule,
            TargetKind = kind,
            TargetName = targetName,
            TargetSelector = selector,
            Container = NullIfEmpty(target.Child("container"u8).AsString()),
            Fields = fields,
            Image = NullIfEmpty(spec.Child("image"u8).AsString()),
            Reason = NullIfEmpty(spec.Child("reason"u8).AsString()?.Trim()),
            Ticket = NullIfEmpty(spec.Child("ticket"u8).AsString()),
            Expires = expires,
            Created = created,
            RequestedBy = NullIfEmpty(annotations.Child(ExceptionAnnotations.RequestedBy).AsString()),
            ApprovedBy = NullIfEmpty(annotations.Child(ExceptionAnnotations.ApprovedBy).AsString()),
        };
    }

    public static bool TryParseTime(string? text, out DateTimeOffset time) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time)
        && text!.Contains('T', StringComparison.Ordinal);

    private static LabelSelector? ReadSelector(JsonElement selector, List<string> errors)
    {
        if (selector.ValueKind == JsonValueKind.Undefined || selector.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (selector.Child("matchLabels"u8) is { ValueKind: JsonValueKind.Object } matchLabels)
        {
            foreach (var label in matchLabels.EnumerateObject())
            {
                labels[label.Name] = label.Value.Display();
            }
        }

        if (labels.Count == 0)
        {
            errors.Add("spec.target.selector needs matchLabels: an exception for every object of a namespace is not one");
        }

        return new LabelSelector(labels, []);
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
