namespace Guardrails.Policies.Resources;

/// <summary>
/// What the readers accept at most, named in every refusal. No real Kubernetes object comes near these; they exist
/// so that hostile input (deep nesting, alias bombs, thousands of documents) is refused before any recursive work.
/// </summary>
public static class ReadLimits
{
    /// <summary>Nesting of mappings and sequences, as for the AdmissionReview reader (the object sits 3 levels down).</summary>
    public const int MaxDepth = 128;

    /// <summary>
    /// Documents (or <c>List</c> items) in one input that is read whole and kept in memory: a dry-run request body,
    /// <c>check --old</c> and <c>--quota</c> files.
    /// </summary>
    public const int MaxDocuments = 1000;

    /// <summary>
    /// Documents in one file <c>guardrails check</c> reads one at a time: judged and written as they stream, so memory
    /// is bounded per document; the cap only stops a runaway input.
    /// </summary>
    public const int MaxStreamedDocuments = 1_000_000;

    /// <summary>Nodes of one document after YAML aliases are expanded ("billion laughs").</summary>
    public const int MaxNodes = 1_000_000;

    /// <summary>Past this many expanded nodes, aliases may multiply the written nodes at most <see cref="MaxAliasRatio"/> times.</summary>
    public const int MaxAliasExpandedNodes = 50_000;

    public const int MaxAliasRatio = 10;

    /// <summary>Bytes of one document as JSON after YAML aliases are expanded.</summary>
    public const int MaxExpandedBytes = 32 * 1024 * 1024;
}
