using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Nodes;
using Guardrails.Policies.Authoring;
using Guardrails.Policies.Engine.Updates;
using Guardrails.Policies.Packs;
using Guardrails.Policies.Patching;
using Guardrails.Policies.Resources;
using Guardrails.Policies.Rules;

namespace Guardrails.Policies.Engine;

/// <summary>
/// The packs compiled into, per kind, the ordered rules that apply to it with their modes and scopes bound.
/// Immutable: evaluate from any number of threads at once.
/// </summary>
public sealed class CompiledPolicy
{
    private static readonly RuleBinding[] NoBindings = [];

    private readonly RuleBinding[][] _byKind;
    private readonly RuleBinding[] _all;
    private readonly UpdateJudgement _updates;
    private readonly FrozenDictionary<(string Pack, string Rule), Exceptions.ExceptionBounds> _exceptionBounds;
    private readonly Func<string, string, Exceptions.ExceptionBounds?> _boundsOf;

    // Kinds without a pod template are open-ended (any CRD), so their rule lists are found on first sight, not up front.
    private readonly ConcurrentDictionary<(string Group, string Kind), RuleBinding[]> _otherKinds = new();

    internal CompiledPolicy(IReadOnlyList<RulePack> packs, RuleBinding[] bindings, object? ruleCode = null)
    {
        Packs = packs;
        _all = bindings;
        _byKind = WorkloadKind.All
            .Select(kind => bindings.Where(b => b.Match.MatchesKind(kind.Group, kind.Kind)).ToArray())
            .ToArray();
        RuleCode = ruleCode;
        _updates = new UpdateJudgement(EvaluateCore);
        _exceptionBounds = bindings
            .Where(b => b.Exceptions is not null)
            .GroupBy(b => (b.Pack, b.Rule.Id))
            .ToFrozenDictionary(g => g.Key, g => g.First().Exceptions!);
        _boundsOf = (pack, rule) => _exceptionBounds.GetValueOrDefault((pack, rule));
    }

    public IReadOnlyList<RulePack> Packs { get; }

    /// <summary>The enabled rules' matches, for registering the webhooks for exactly what they judge.</summary>
    public IReadOnlyList<Match> Matches => _all.Select(b => b.Match).ToArray();

    /// <summary>The matches of the enabled rules that propose defaults (none: no mutating webhook is needed).</summary>
    public IReadOnlyList<Match> MutatingMatches => _all.Where(b => b.Mutates).Select(b => b.Match).ToArray();

    /// <summary>Whether an enabled rule judges replica changes made without a template (<c>*/scale</c>, HPAs).</summary>
    public bool JudgesReplicaChanges => _all.Any(b => b.Rule is IScaleRule);

    /// <summary>Whether any enabled rule lets developers ask for exceptions: then PolicyExceptions are judged at admission.</summary>
    public bool AllowsExceptions => _exceptionBounds.Values.Any(b => b.AllowsRequests);

    /// <summary>
    /// The bounds an exception to <paramref name="ruleId"/> is judged by: those of the first enabled pack that gives
    /// the rule any; null when none does (no exception to it is allowed).
    /// </summary>
    public Exceptions.ExceptionBounds? ExceptionBoundsFor(string ruleId) =>
        _all.FirstOrDefault(b => b.Rule.Id == ruleId && b.Exceptions is not null)?.Exceptions;

    /// <summary>The compiled rule files this policy runs; held so their code stays loaded exactly as long as the policy.</summary>
    internal object? RuleCode { get; }

    /// <summary>Rule ids bound for a kind, in evaluation order, for people and tests to inspect.</summary>
    public IReadOnlyList<string> RulesFor(WorkloadKind kind) => _byKind[kind.Ordinal].Select(b => b.Rule.Id).ToArray();

