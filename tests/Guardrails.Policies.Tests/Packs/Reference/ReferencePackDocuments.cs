using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

using Guardrails.Policies.Packs;

namespace Guardrails.Policies.Tests.Packs.Reference;

/// <summary>How pack files were loaded before issue 15 (a pre-scan, then the whole stream), kept as the oracle.</summary>
internal static class ReferencePackDocuments
{
    /// <summary>The file's documents; none, with the error recorded, when it is not valid YAML.</summary>
    public static IReadOnlyList<YamlDocument> Load(PackSource source, List<PackError> errors)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(errors);
        if (Guardrails.Policies.Resources.YamlPreScan.Check(source.Text) is { } refused)
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
}
