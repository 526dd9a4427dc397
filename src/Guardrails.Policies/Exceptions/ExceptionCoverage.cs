using System.Text.Json;
using Guardrails.Policies.Engine;
using Guardrails.Policies.Resources;
using Guardrails.Policies.Rules.ImageTag;

namespace Guardrails.Policies.Exceptions;

/// <summary>
/// After the rules have spoken: a denying violation an active exception covers becomes a warning naming it, and one
/// none covers, of a rule whose bounds allow exceptions, says in its fix how to ask for one. Judged at
/// <see cref="EvaluationRequest.Now"/>, so an exception stops covering at the second it expires.
/// </summary>
internal static class ExceptionCoverage
{
    public static Verdict Apply(Verdict verdict, EvaluationRequest request, Func<string, string, ExceptionBounds?> boundsOf)
    {
        if (verdict.Allowed || verdict.SkippedBecause is not null)
        {
            return verdict;
        }

        var ns = verdict.Namespace ?? "default";
        ObjectFacts? facts = null;
        Violation[]? changed = null;
        var violations = verdict.Violations;
        for (var i = 0; i < violations.Count; i++)
        {
            var violation = violations[i];
            if (violation.Mode != EnforcementMode.Enforce)
            {
                continue;
            }

            var bounds = boundsOf(violation.Pack, violation.RuleId);
            if (bounds is not { AllowsRequests: true })
            {
                continue;
            }

            var candidates = request.Now is null ? [] : request.Exceptions.For(ns, violation.RuleId);
            Violation? replacement = null;
            foreach (var exception in candidates)
            {
                facts ??= ObjectFacts.Read(request, verdict.Kind, verdict.Name);
                if (!Targets(exception, facts, request, ns) || !CoversField(exception, violation, facts))
                {
                    continue;
                }

                if (ExceptionJudge.Judge(exception, bounds, request.Cluster.GetNamespace(ns)?.Labels, request.Now!.Value).Covers)
                {
                    replacement = violation with { Mode = EnforcementMode.Warn, CoveredBy = exception };
                    break;
                }
            }

            facts ??= ObjectFacts.Read(request, verdict.Kind, verdict.Name);
            replacement ??= violation with { Fix = violation.Fix + "; " + HowToAsk(violation, bounds, ns, facts) };
            changed ??= [.. violations];
            changed[i] = replacement;
        }

        return changed is null ? verdict : verdict.WithViolations(changed);
    }

    /// <summary>One <c>kubectl apply</c> away: the rule, the target and what the pack allows.</summary>
    private static string HowToAsk(Violation violation, ExceptionBounds bounds, string ns, ObjectFacts facts)
    {
        var container = facts.ContainerOf(violation.Path) is { } c ? $", container: {c.Name}" : "";
        var fields = violation.RuleId == "resource-requirements" && FieldOf(violation.Path) is { } field ? $", fields: [{field}]" : "";
        return $"or waive it for a while ({ExceptionJudge.Describe(bounds)}): kubectl apply -n {ns} a {PolicyException.ApiVersion} PolicyException with "
            + $"spec: {{rule: {violation.RuleId}, target: {{kind: {facts.Kind}, name: {facts.Name}{container}}}{fields}, reason: ..., expires: <RFC 3339 time>}}";
    }

    private static bool Targets(PolicyException exception, ObjectFacts facts, EvaluationRequest request, string ns)
    {
        if (exception.TargetSelector is { } selector)
        {
            return selector.Matches(facts.Labels) || (facts.PodLabels is { } pod && selector.Matches(pod));
        }

        if (exception.TargetKind == facts.Kind && exception.TargetName == facts.Name)
        {
            return true;
        }

        // What a controller creates for the target (its ReplicaSets and their Pods, a CronJob's Jobs) is covered too:
        // otherwise the Deployment would be admitted and every Pod it asks for denied.
        if (facts.Owner is not { } owner)
        {
            return false;
        }

        if (exception.TargetKind == owner.Kind && exception.TargetName == owner.Name)
        {
            return true;
        }

        return request.Cluster.GetWorkload(ns, owner.Uid)?.Controller is { } grandparent
            && exception.TargetKind == grandparent.Kind && exception.TargetName == grandparent.Name;
    }

