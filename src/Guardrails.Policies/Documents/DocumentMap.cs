using YamlDotNet.RepresentationModel;

namespace Guardrails.Policies.Documents;

/// <summary>
/// A cursor on one mapping of a document: typed reads of its fields, each remembered, so that the fields nobody read
/// can be refused afterwards. Every error names the field's path (<c>spec.rules[0].enabled</c>) and its position.
/// </summary>
public sealed class DocumentMap
{
    private readonly DocumentReader _reader;
    private readonly YamlMappingNode _node;
    private readonly List<string> _asked = [];

    internal DocumentMap(DocumentReader reader, YamlMappingNode node, string path)
    {
        _reader = reader;
        _node = node;
        Path = path;
    }

    public string Path { get; }

    public string File => _reader.File;

    public YamlMappingNode Node => _node;

    public int Line => YamlValues.LineOf(_node);

    public string PathOf(string name) => Path.Length == 0 ? name : $"{Path}.{name}";

    /// <summary>The field's value as written, or <c>null</c> when it is absent; the field counts as read.</summary>
    public YamlNode? Field(string name)
    {
        if (!_asked.Contains(name, StringComparer.Ordinal))
        {
            _asked.Add(name);
        }

        return YamlValues.Child(_node, name);
    }

    /// <summary>The line of the field's key, or of this mapping when the field is absent.</summary>
    public int LineOf(string name) => YamlValues.KeyLineOf(_node, name, Line);

    /// <summary>Any single value (YAML reads <c>7</c>, <c>true</c> and <c>web</c> alike); null when absent or null.</summary>
    public string? Scalar(string name)
    {
        var node = Field(name);
        if (YamlValues.IsNull(node))
        {
            return null;
        }

        if (node is YamlScalarNode scalar)
        {
            return scalar.Value;
        }

        Invalid(node, PathOf(name), "must be a single value");
        return null;
    }

    /// <summary>A string as JSON types it: <c>7</c> and <c>true</c> are refused, <c>"7"</c> is read. Null when absent or null.</summary>
    public string? String(string name)
    {
        var node = Field(name);
        if (YamlValues.IsNull(node))
        {
            return null;
        }

        if (YamlValues.KindOf(node) == ScalarKind.String)
        {
            return ((YamlScalarNode)node).Value;
        }

        Invalid(node, PathOf(name), $"must be a string, not {YamlValues.Describe(node)}");
        return null;
    }

    /// <summary>The field's string, or <c>null</c> without an error when it is absent or not a string.</summary>
    public string? StringOrNull(string name) =>
        Field(name) is YamlScalarNode scalar && YamlValues.KindOf(scalar) == ScalarKind.String ? scalar.Value : null;

    /// <summary><see cref="String"/>, with "required" when the field is absent or null.</summary>
    public string? RequiredString(string name)
    {
        if (YamlValues.IsNull(YamlValues.Child(_node, name)))
        {
            Field(name);
            Missing(name, "required");
            return null;
        }

        return String(name);
    }

    public bool? Bool(string name)
    {
        var text = Scalar(name);
        if (text is null)
        {
            return null;
        }

        if (YamlValues.TryBool(text, out var value, out _))
        {
            return value;
        }

        Invalid(Field(name), PathOf(name), $"must be true or false, not '{text}'");
        return null;
    }

    /// <summary>A nested mapping; a null or any other value is an error.</summary>
    public DocumentMap? Map(string name)
    {
        var node = Field(name);
        switch (node)
        {
            case null:
                return null;
            case YamlMappingNode mapping:
                return new DocumentMap(_reader, mapping, PathOf(name));
            default:
                Invalid(node, PathOf(name), "must be a mapping");
                return null;
        }
    }

    /// <summary>A nested mapping that may be written as null (<c>parameters:</c> with nothing under it).</summary>
    public DocumentMap? OptionalMap(string name) => IsEmpty(YamlValues.Child(_node, name)) ? Absent(name) : Map(name);

    /// <summary>A nested mapping that may be null, refused otherwise as "must be <paramref name="expected"/>, not …".</summary>
    public DocumentMap? OptionalMap(string name, string expected)
    {
        var node = Field(name);
        if (YamlValues.IsNull(node))
        {
            return null;
        }

        if (node is YamlMappingNode mapping)
        {
            return new DocumentMap(_reader, mapping, PathOf(name));
        }

        Invalid(node, PathOf(name), $"must be {expected}, not {YamlValues.Describe(node)}");
        return null;
    }

    /// <summary>A list; null when absent or null.</summary>
    public YamlSequenceNode? Sequence(string name)
    {
        var node = Field(name);
        switch (node)
        {
            case var _ when IsEmpty(node):
                return null;
            case YamlSequenceNode sequence:
                return sequence;
            default:
                Invalid(node, PathOf(name), "must be a list");
                return null;
        }
    }

