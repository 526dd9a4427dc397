using Guardrails.Policies.Documents;
using Guardrails.Policies.Quantities;
using YamlDotNet.RepresentationModel;

namespace Guardrails.Policies.Packs;

/// <summary>
/// Reads a rule's <c>parameters</c> mapping into typed values on a <see cref="DocumentMap"/>, in the words rule
/// authors know ("rule 'x' parameter 'y': …"), each error on the line of its key so that FluentValidation's point
/// there too. Keys nobody read are errors, never ignored.
/// </summary>
public sealed class ParameterReader
{
    private readonly DocumentMap? _map;
    private readonly string _file;
    private readonly int _fallbackLine;
    private readonly List<PackError> _errors;
    private readonly string _ruleId;
    private readonly int _errorsBefore;

    internal ParameterReader(string ruleId, YamlMappingNode? node, string file, int fallbackLine, List<PackError> errors)
    {
        _ruleId = ruleId;
        _map = node is null ? null : PackDocuments.Reader(file, errors).Map(node, "parameters");
        _file = file;
        _fallbackLine = fallbackLine;
        _errors = errors;
        _errorsBefore = errors.Count;
    }

    public bool HasErrors => _errors.Count > _errorsBefore;

    internal int ErrorCount => _errors.Count;

    /// <summary>Reports an error on a parameter; <paramref name="key"/> may be a C# property path (<c>Required[0]</c>).</summary>
    public void Error(string key, string message)
    {
        var yamlKey = ToYamlKey(key);
        _errors.Add(new PackError(_file, KeyLine(yamlKey), $"rule '{_ruleId}' parameter '{yamlKey}': {message}"));
    }

    /// <summary>Reports an error on the rule entry as a whole (for example, parameters its constructor refused).</summary>
    public void RuleError(string message) => _errors.Add(new PackError(_file, _fallbackLine, $"rule '{_ruleId}': {message}"));

    public string? String(string key)
    {
        var node = _map?.Field(key);
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
        var node = _map?.Field(key);
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
        var node = _map?.Field(key);
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
        foreach (var (name, key) in _map?.UnknownFields() ?? [])
        {
            _map!.Report(key, $"rule '{_ruleId}' has no parameter '{name}'");
        }
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

    /// <summary>The line of the key FluentValidation names by its property (<c>CountSurge</c> for <c>countSurge</c>), so compared ignoring case.</summary>
    private int KeyLine(string yamlKey)
    {
        var line = _fallbackLine;
        foreach (var key in _map?.Node.Children.Keys ?? [])
        {
            if (key is YamlScalarNode { Value: { } name } && string.Equals(name, yamlKey, StringComparison.OrdinalIgnoreCase))
            {
                line = YamlValues.LineOf(key);
            }
        }

        return line;
    }

    private static string ToYamlKey(string propertyPath)
    {
        var end = propertyPath.IndexOfAny(['.', '[']);
        var head = end < 0 ? propertyPath : propertyPath[..end];
        return head.Length == 0 ? head : char.ToLowerInvariant(head[0]) + head[1..];
    }
}
