using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Guardrails.Policies.Packs;

/// <summary>
/// The YAML documents of one file of the policies directory, shared by the pack parser and the platform settings
/// parser so that both report broken YAML the same way and agree on what kind a document is.
/// </summary>
public static class PackDocuments
{
    /// <summary>The file's documents; none, with the error recorded, when it is not valid YAML.</summary>
    public static IReadOnlyList<YamlDocument> Load(PackSource source, List<PackError> errors)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(errors);
        if (Resources.YamlPreScan.Check(source.Text) is { } refused)
        {
            errors.Add(new PackError(source.File, refused.Line, refused.Message));
            return [];
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(source.Text));
        }
        catch (YamlException ex)
        {
            errors.Add(new PackError(source.File, (int)ex.Start.Line, $"invalid YAML: {ex.InnerException?.Message ?? ex.Message}"));
            return [];
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or IndexOutOfRangeException or FormatException or OverflowException)
        {
            // What YamlDotNet throws on some malformed input instead of a YamlException.
            errors.Add(new PackError(source.File, 0, $"invalid YAML: {ex.Message}"));
            return [];
        }

        return [.. stream.Documents];
    }

    public static bool IsKind(YamlMappingNode root, string kind)
    {
        ArgumentNullException.ThrowIfNull(root);
        return root.Children.TryGetValue(new YamlScalarNode("kind"), out var value) && value is YamlScalarNode scalar && scalar.Value == kind;
    }
}