    /// <summary>A list of single values; each item that is not one is an error on its own line.</summary>
    public IReadOnlyList<string> StringList(string name)
    {
        var sequence = Sequence(name);
        if (sequence is null)
        {
            return [];
        }

        var rejected = new List<YamlNode>();
        var result = YamlValues.Strings(sequence, rejected);
        foreach (var item in rejected)
        {
            Invalid(item, PathOf(name), "must be a list of strings");
        }

        return result;
    }

    /// <summary>The mappings of a list (<c>rules:</c>), each with its index in its path; other items are errors.</summary>
    public IEnumerable<DocumentMap> Maps(string name)
    {
        var sequence = Sequence(name);
        if (sequence is null)
        {
            yield break;
        }

        var index = 0;
        foreach (var item in sequence)
        {
            var path = $"{PathOf(name)}[{index}]";
            if (item is YamlMappingNode mapping)
            {
                yield return new DocumentMap(_reader, mapping, path);
            }
            else
            {
                Invalid(item, path, "must be a mapping");
            }

            index++;
        }
    }

    /// <summary>
    /// This mapping as names to single values (labels, <c>quota.hard</c>); each entry that is not one (a nested value,
    /// or an empty name where names may not be empty) is reported at its key as <paramref name="sentence"/>.
    /// </summary>
    public List<(string Name, YamlNode Key, string Value)> Pairs(string sentence, bool namesMayBeEmpty = true)
    {
        var pairs = new List<(string, YamlNode, string)>(_node.Children.Count);
        foreach (var (key, value) in _node.Children)
        {
            if (key is YamlScalarNode { Value: { } name } && (namesMayBeEmpty || name.Length > 0) && value is YamlScalarNode { Value: { } text })
            {
                pairs.Add((name, key, text));
            }
            else
            {
                Report(key, sentence);
            }
        }

        return pairs;
    }

    /// <summary>The mapping <paramref name="node"/> found under <paramref name="name"/>, read with its own path (<c>spec.teams.team-a</c>).</summary>
    public DocumentMap Nested(YamlMappingNode node, string name) => new(_reader, node, PathOf(name));

    /// <summary>Reports that the value at <paramref name="at"/> (of the field <paramref name="path"/>) is wrong: "must be …".</summary>
    public void Invalid(YamlNode? at, string path, string problem) => _reader.Report(at ?? _node, path, DocumentErrorKind.Invalid, problem);

    /// <summary>Reports that the field <paramref name="name"/> is required, at this mapping's position.</summary>
    public void Missing(string name, string problem) => _reader.Report(_node, PathOf(name), DocumentErrorKind.Missing, problem);

    /// <summary>Reports a sentence of the caller's own about this mapping, at its position.</summary>
    public void Report(string sentence) => _reader.Report(_node, Path, DocumentErrorKind.Statement, sentence);

    /// <summary>Reports a sentence of the caller's own at <paramref name="at"/>, a node of this mapping.</summary>
    public void Report(YamlNode at, string sentence) => _reader.Report(at, Path, DocumentErrorKind.Statement, sentence);

    /// <summary>Reports a sentence of the caller's own about the field <paramref name="name"/>, at its key (this mapping when absent).</summary>
    public void ReportAtKey(string name, string sentence) =>
        _reader.Report(YamlValues.Key(_node, name) ?? _node, PathOf(name), DocumentErrorKind.Statement, sentence);

    /// <summary>The keys nobody asked for, in document order.</summary>
    public IEnumerable<(string Name, YamlNode Key)> UnknownFields()
    {
        foreach (var key in _node.Children.Keys)
        {
            if (key is YamlScalarNode { Value: { } name } && !_asked.Contains(name, StringComparer.Ordinal))
            {
                yield return (name, key);
            }
        }
    }

    /// <summary>Call after reading: every field nobody asked for is an error that lists, sorted, those that were.</summary>
    public void RejectUnknownFields()
    {
        string? expected = null;
        foreach (var (name, key) in UnknownFields())
        {
            expected ??= string.Join(", ", _asked.Order(StringComparer.Ordinal));
            _reader.Report(key, PathOf(name), DocumentErrorKind.Unknown, $"(expected one of: {expected})");
        }
    }

    /// <summary>Every field not in <paramref name="known"/> is an error that lists them in the order given; may be called before reading.</summary>
    public void RejectFieldsOtherThan(IReadOnlyList<string> known)
    {
        ArgumentNullException.ThrowIfNull(known);
        foreach (var key in _node.Children.Keys)
        {
            if (key is YamlScalarNode { Value: { } name } && !known.Contains(name, StringComparer.Ordinal))
            {
                _reader.Report(key, PathOf(name), DocumentErrorKind.Unknown, $"(expected one of: {string.Join(", ", known)})");
            }
        }
    }

    /// <remarks>
    /// Lists and optional mappings have always taken a null in any quoting (<c>rules: "null"</c>) as absent; kept, so
    /// that no pack that loads today is refused.
    /// </remarks>
    private static bool IsEmpty(YamlNode? node) => node is null or YamlScalarNode { Value: null or "" or "~" or "null" };

    private DocumentMap? Absent(string name)
    {
        Field(name);
        return null;
    }
}
