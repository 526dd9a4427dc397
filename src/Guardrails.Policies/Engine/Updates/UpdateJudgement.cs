using System.Text.Json;
using System.Text.Json.Nodes;
using Guardrails.Policies.Patching;
using Guardrails.Policies.Resources;

namespace Guardrails.Policies.Engine.Updates;

/// <summary>
/// How an UPDATE is judged: the rules run over the new object and over the old one, and a violation the old object
/// already had — same rule, same field, same value, on a field the update leaves as it was — no longer denies: it
/// is kept as a warning and an audit annotation. Anything the update introduces or worsens is judged as on CREATE.
/// Built around the per-object evaluation rather than inside any rule, so every rule gets it the same way.
/// </summary>
internal sealed class UpdateJudgement
{
    private readonly Func<EvaluationRequest, EvaluationMode, Verdict> _evaluate;

    /// <param name="evaluate">The per-object evaluation, applied to the new and the old object alike.</param>
    public UpdateJudgement(Func<EvaluationRequest, EvaluationMode, Verdict> evaluate)
    {
        _evaluate = evaluate;
    }

    public Verdict Evaluate(EvaluationRequest request, EvaluationMode mode)
    {
        if (IsBeingDeleted(request))
        {
            var metadata = request.Object.Child("metadata"u8);
            return Verdict.Skipped(
                request.Kind,
                request.Namespace ?? metadata.Child("namespace"u8).AsString() ?? "default",
                request.Name ?? metadata.Child("name"u8).AsString(),
                "the object is being deleted (metadata.deletionTimestamp is set): its finalizers and metadata may change, and no rule denies that");
        }

        var old = request.OldObject.ValueKind == JsonValueKind.Object ? request with { Object = request.OldObject } : null;
        return mode == EvaluationMode.MutateThenValidate
            ? MutateThenValidate(request, old)
            : Compare(request, _evaluate(request, EvaluationMode.Validate), old);
    }

    /// <summary>
    /// Only an update's own defaults: a default the old object would have been given too belongs to a field the
    /// update does not touch, and patching it would roll out a Deployment on a label change, or be refused outright
    /// on a Pod, whose spec is immutable.
    /// </summary>
    private Verdict MutateThenValidate(EvaluationRequest request, EvaluationRequest? old)
    {
        var proposed = _evaluate(request, EvaluationMode.MutateThenValidate);
        if (proposed.Patch.IsEmpty || proposed.SkippedBecause is not null)
        {
            return Compare(request, proposed, old);
        }

        var patch = OwnDefaults(request, proposed.Patch, old);
        if (patch.IsEmpty)
        {
            return Compare(request, _evaluate(request, EvaluationMode.Validate), old);
        }

        using var patched = JsonSerializer.SerializeToDocument(patch.Apply(JsonNode.Parse(request.Object.GetRawText())), PatchJsonContext.Default.JsonNode);
        var judged = request with { Object = patched.RootElement };
        var verdict = patch.Operations.Count == proposed.Patch.Operations.Count ? proposed : _evaluate(judged, EvaluationMode.Validate);
        var compared = Compare(judged, verdict, old);
        return new Verdict(compared.Kind, compared.Namespace, compared.Name, compared.Violations, patch, compared.SkippedBecause, compared.Claims);
    }

    private JsonPatch OwnDefaults(EvaluationRequest request, JsonPatch proposed, EvaluationRequest? old)
    {
        var kind = WorkloadKind.Find(request.Group, request.Kind);
        var template = TemplateOf(kind);
        var templateChanged = old is not null && template is not null && !SameValue(template.Resolve(request.Object), template.Resolve(old.Object));
        HashSet<string>? before = null;
        if (old is not null && TryEvaluate(old, EvaluationMode.MutateThenValidate) is { } oldVerdict)
        {
            before = oldVerdict.Patch.Operations.Select(o => Key(o, old.Object)).ToHashSet(StringComparer.Ordinal);
        }

        var kept = new List<PatchOperation>(proposed.Operations.Count);
        foreach (var operation in proposed.Operations)
        {
            var path = FieldPath.FromPointer(operation.Path);
            if (kind == WorkloadKind.Pod && !PodUpdateFields.IsMutable(path))
            {
                continue;
            }

            var rolledOut = templateChanged && path.StartsWith(template!);
            if (!rolledOut && before is not null && before.Contains(Key(operation, request.Object)))
            {
                continue;
            }

            kept.Add(operation);
        }

        return kept.Count == proposed.Operations.Count ? proposed : new JsonPatch(kept);
    }

