using System.Text.Json;
using Guardrails.Policies.State;

namespace Guardrails.Policies.Engine;

/// <summary>What the engine judges: an object (and on UPDATE its previous state) with the admission context around it.</summary>
public sealed record EvaluationRequest
{
    /// <summary>API group of the object's kind; "" for the core group.</summary>
    public required string Group { get; init; }

    public required string Kind { get; init; }

    public AdmissionOperation Operation { get; init; } = AdmissionOperation.Create;

    /// <summary>Namespace of the request; falls back to the object's own, then <c>default</c>.</summary>
    public string? Namespace { get; init; }

    public string? Name { get; init; }

    public string? SubResource { get; init; }

    public JsonElement Object { get; init; }

    /// <summary>The object before an UPDATE; Undefined otherwise.</summary>
    public JsonElement OldObject { get; init; }

    public IClusterSnapshot Cluster { get; init; } = ClusterSnapshot.Empty;

    /// <summary>The PolicyExceptions that may cover this object's violations (the host's watch cache, a file, the request body).</summary>
    public Exceptions.ExceptionIndex Exceptions { get; init; } = Guardrails.Policies.Exceptions.ExceptionIndex.Empty;

    /// <summary>
    /// The moment the request is judged at, set by the host from its clock: the engine has none, so an exception
    /// stops covering exactly when this passes its expiry. Null: no exception covers anything.
    /// </summary>
    public DateTimeOffset? Now { get; init; }
}
