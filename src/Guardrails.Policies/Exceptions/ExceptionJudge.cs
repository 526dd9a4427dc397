using System.Globalization;
using Guardrails.Policies.Rules.ImageTag;

namespace Guardrails.Policies.Exceptions;

/// <summary>
/// Judges one exception against its rule's bounds at a given moment: the same judgement at <c>kubectl apply</c> and
/// every time it is asked to cover a violation, so narrowing the bounds in the pack narrows what existing exceptions do.
/// </summary>
public static class ExceptionJudge
{
    private static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>();

    /// <param name="bounds">The rule's bounds in the enabled packs; null when it has none (no exception is allowed).</param>
    /// <param name="namespaceLabels">The exception's namespace's labels, for a tier selector; null when unknown.</param>
    public static ExceptionJudgement Judge(PolicyException exception, ExceptionBounds? bounds, IReadOnlyDictionary<string, string>? namespaceLabels, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (bounds is not { AllowsRequests: true })
        {
            return new(ExceptionState.Rejected, [$"rule '{exception.Rule}' allows no exceptions in the enabled packs"], "no exceptions: ask the platform team");
        }

        var refused = new List<string>();
        if (bounds.ReasonRequired && exception.Reason is null)
        {
            refused.Add("spec.reason is required: say why the rule must be waived");
        }

        if (bounds.TicketPattern is { } pattern && (exception.Ticket is null || !Matches(pattern, exception.Ticket)))
        {
            refused.Add(exception.Ticket is null
                ? $"spec.ticket is required, matching {pattern}"
                : $"spec.ticket '{exception.Ticket}' does not match {pattern}");
        }

        var start = exception.Created ?? now;
        if (exception.Expires <= start)
        {
            refused.Add($"spec.expires {Format(exception.Expires)} is not after {(exception.Created is null ? "now" : "its creation")} ({Format(start)})");
        }

        var beyond = new List<string>();
        if (exception.Expires - start > bounds.MaxDuration)
        {
            beyond.Add($"spec.expires {Format(exception.Expires)} is {Hours(exception.Expires - start)} away, beyond the {Hours(bounds.MaxDuration)} allowed");
        }

        if (bounds.Namespaces.Count > 0 && !bounds.Namespaces.Contains(exception.Namespace, StringComparer.Ordinal))
        {
            beyond.Add($"namespace {exception.Namespace} is not one of {string.Join(", ", bounds.Namespaces)}");
        }

        if (bounds.NamespaceSelector is { } selector && !selector.Matches(namespaceLabels ?? NoLabels))
        {
            beyond.Add($"namespace {exception.Namespace} does not carry {string.Join(",", selector.MatchLabels.Select(l => $"{l.Key}={l.Value}"))}");
        }

        if (bounds.Containers.Count > 0 && (exception.Container is null || !bounds.Containers.Any(g => Glob.IsMatch(g, exception.Container))))
        {
            beyond.Add(exception.Container is null
                ? $"spec.target.container is required, one of {string.Join(", ", bounds.Containers)}"
                : $"container '{exception.Container}' is not one of {string.Join(", ", bounds.Containers)}");
        }

        if (bounds.Fields.Count > 0 && (exception.Fields.Count == 0 || exception.Fields.Any(f => !bounds.Fields.Contains(f, StringComparer.Ordinal))))
        {
            beyond.Add(exception.Fields.Count == 0
                ? $"spec.fields is required, from {string.Join(", ", bounds.Fields)}"
                : $"spec.fields {string.Join(", ", exception.Fields.Where(f => !bounds.Fields.Contains(f, StringComparer.Ordinal)))} may not be waived (allowed: {string.Join(", ", bounds.Fields)})");
        }

        if (bounds.Images.Count > 0 && (exception.Image is null || !bounds.Images.Any(g => Glob.IsMatch(g, exception.Image) || exception.Image == g)))
        {
            beyond.Add(exception.Image is null
                ? $"spec.image is required, matching {string.Join(", ", bounds.Images)}"
                : $"image '{exception.Image}' does not match {string.Join(", ", bounds.Images)}");
        }

        var allowed = Describe(bounds);
        if (refused.Count > 0 || (beyond.Count > 0 && !bounds.ApprovalRequired))
        {
            return new(ExceptionState.Rejected, [.. refused, .. beyond], allowed);
        }

        if (now >= exception.Expires)
        {
            return new(ExceptionState.Expired, [$"expired at {Format(exception.Expires)}"], allowed);
        }

        if (exception.ApprovedBy is null && (beyond.Count > 0 || !bounds.SelfService))
        {
            return new(
                ExceptionState.PendingApproval,
                beyond.Count > 0 ? [.. beyond.Select(b => b + ": needs approval")] : [$"rule '{exception.Rule}' needs an approver for every exception"],
                allowed);
        }

        return new(ExceptionState.Active, [], allowed);
    }

    /// <summary>What the pack allows, in one line: the "what is allowed" of a refusal and of a denial's fix.</summary>
    public static string Describe(ExceptionBounds bounds)
    {
        ArgumentNullException.ThrowIfNull(bounds);
        var parts = new List<string> { $"for at most {Hours(bounds.MaxDuration)}" };
        if (bounds.Namespaces.Count > 0)
        {
            parts.Add($"in namespaces {string.Join(", ", bounds.Namespaces)}");
        }

        if (bounds.NamespaceSelector is { } selector)
        {
            parts.Add($"in namespaces labelled {string.Join(",", selector.MatchLabels.Select(l => $"{l.Key}={l.Value}"))}");
        }

        if (bounds.Containers.Count > 0)
        {
            parts.Add($"for containers {string.Join(", ", bounds.Containers)}");
        }

        if (bounds.Fields.Count > 0)
        {
            parts.Add($"waiving {string.Join(", ", bounds.Fields)}");
        }

        if (bounds.Images.Count > 0)
        {
            parts.Add($"for images {string.Join(", ", bounds.Images)}");
        }

        if (bounds.ReasonRequired)
        {
            parts.Add("with a reason");
        }

        if (bounds.TicketPattern is { } ticket)
        {
            parts.Add($"with a ticket matching {ticket}");
        }

        var who = bounds.SelfService ? "self-service" : "with approval";
        return $"{who} {string.Join(", ", parts)}{(bounds.ApprovalRequired && bounds.SelfService ? "; beyond that, with approval" : "")}";
    }

    private static bool Matches(System.Text.RegularExpressions.Regex pattern, string text)
    {
        try
        {
            return pattern.IsMatch(text);
        }
        catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
        {
            return false;
        }
    }

    private static string Hours(TimeSpan span) =>
        span.TotalHours >= 1 && span.Minutes == 0 && span.Seconds == 0
            ? $"{(long)span.TotalHours}h"
            : span.TotalMinutes >= 1 && span.Seconds == 0 ? $"{(long)span.TotalMinutes}m" : $"{(long)span.TotalSeconds}s";

    private static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
