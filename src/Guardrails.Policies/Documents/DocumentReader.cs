using YamlDotNet.RepresentationModel;

namespace Guardrails.Policies.Documents;

/// <summary>
/// Reads one parsed YAML (or JSON, which is YAML) document of a known file into typed values: the one reader behind
/// rule packs, rule parameters, platform settings and Environment specs. Every problem goes to the sink as it is met,
/// with file, line, column and field path, so a reader that adds errors of its own keeps them in document order.
/// </summary>
public sealed class DocumentReader
{
    private readonly Action<DocumentError> _sink;

    private readonly bool _positioned;

    /// <param name="positioned">False for a document built from parsed JSON (<see cref="JsonNodes"/>), which has no text to point into.</param>
    public DocumentReader(string file, Action<DocumentError> sink, bool positioned = true)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(sink);
        File = file;
        _sink = sink;
        _positioned = positioned;
    }

    public string File { get; }

    /// <summary>The document's root mapping, whose fields have paths from <paramref name="path"/> (empty for a whole document).</summary>
    public DocumentMap Map(YamlMappingNode root, string path = "") => new(this, root, path);

    /// <summary>Reports a problem at <paramref name="at"/> (a node of this document; null for the document as a whole).</summary>
    public void Report(YamlNode? at, string path, DocumentErrorKind kind, string message)
    {
        // Without a text behind the document there is no position; 0 says so, as PackError's line 0 does.
        var line = at is null || !_positioned ? 0 : (int)at.Start.Line;
        var column = at is null || !_positioned ? 0 : (int)at.Start.Column;
        _sink(new DocumentError(File, line, column, path, kind, message));
    }
}
