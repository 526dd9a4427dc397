using Guardrails.Policies.Documents;
using Guardrails.Policies.Resources;
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
    /// <remarks>
    /// Read by the manifest reader's YamlDotNet front end (<see cref="YamlDocumentWindow"/>): one document at a time,
    /// nesting refused past the limit as it is met, so the same limits and the same words as for manifests.
    /// </remarks>
    public static IReadOnlyList<YamlDocument> Load(PackSource source, List<PackError> errors)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(errors);
        var window = new YamlDocumentWindow(source.Text);
        var documents = new List<YamlDocument>();
        try
        {
            while (window.Next(1) is { } document)
            {
                if (documents.Count == ReadLimits.MaxDocuments)
                {
                    errors.Add(new PackError(source.File, (int)window.LastLine, $"more than {ReadLimits.MaxDocuments} documents (the limit per request or file); split the input"));
                    return [];
                }

                documents.Add(document);
            }
        }
        catch (YamlException ex)
        {
            errors.Add(new PackError(source.File, (int)ex.Start.Line, $"invalid YAML: {ex.InnerException?.Message ?? ex.Message}"));
            return [];
        }
        catch (ManifestReadException ex)
        {
            errors.Add(new PackError(source.File, ex.Line ?? 1, ex.Message));
            return [];
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or IndexOutOfRangeException or FormatException or OverflowException)
        {
            // What YamlDotNet throws on some malformed input instead of a YamlException: from its scanner, said with
            // the line it reached; from its loader, as before, with none.
            errors.Add(window.ParserFaulted
                ? new PackError(source.File, (int)window.LastLine, $"invalid YAML near line {window.LastLine}: {ex.Message}")
                : new PackError(source.File, 0, $"invalid YAML: {ex.Message}"));
            return [];
        }

        return documents;
    }

    /// <summary>A reader of one of <paramref name="file"/>'s documents whose errors join <paramref name="errors"/>.</summary>
    public static DocumentReader Reader(string file, List<PackError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return new DocumentReader(file, error => errors.Add(PackError.From(error)));
    }

    public static bool IsKind(YamlMappingNode root, string kind)
    {
        ArgumentNullException.ThrowIfNull(root);
        return root.Children.TryGetValue(new YamlScalarNode("kind"), out var value) && value is YamlScalarNode scalar && scalar.Value == kind;
    }
}
