using System.Text.RegularExpressions;
using Guardrails.Policies.Documents;
using Guardrails.Policies.Packs;

namespace Guardrails.Policies.Exceptions;

/// <summary>Reads a rule's <c>exceptions:</c> mapping in a pack; every problem becomes a <see cref="PackError"/> with its line.</summary>
public static class ExceptionBoundsReader
{
    public static readonly IReadOnlyList<string> ResourceFields = ["requests.cpu", "requests.memory", "limits.cpu", "limits.memory"];

    public static ExceptionBounds? Read(DocumentMap? map, string ruleId)
    {
        if (map is null)
        {
            return null;
        }

        var selfService = map.Bool("selfService") ?? false;
        var approval = map.Scalar("approval");
        if (approval is not (null or "required" or "none"))
        {
            map.ReportAtKey("approval", $"rule '{ruleId}': exceptions.approval must be 'required' or 'none', not '{approval}'");
        }

        TimeSpan maxDuration = default;
        if (map.Scalar("maxDuration") is not { } durationText)
        {
            map.Report($"rule '{ruleId}': exceptions.maxDuration is required (for example 168h)");
        }
        else if (!GoDuration.TryParse(durationText, out maxDuration) || maxDuration <= TimeSpan.Zero)
        {
            map.ReportAtKey("maxDuration", $"rule '{ruleId}': exceptions.maxDuration '{durationText}' is not a duration such as 168h or 90m");
        }

        TimeSpan? deleteAfter = null;
        if (map.Scalar("deleteExpiredAfter") is { } deleteText)
        {
            if (GoDuration.TryParse(deleteText, out var parsed))
            {
                deleteAfter = parsed;
            }
            else
            {
                map.ReportAtKey("deleteExpiredAfter", $"rule '{ruleId}': exceptions.deleteExpiredAfter '{deleteText}' is not a duration such as 24h");
            }
        }

        Regex? ticket = null;
        if (map.Scalar("ticketPattern") is { } pattern)
        {
            try
            {
                ticket = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(50));
            }
            catch (ArgumentException ex)
            {
                map.ReportAtKey("ticketPattern", $"rule '{ruleId}': exceptions.ticketPattern is not a valid regular expression: {ex.Message}");
            }
        }

        var fields = map.StringList("fields");
        foreach (var field in fields.Where(f => !ResourceFields.Contains(f)))
        {
            map.ReportAtKey("fields", $"rule '{ruleId}': exceptions.fields entry '{field}' is not one of {string.Join(", ", ResourceFields)}");
        }

        var bounds = new ExceptionBounds
        {
            SelfService = selfService,
            ApprovalRequired = approval == "required",
            MaxDuration = maxDuration,
            Namespaces = map.StringList("namespaces"),
            NamespaceSelector = map.Map("namespaceSelector") is { } selector ? ReadSelector(selector, ruleId) : null,
            ReasonRequired = map.Bool("requireReason") ?? true,
            TicketPattern = ticket,
            Containers = map.StringList("containers"),
            Fields = fields,
            Images = map.StringList("images"),
            DeleteExpiredAfter = deleteAfter,
        };
        map.RejectUnknownFields();
        return bounds;
    }

    private static LabelSelector ReadSelector(DocumentMap map, string ruleId)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, _, value) in map.OptionalMap("matchLabels")?.Pairs($"rule '{ruleId}': exceptions.namespaceSelector.matchLabels must map label names to values") ?? [])
        {
            labels[name] = value;
        }

        map.RejectUnknownFields();
        return new LabelSelector(labels, []);
    }
}