    private static bool CoversField(PolicyException exception, Violation violation, ObjectFacts facts)
    {
        var container = facts.ContainerOf(violation.Path);
        if (exception.Container is { } name && container?.Name != name)
        {
            return false;
        }

        if (exception.Fields.Count > 0 && (FieldOf(violation.Path) is not { } field || !exception.Fields.Contains(field, StringComparer.Ordinal)))
        {
            return false;
        }

        if (exception.Image is { } image)
        {
            var actual = container?.Image ?? violation.Actual;
            return actual is not null && (actual == image || Glob.IsMatch(image, actual));
        }

        return true;
    }

    private static string? FieldOf(string path)
    {
        var at = path.LastIndexOf(".resources.", StringComparison.Ordinal);
        return at < 0 ? null : path[(at + ".resources.".Length)..];
    }

    private sealed record ContainerFacts(string Path, string Name, string? Image);

    private sealed record OwnerFacts(string Kind, string Name, string Uid);

    /// <summary>What matching needs from the object, read once per verdict and only when an exception might apply.</summary>
    private sealed class ObjectFacts
    {
        private static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>();

        public required string Kind { get; init; }

        public required string Name { get; init; }

        public IReadOnlyDictionary<string, string> Labels { get; init; } = NoLabels;

        public IReadOnlyDictionary<string, string>? PodLabels { get; init; }

        public OwnerFacts? Owner { get; init; }

        public IReadOnlyList<ContainerFacts> Containers { get; init; } = [];

        public ContainerFacts? ContainerOf(string path)
        {
            foreach (var container in Containers)
            {
                if (path.StartsWith(container.Path, StringComparison.Ordinal)
                    && (path.Length == container.Path.Length || path[container.Path.Length] == '.'))
                {
                    return container;
                }
            }

            return null;
        }

        public static ObjectFacts Read(EvaluationRequest request, string kind, string? name)
        {
            var root = request.Object.IsPresent() ? request.Object : request.OldObject;
            var metadata = root.Child("metadata"u8);
            OwnerFacts? owner = null;
            if (metadata.Child("ownerReferences"u8) is { ValueKind: JsonValueKind.Array } owners)
            {
                foreach (var reference in owners.EnumerateArray())
                {
                    if (reference.Child("controller"u8).AsBool() == true)
                    {
                        owner = new OwnerFacts(reference.Child("kind"u8).AsString() ?? "", reference.Child("name"u8).AsString() ?? "", reference.Child("uid"u8).AsString() ?? "");
                    }
                }
            }

            var containers = new List<ContainerFacts>();
            IReadOnlyDictionary<string, string>? podLabels = null;
            if (WorkloadKind.Find(request.Group, request.Kind) is { } workloadKind && WorkloadReader.TryRead(workloadKind, root, out var workload))
            {
                foreach (var container in workload!.Containers())
                {
                    containers.Add(new ContainerFacts(container.Path, container.Name, container.Element.Child("image"u8).AsString()));
                }

                var templatePath = workloadKind.PodSpecPath.Split('.')[..^1];
                var template = root;
                foreach (var step in templatePath)
                {
                    template = template.Child(step);
                }

                podLabels = LabelsOf(template.Child("metadata"u8));
            }

            return new ObjectFacts
            {
                Kind = kind,
                Name = name ?? "",
                Labels = LabelsOf(metadata),
                PodLabels = podLabels,
                Owner = owner,
                Containers = containers,
            };
        }

        private static Dictionary<string, string> LabelsOf(JsonElement metadata)
        {
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            if (metadata.Child("labels"u8) is { ValueKind: JsonValueKind.Object } found)
            {
                foreach (var label in found.EnumerateObject())
                {
                    labels[label.Name] = label.Value.Display();
                }
            }

            return labels;
        }
    }
}
