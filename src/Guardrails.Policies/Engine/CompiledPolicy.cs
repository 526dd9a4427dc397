using System.Text.Json;
using System.Text.Json.Nodes;
using Guardrails.Policies.Engine.Updates;
using Guardrails.Policies.Packs;
using Guardrails.Policies.Patching;
using Guardrails.Policies.Resources;

namespace Guardrails.Policies.Engine;

/// <summary>
/// The packs compiled into, per kind, the ordered rules that apply to it with their modes and scopes bound.
/// Immutable: evaluate from any number of threads at once.
/// </summary>
public sealed class CompiledPolicy
{
    private readonly RuleBinding[][] _byKind;
    private readonly UpdateJudgement _updates;

    internal CompiledPolicy(IReadOnlyList<RulePack> packs, RuleBinding[][] byKind)
    {
        Packs = packs;
        _byKind = byKind;
        _updates = new UpdateJudgement(EvaluateCore);
    }

    public IReadOnlyList<RulePack> Packs { get; }

    /// <summary>Rule ids bound for a kind, in evaluation order, for people and tests to inspect.</summary>
    public IReadOnlyList<string> RulesFor(WorkloadKind kind) => _byKind[kind.Ordinal].Select(b => b.Rule.Id).ToArray();

    /// <summary>
    /// Judges one object. On UPDATE the old object is judged too, and what it already violated on fields the update
    /// leaves alone warns instead of denying (<see cref="UpdateJudgement"/>).
    /// </summary>
    /// <exception cref="InvalidObjectException">
    /// An object of a pod-bearing kind has no pod spec where its kind keeps it, or holds text that cannot be decoded.
    /// </exception>
    public Verdict Evaluate(EvaluationRequest request, EvaluationMode mode = EvaluationMode.Validate)
    {
        try
        {
            return request.Operation == AdmissionOperation.Update ? _updates.Evaluate(request, mode) : EvaluateCore(request, mode);
        }
        catch (InvalidOperationException ex)
        {
            // System.Text.Json reports undecodable text (a lone escaped surrogate) this way, when it is read.
            throw new InvalidObjectException($"the object holds text that is not valid Unicode: {ex.Message}", ex);
        }
    }

    private Verdict EvaluateCore(EvaluationRequest request, EvaluationMode mode)
    {
        var metadata = request.Object.Child("metadata"u8);
        var name = request.Name ?? metadata.Child("name"u8).AsString() ?? request.OldObject.Child("metadata"u8).Child("name"u8).AsString();
        var ns = request.Namespace ?? metadata.Child("namespace"u8).AsString() ?? "default";

        if (ScaleEvaluation.Applies(request))
        {
            return ScaleEvaluation.Evaluate(request, ns, name, k => _byKind[k.Ordinal]);
        }

        var kind = WorkloadKind.Find(request.Group, request.Kind);
        if (kind is null)
        {
            return Verdict.Skipped(request.Kind, ns, name, $"{request.Kind} has no pod template: no rule applies to it");
        }

        if (request.Operation is AdmissionOperation.Delete or AdmissionOperation.Connect)
        {
            return Verdict.Skipped(kind.Kind, ns, name, $"{request.Operation.ToString().ToUpperInvariant()} is not checked");
        }

        if (!WorkloadReader.TryRead(kind, request.Object, out var workload))
        {
            throw new InvalidObjectException($"{kind.Kind} '{name}' has no pod spec at {kind.PodSpecPath}");
        }

        if (WorkloadValidator.Problem(workload!) is { } problem)
        {
            throw new InvalidObjectException($"{kind.Kind} '{name}' is invalid: {problem}");
        }

        var bindings = _byKind[kind.Ordinal];
        var patch = JsonPatch.Empty;
        JsonDocument? patched = null;
        try
        {
            if (mode == EvaluationMode.MutateThenValidate)
            {
                patch = ProposeDefaults(request, workload!, ns, bindings);
                if (!patch.IsEmpty)
                {
                    patched = JsonSerializer.SerializeToDocument(patch.Apply(JsonNode.Parse(request.Object.GetRawText())), PatchJsonContext.Default.JsonNode);
                    WorkloadReader.TryRead(kind, patched.RootElement, out workload);
                }
            }

            var context = new RuleContext(request, workload!, ns);
            var inScope = false;
            foreach (var binding in bindings)
            {
                if (!binding.Scope.Matches(ns, request.Cluster))
                {
                    continue;
                }

                inScope = true;
                context.Begin(binding);
                RunGuarded(context, binding);
            }

            return inScope
                ? new Verdict(kind.Kind, ns, name, context.Violations, patch, null, context.Claims)
                : Verdict.Skipped(kind.Kind, ns, name, $"no enabled rule applies in namespace {ns}");
        }
        finally
        {
            patched?.Dispose();
        }
    }

    /// <summary>
    /// A rule that throws must not take the webhook down, nor silently allow: it becomes a violation in the rule's
    /// own mode, so an Enforce rule that cannot decide denies and says why.
    /// </summary>
    private static void RunGuarded(RuleContext context, RuleBinding binding)
    {
        try
        {
            binding.Rule.Check(context);
        }
        catch (Exception ex) when (ex is not InvalidObjectException)
        {
            context.Report(
                context.Workload.Kind.PodSpecPath,
                "(not evaluated)",
                $"rule {binding.Rule.Id} could not evaluate this object: {ex.Message}",
                "check the values this rule reads; if they are valid, report this to the platform team");
        }
    }

    private static JsonPatch ProposeDefaults(EvaluationRequest request, Workload workload, string ns, RuleBinding[] bindings)
    {
        PatchBuilder? builder = null;
        var context = new RuleContext(request, workload, ns);
        foreach (var binding in bindings)
        {
            if (binding.Rule.Mutates && binding.Scope.Matches(ns, request.Cluster))
            {
                context.Begin(binding);
                binding.Rule.Mutate(context, builder ??= new PatchBuilder());
            }
        }

        return builder?.Build() ?? JsonPatch.Empty;
    }
}
