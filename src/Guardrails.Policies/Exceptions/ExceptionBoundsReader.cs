using System.Text.RegularExpressions;
using Guardrails.Policies.Packs;

namespace Guardrails.Policies.Exceptions;

/// <summary>Reads a rule's <c>exceptions:</c> mapping in a pack; every problem becomes a <see cref="PackError"/> with its line.</summary>
public static class ExceptionBoundsReader
{
    public static readonly IReadOnlyList<string> ResourceFields = ["requests.cpu", "requests.memory", "limits.cpu", "limits.memory"];

    public static ExceptionBounds? Read(YamlMap? map, string ruleId, string file, List<PackError> errors)
    {
        if (map is null)
        {
            return null;
        }

        var selfService = map.Bool("selfService") ?? false;
        var approval = map.String("approval");
        if (approval is not (null or "required" or "none"))
        {
            errors.Add(new PackError(file, map.LineOf("approval"), $"rule '{ruleId}': exceptions.approval must be 'required' or 'none', not '{approval}'"));
        }

        TimeSpan maxDuration = default;
        if (map.String("maxDuration") is not { } durationText)
        {
            errors.Add(new PackError(file, map.Line, $"rule '{ruleId}': exceptions.maxDuration is required (for example 168h)"));
        }
        else if (!GoDuration.TryParse(durationText, out maxDuration) || maxDuration <= TimeSpan.Zero)
        {
            errors.Add(new PackError(file, map.LineOf("maxDuration"), $"rule '{ruleId}': exceptions.maxDuration '{durationText}' is not a duration such as 168h or 90m"));
        }

        TimeSpan? deleteAfter = null;
        if (map.String("deleteExpiredAfter") is { } deleteText)
        {
            if (GoDuration.TryParse(deleteText, out var parsed))
            {
                deleteAfter = parsed;
            }
            else
            {
                errors.Add(new PackError(file, map.LineOf("deleteExpiredAfter"), $"rule '{ruleId}': exceptions.deleteExpiredAfter '{deleteText}' is not a duration such as 24h"));
            }
        }

        Regex? ticket = null;
        if (map.String("ticketPattern") is { } pattern)
        {
            try
            {
                ticket = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(50));
            }
            catch (ArgumentException ex)
            {
                errors.Add(new PackError(file, map.LineOf("ticketPattern"), $"rule '{ruleId}': exceptions.ticketPattern is not a valid regular expression: {ex.Message}"));
            }
        }

        var fields = map.StringList("fields");
        foreach (var field in fields.Where(f => !ResourceFields.Contains(f)))
        {
            errors.Add(new PackError(file, map.LineOf("fields"), $"rule '{ruleId}': exceptions.fields entry '{field}' is not one of {string.Join(", ", ResourceFields)}"));
        }

        var bounds = new ExceptionBounds
        {
            SelfService = selfService,
            ApprovalRequired = approval == "required",
            MaxDuration = maxDuration,
            Namespaces = map.StringList("namespaces"),
            NamespaceSelector = map.Map("namespaceSelector") is { } selector ? ReadSelector(selector, ruleId, file, errors) : null,
            ReasonRequired = map.Bool("requireReason") ?? true,
            TicketPattern = ticket,
            Containers = map.StringList("containers"),
            Fields = fields,
            Images = map.StringList("images"),
            DeleteExpiredAfter = deleteAfter,
        };
        map.RejectUnknownKeys();
        return bounds;
    }

    private static LabelSelector ReadSelector(YamlMap map, string ruleId, string file, List<PackError> errors)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (map.RawMap("matchLabels") is { } raw)
        {
            foreach (var (key, value) in raw.Children)
            {
                if (key is YamlDotNet.RepresentationModel.YamlScalarNode { Value: { } k } && value is YamlDotNet.RepresentationModel.YamlScalarNode { Value: { } v })
                {
                    labels[k] = v;
                }
                else
                {
                    errors.Add(new PackError(file, Documents.YamlValues.LineOf(key), $"rule '{ruleId}': exceptions.namespaceSelector.matchLabels must map label names to values"));
                }
            }
        }

        map.RejectUnknownKeys();
        return new LabelSelector(labels, []);
    }
}