    /// <summary>Rule ids bound for any group and kind, in evaluation order.</summary>
    public IReadOnlyList<string> RulesFor(string group, string kind) => BindingsFor(group, kind).Select(b => b.Rule.Id).ToArray();

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
            var verdict = request.Operation == AdmissionOperation.Update ? _updates.Evaluate(request, mode) : EvaluateCore(request, mode);
            return _exceptionBounds.Count == 0 ? verdict : Exceptions.ExceptionCoverage.Apply(verdict, request, _boundsOf);
        }
        catch (InvalidOperationException ex)
        {
            // System.Text.Json reports undecodable text (a lone escaped surrogate) this way, when it is read.
            throw new InvalidObjectException($"the object holds text that is not valid Unicode: {ex.Message}", ex);
        }
    }

    private RuleBinding[] BindingsFor(string group, string kind) =>
        WorkloadKind.Find(group, kind) is { } workloadKind
            ? _byKind[workloadKind.Ordinal]
            : _otherKinds.GetOrAdd((group, kind), static (key, all) => Filter(all, key.Group, key.Kind), _all);

    private static RuleBinding[] Filter(RuleBinding[] all, string group, string kind)
    {
        var matching = all.Where(b => b.Match.MatchesKind(group, kind)).ToArray();
        return matching.Length == 0 ? NoBindings : matching;
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
        var bindings = BindingsFor(request.Group, request.Kind);
        if (kind is null && bindings.Length == 0)
        {
            return Verdict.Skipped(request.Kind, ns, name, $"{request.Kind} has no pod template: no rule applies to it");
        }

        var kindName = kind?.Kind ?? request.Kind;
        if (!AnyMatches(bindings, request.Operation) && (bindings.Length > 0 || request.Operation is AdmissionOperation.Delete or AdmissionOperation.Connect))
        {
            return Verdict.Skipped(kindName, ns, name, $"{request.Operation.ToString().ToUpperInvariant()} is not checked");
        }

        Workload? workload = null;
        if (kind is not null && request.Operation is not AdmissionOperation.Delete and not AdmissionOperation.Connect
            && !WorkloadReader.TryRead(kind, request.Object, out workload))
        {
            throw new InvalidObjectException($"{kind.Kind} '{name}' has no pod spec at {kind.PodSpecPath}");
        }

        if (workload is not null && WorkloadValidator.Problem(workload) is { } invalid)
        {
            throw new InvalidObjectException($"{kind!.Kind} '{name}' is invalid: {invalid}");
        }

        var patch = JsonPatch.Empty;
        JsonDocument? patched = null;
        try
        {
            var judged = request;
            List<(RuleBinding Binding, string Problem)>? failedMutations = null;
            if (mode == EvaluationMode.MutateThenValidate)
            {
                patch = ProposeDefaults(request, workload, ns, bindings, ref failedMutations);
                if (!patch.IsEmpty)
                {
                    patched = JsonSerializer.SerializeToDocument(patch.Apply(JsonNode.Parse(request.Object.GetRawText())), PatchJsonContext.Default.JsonNode);
                    judged = request with { Object = patched.RootElement };
                    if (kind is not null)
                    {
                        WorkloadReader.TryRead(kind, patched.RootElement, out workload);
                    }
                }
            }

            var context = new RuleContext(judged, workload, ns);
            var inScope = false;
            foreach (var binding in bindings)
            {
                if (!binding.Match.MatchesOperation(request.Operation) || !binding.Scope.Matches(ns, request.Cluster))
                {
                    continue;
                }

                inScope = true;
                context.Begin(binding);
                RunGuarded(context, binding, static (rule, c) => rule.Check(c));
            }

            foreach (var (binding, problem) in failedMutations ?? [])
            {
                context.Begin(binding);
                ReportFailure(context, binding, problem);
            }

            return inScope
                ? new Verdict(kindName, ns, name, context.Violations, patch, null, context.Claims)
                : Verdict.Skipped(kindName, ns, name, $"no enabled rule applies in namespace {ns}");
        }
        finally
        {
            patched?.Dispose();
        }
    }

    private static bool AnyMatches(RuleBinding[] bindings, AdmissionOperation operation)
    {
        foreach (var binding in bindings)
        {
            if (binding.Match.MatchesOperation(operation))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A rule that throws, or runs past its budget, must not take the webhook down, nor silently allow: it becomes a
    /// violation in the rule's own mode, so an Enforce rule that cannot decide denies and says why.
    /// </summary>
    private static void RunGuarded(RuleContext context, RuleBinding binding, Action<Rule, RuleContext> run)
    {
        if (Attempt(context, binding, run) is { } problem)
        {
            ReportFailure(context, binding, problem);
        }
    }

    /// <returns>Null when the rule finished; otherwise what went wrong, in words.</returns>
    private static string? Attempt(RuleContext context, RuleBinding binding, Action<Rule, RuleContext> run)
    {
        var previous = binding.Budget is { } budget ? RuleBudget.Start(budget) : default;
        try
        {
            run(binding.Rule, context);
            return null;
        }
        catch (RuleBudgetExceededException ex)
        {
            return ex.Message;
        }
        catch (Exception ex) when (ex is not InvalidObjectException)
        {
            return $"could not evaluate this object: {ex.Message}";
        }
        finally
        {
            if (binding.Budget is not null)
            {
                RuleBudget.Restore(previous);
            }
        }
    }

    private static void ReportFailure(RuleContext context, RuleBinding binding, string problem) =>
        context.Report(
            context.HasWorkload ? context.Workload.Kind.PodSpecPath : "metadata",
            "(not evaluated)",
            $"rule {binding.Rule.Id} {problem}",
            problem.StartsWith("could not", StringComparison.Ordinal)
                ? "check the values this rule reads; if they are valid, report this to the platform team"
                : "the rule's code must finish sooner: report this to the platform team (a rule sets its own budget)");

    private static JsonPatch ProposeDefaults(EvaluationRequest request, Workload? workload, string ns, RuleBinding[] bindings, ref List<(RuleBinding, string)>? failed)
    {
        PatchBuilder? builder = null;
        var context = new RuleContext(request, workload, ns);
        foreach (var binding in bindings)
        {
            if (binding.Mutates && binding.Match.MatchesOperation(request.Operation) && binding.Scope.Matches(ns, request.Cluster))
            {
                // Each rule's defaults are kept only if it finished: half a patch from a rule stopped midway is never applied.
                var own = new PatchBuilder();
                context.Begin(binding);
                if (Attempt(context, binding, (rule, c) => rule.Mutate(c, own)) is { } problem)
                {
                    (failed ??= []).Add((binding, problem));
                    continue;
                }

                (builder ??= new PatchBuilder()).AddRange(own);
            }
        }

        return builder?.Build() ?? JsonPatch.Empty;
    }
}
