using Guardrails.Policies.Documents;
using YamlDotNet.RepresentationModel;

namespace Guardrails.Policies.Packs;

/// <summary>
/// Reads one YAML mapping of a Guardrails file (a pack, the platform settings), recording type errors and keys nobody
/// asked for, with their lines.
/// </summary>
public sealed class YamlMap
{
    private readonly YamlMappingNode _node;
    private readonly string _file;
    private readonly string _where;
    private readonly List<PackError> _errors;
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);

    public YamlMap(YamlMappingNode node, string file, string where, List<PackError> errors)
    {
        _node = node;
        _file = file;
        _where = where;
        _errors = errors;
    }

    public int Line => YamlValues.LineOf(_node);

    public YamlNode? Node(string key)
    {
        _known.Add(key);
        return YamlValues.Child(_node, key);
    }

    public int LineOf(string key) => YamlValues.KeyLineOf(_node, key, Line);

    public string? String(string key)
    {
        var node = Node(key);
        if (YamlValues.IsNull(node))
        {
            return null;
        }

        if (node is YamlScalarNode scalar)
        {
            return scalar.Value;
        }

        Error(node, $"{_where}.{key} must be a single value");
        return null;
    }

    public bool? Bool(string key)
    {
        var text = String(key);
        if (text is null)
        {
            return null;
        }

        if (YamlValues.TryBool(text, out var value, out _))
        {
            return value;
        }

        Error(Node(key)!, $"{_where}.{key} must be true or false, not '{text}'");
        return null;
    }

    public YamlMap? Map(string key)
    {
        var node = Node(key);
        switch (node)
        {
            case null:
                return null;
            case YamlMappingNode mapping:
                return new YamlMap(mapping, _file, $"{_where}.{key}", _errors);
            default:
                Error(node, $"{_where}.{key} must be a mapping");
                return null;
        }
    }

    public YamlMappingNode? RawMap(string key)
    {
        var node = Node(key);
        switch (node)
        {
            case null:
                return null;
            case YamlMappingNode mapping:
                return mapping;
            case YamlScalarNode { Value: null or "" or "~" or "null" }:
                return null;
            default:
                Error(node, $"{_where}.{key} must be a mapping");
                return null;
        }
    }

    public YamlSequenceNode? Sequence(string key)
    {
        var node = Node(key);
        switch (node)
        {
            case null:
                return null;
            case YamlSequenceNode sequence:
                return sequence;
            case YamlScalarNode { Value: null or "" or "~" or "null" }:
                return null;
            default:
                Error(node, $"{_where}.{key} must be a list");
                return null;
        }
    }

    public IReadOnlyList<string> StringList(string key)
    {
        var sequence = Sequence(key);
        if (sequence is null)
        {
            return [];
        }

        var rejected = new List<YamlNode>();
        var result = YamlValues.Strings(sequence, rejected);
        foreach (var item in rejected)
        {
            Error(item, $"{_where}.{key} must be a list of strings");
        }

        return result;
    }

    public IEnumerable<(YamlMap Map, int Index)> Maps(string key)
    {
        var sequence = Sequence(key);
        if (sequence is null)
        {
            yield break;
        }

        var index = 0;
        foreach (var item in sequence)
        {
            if (item is YamlMappingNode mapping)
            {
                yield return (new YamlMap(mapping, _file, $"{_where}.{key}[{index}]", _errors), index);
            }
            else
            {
                Error(item, $"{_where}.{key}[{index}] must be a mapping");
            }

            index++;
        }
    }

    public void Error(YamlNode node, string message) => _errors.Add(new PackError(_file, YamlValues.LineOf(node), message));

    /// <summary>Call after reading: reports every key that was never asked for.</summary>
    public void RejectUnknownKeys()
    {
        foreach (var key in _node.Children.Keys)
        {
            if (key is YamlScalarNode { Value: { } name } && !_known.Contains(name))
            {
                Error(key, $"unknown field '{_where}.{name}' (expected one of: {string.Join(", ", _known.Order(StringComparer.Ordinal))})");
            }
        }
    }
}
