using Guardrails.Policies.Documents;
using Guardrails.Policies.Quantities;
using YamlDotNet.RepresentationModel;

namespace Guardrails.Policies.Packs;

/// <summary>
/// Reads a rule's <c>parameters</c> mapping into typed values, remembering each key's line so that every error,
/// including FluentValidation's, points at the line that caused it. Keys nobody read are errors, never ignored.
/// </summary>
public sealed class ParameterReader
{
    private readonly YamlMappingNode? _node;
    private readonly string _file;
    private readonly int _fallbackLine;
    private readonly List<PackError> _errors;
    private readonly Dictionary<string, int> _lines = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);
    private readonly string _ruleId;
    private readonly int _errorsBefore;

    internal ParameterReader(string ruleId, YamlMappingNode? node, string file, int fallbackLine, List<PackError> errors)
    {
        _ruleId = ruleId;
        _node = node;
        _file = file;
        _fallbackLine = fallbackLine;
        _errors = errors;
        _errorsBefore = errors.Count;
        if (node is not null)
        {
            foreach (var (key, _) in node.Children)
            {
                if (key is YamlScalarNode { Value: { } name })
                {
                    _lines[name] = Line(key);
                }
            }
        }
    }

    public bool HasErrors => _errors.Count > _errorsBefore;

    internal int ErrorCount => _errors.Count;

    /// <summary>Reports an error on a parameter; <paramref name="key"/> may be a C# property path (<c>Required[0]</c>).</summary>
    public void Error(string key, string message)
    {
        var yamlKey = ToYamlKey(key);
        var line = _lines.TryGetValue(yamlKey, out var l) ? l : _fallbackLine;
        _errors.Add(new PackError(_file, line, $"rule '{_ruleId}' parameter '{yamlKey}': {message}"));
    }

    /// <summary>Reports an error on the rule entry as a whole (for example, parameters its constructor refused).</summary>
    public void RuleError(string message) => _errors.Add(new PackError(_file, _fallbackLine, $"rule '{_ruleId}': {message}"));

    public string? String(string key)
    {
        var node = Get(key);
        switch (node)
        {
            case null:
                return null;
            case YamlScalarNode scalar:
                return scalar.Value;
            default:
                Error(key, "must be a string");
                return null;
        }
    }

    public bool? Bool(string key) => Parsed<bool>(key, YamlValues.TryBool);

    public decimal? Decimal(string key) => Parsed<decimal>(key, YamlValues.TryDecimal);

    public Quantity? Quantity(string key) => Parsed<Quantity>(key, YamlValues.TryQuantity);

    public IReadOnlyList<string>? StringList(string key)
    {
        var node = Get(key);
        if (node is null)
        {
            return null;
        }

        var rejected = new List<YamlNode>();
        var result = node is YamlSequenceNode sequence ? YamlValues.Strings(sequence, rejected) : null;
        if (result is null || rejected.Count > 0)
        {
            Error(key, "must be a list of strings");
            return null;
        }

        return result;
    }

    /// <summary>A mapping of names to quantities, e.g. <c>{ requests.cpu: 100m }</c>.</summary>
    public IReadOnlyDictionary<string, Quantity>? QuantityMap(string key)
    {
        var map = StringMap(key);
        if (map is null)
        {
            return null;
        }

        var result = new Dictionary<string, Quantity>(StringComparer.Ordinal);
        foreach (var (name, text) in map)
        {
            if (Quantities.Quantity.TryParse(text, out var quantity, out var error))
            {
                result[name] = quantity;
            }
            else
            {
                Error(key, $"{name}: {error}");
            }
        }

        return result;
    }

    public IReadOnlyDictionary<string, string>? StringMap(string key)
    {
        var node = Get(key);
        if (node is null)
        {
            return null;
        }

        if (node is not YamlMappingNode mapping)
        {
            Error(key, "must be a mapping");
            return null;
        }

        var result = YamlValues.StringPairs(mapping, out _);
        if (result is null)
        {
            Error(key, "must map names to single values");
        }

        return result;
    }

    internal void ReportUnknownKeys()
    {
        if (_node is null)
        {
            return;
        }

        foreach (var (key, _) in _node.Children)
        {
            if (key is YamlScalarNode { Value: { } name } && !_read.Contains(name))
            {
                _errors.Add(new PackError(_file, Line(key), $"rule '{_ruleId}' has no parameter '{name}'"));
            }
        }
    }

    private YamlNode? Get(string key)
    {
        _read.Add(key);
        return YamlValues.Child(_node, key);
    }

    private T? Parsed<T>(string key, YamlValues.Parser<T> parse)
        where T : struct
    {
        var text = String(key);
        if (text is null)
        {
            return null;
        }

        if (parse(text, out var value, out var error))
        {
            return value;
        }

        Error(key, error);
        return null;
    }

    private static int Line(YamlNode node) => YamlValues.LineOf(node);

    private static string ToYamlKey(string propertyPath)
    {
        var end = propertyPath.IndexOfAny(['.', '[']);
        var head = end < 0 ? propertyPath : propertyPath[..end];
        return head.Length == 0 ? head : char.ToLowerInvariant(head[0]) + head[1..];
    }
}