    private Verdict Compare(EvaluationRequest request, Verdict verdict, EvaluationRequest? old)
    {
        if (verdict.SkippedBecause is not null || verdict.Allowed)
        {
            return verdict;
        }

        var kind = WorkloadKind.Find(request.Group, request.Kind);
        var before = old is null ? null : TryEvaluate(old, EvaluationMode.Validate);
        var template = TemplateOf(kind);
        var templateChanged = old is not null && template is not null && !SameValue(template.Resolve(request.Object), template.Resolve(old.Object));

        var earlier = before is null ? null : Index(before);
        var violations = new List<Violation>(verdict.Violations.Count);
        var changed = false;
        foreach (var violation in verdict.Violations)
        {
            if (violation.Mode == EnforcementMode.Enforce && FieldPath.FromDotted(violation.Path) is { } path)
            {
                var preExisting = kind == WorkloadKind.Pod && !PodUpdateFields.IsMutable(path)
                    || (earlier is not null && !(templateChanged && path.StartsWith(template!)) && WasThere(violation, path, request.Object, earlier, old!.Object));
                if (preExisting)
                {
                    violations.Add(violation with { Mode = EnforcementMode.Warn, PreExisting = true });
                    changed = true;
                    continue;
                }
            }

            violations.Add(violation);
        }

        return changed
            ? new Verdict(verdict.Kind, verdict.Namespace, verdict.Name, violations, verdict.Patch, null, verdict.Claims)
            : verdict;
    }

    /// <summary>The old object's violations by rule and value, so each new one is compared only with its likes.</summary>
    private static Dictionary<(string Rule, string Actual), List<(string Text, FieldPath Path)>> Index(Verdict before)
    {
        var index = new Dictionary<(string Rule, string Actual), List<(string, FieldPath)>>(before.Violations.Count);
        foreach (var violation in before.Violations)
        {
            if (FieldPath.FromDotted(violation.Path) is { } path)
            {
                if (!index.TryGetValue((violation.RuleId, violation.Actual), out var paths))
                {
                    index[(violation.RuleId, violation.Actual)] = paths = [];
                }

                paths.Add((violation.Path, path));
            }
        }

        return index;
    }

    /// <summary>The old object had the same violation, on the same field (list items matched by name), holding the same value.</summary>
    private static bool WasThere(Violation violation, FieldPath path, JsonElement current, Dictionary<(string Rule, string Actual), List<(string Text, FieldPath Path)>> earlier, JsonElement previous)
    {
        if (!earlier.TryGetValue((violation.RuleId, violation.Actual), out var candidates))
        {
            return false;
        }

        // Walking both objects is the cost here; the same path text is the usual match, so it is tried first.
        foreach (var (text, oldPath) in candidates)
        {
            if (text == violation.Path && Same(path, current, oldPath, previous))
            {
                return true;
            }
        }

        foreach (var (text, oldPath) in candidates)
        {
            if (text != violation.Path && Same(path, current, oldPath, previous))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Same(FieldPath path, JsonElement current, FieldPath oldPath, JsonElement previous) =>
        path.SameFieldAndValue(current, oldPath, previous);

    /// <summary>
    /// Deleting objects are never denied, so that finalizers can be removed and owners, labels and namespaces can be
    /// cleaned up. Only an object the apiserver already marked counts: an update can neither set nor clear the mark.
    /// </summary>
    private static bool IsBeingDeleted(EvaluationRequest request) =>
        request.Object.Child("metadata"u8).Child("deletionTimestamp"u8).IsPresent()
        && request.OldObject.Child("metadata"u8).Child("deletionTimestamp"u8).IsPresent();

    /// <summary>
    /// A workload's pod template: changing it rolls out new pods, which are new objects and are judged as such,
    /// whatever the old template held. Null for kinds that create no pods from a template (a Pod itself, PodTemplate).
    /// </summary>
    private static FieldPath? TemplateOf(WorkloadKind? kind) =>
        kind is null || kind == WorkloadKind.Pod || kind.Replicas == ReplicaSource.None
            ? null
            : FieldPath.Of(kind.PodSpecSegments[..^1]);

    private Verdict? TryEvaluate(EvaluationRequest request, EvaluationMode mode)
    {
        try
        {
            return _evaluate(request, mode);
        }
        catch (InvalidObjectException)
        {
            // An old object that cannot be read proves nothing pre-existing: the update is judged on its own.
            return null;
        }
    }

    private static string Key(PatchOperation operation, JsonElement root) =>
        $"{operation.Op} {FieldPath.FromPointer(operation.Path).Identity(root)} {operation.Value?.ToJsonString()}";

    private static bool SameValue(JsonElement a, JsonElement b) =>
        a.ValueKind == JsonValueKind.Undefined || b.ValueKind == JsonValueKind.Undefined
            ? a.ValueKind == b.ValueKind
            : JsonElement.DeepEquals(a, b);
}
